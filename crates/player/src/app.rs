//! The root component: load, then play (or, with `view=report` in the query, show the
//! module's report) or explain what is wrong.

use crate::glue::location;
use crate::hooks::{use_loader, Loaded};
use crate::pages::{error_page, loading_page, PlayerPage, ReportPage};
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
        Loaded::Failed(failure) => error_page(&failure.problems),
        Loaded::Ready(ready) if *report => html! {
            <ReportPage module={ready.module.clone()} launch={ready.launch.clone()} />
        },
        Loaded::Ready(ready) => html! {
            <PlayerPage
                module={ready.module.clone()}
                module_path={ready.module_path.clone()}
                launch={ready.launch.clone()}
                cmi5={ready.cmi5.clone()}
                scorm={ready.scorm.clone()}
            />
        },
    }
}
