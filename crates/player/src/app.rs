//! The root component: load, then play or explain what is wrong.

use crate::hooks::{use_loader, Loaded};
use crate::pages::{error_page, loading_page, PlayerPage};
use yew::prelude::*;

/// The whole player.
#[component]
pub fn App() -> Html {
    match use_loader() {
        Loaded::Loading => loading_page(),
        Loaded::Failed(failure) => error_page(&failure.problems),
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
