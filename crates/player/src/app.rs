//! The root component: load, then play or explain what is wrong.

use crate::hooks::{use_loader, Loaded};
use crate::pages::{ErrorPage, LoadingPage, PlayerPage};
use yew::prelude::*;

/// The whole player.
#[component]
pub fn App() -> Html {
    match use_loader() {
        Loaded::Loading => html! { <LoadingPage /> },
        Loaded::Failed(failure) => html! { <ErrorPage problems={failure.problems.clone()} /> },
        Loaded::Ready(ready) => html! {
            <PlayerPage
                module={ready.module.clone()}
                module_path={ready.module_path.clone()}
                launch={ready.launch.clone()}
            />
        },
    }
}
