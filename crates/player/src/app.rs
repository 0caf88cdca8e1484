//! The root component: load, then play (or, with `view=report` in the query, show the
//! module's report) or explain what is wrong.

use crate::glue::location;
use crate::hooks::{use_loader, Loaded};
#[cfg(feature = "report")]
use crate::pages::ReportPage;
use crate::pages::{error_page, loading_page, LmsStopPage, PlayerPage};
use yew::prelude::*;

/// The whole player.
#[component]
pub fn App() -> Html {
    // The report is a route of the same app: same module, same launch parameters (the
    // LRS's endpoint and auth), no router.
    let report = use_memo((), |_| {
        location::query_pairs()
            .iter()
            .any(|(k, v)| k == "view" && v == "report")
    });
    match use_loader() {
        Loaded::Loading => loading_page(),
        Loaded::Failed(failure) => match &failure.lms {
            // The learner can only go back to the LMS: no author's advice.
            Some(stop) => html! { <LmsStopPage stop={stop.clone()} /> },
            None => error_page(&failure.problems),
        },
        #[cfg(feature = "report")]
        Loaded::Ready(ready) if *report => html! {
            <ReportPage module={ready.module.clone()} launch={ready.launch.clone()} />
        },
        // The learners' build has no report: `index.html` starts the report's own build
        // for `view=report`, so only a page that bypasses it gets here.
        #[cfg(not(feature = "report"))]
        Loaded::Ready(_) if *report => error_page(&[
            "query: view: `report` needs the report build of the player (dist/report-*.js, made by `cargo xtask dist`)".to_string(),
        ]),
        Loaded::Ready(ready) => html! {
            <PlayerPage
                module={ready.module.clone()}
                module_path={ready.module_path.clone()}
                launch={ready.launch.clone()}
                cmi5={ready.cmi5.clone()}
                scorm={ready.scorm.clone()}
                scorm_missing={ready.scorm_missing}
            />
        },
    }
}
