//! The offer to continue a saved attempt, or to start over.

use crate::glue::intl;
use crate::i18n::{answered_so_far, page_of, t, tf, Arg, Key, Msg};
use crate::state::{Action, PlayerContext};
use web_sys::HtmlElement;
use yew::prelude::*;

/// Asks whether to continue the saved attempt where the learner left off.
#[component]
pub fn ResumePage() -> Html {
    let heading = use_node_ref();
    {
        // The question replaces the loading message: focus tells screen readers it is here.
        let heading = heading.clone();
        use_effect_with((), move |_| {
            if let Some(h) = heading.cast::<HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    let Some(ctx) = use_context::<PlayerContext>() else {
        return html! {};
    };
    let Some(offer) = ctx.offer.clone() else {
        return html! {};
    };
    let lang = ctx.lang.clone();
    let (page, answered) = offer
        .snapshot
        .as_ref()
        .map(|s| (s.page, s.answers.len()))
        .unwrap_or_default();
    let oncontinue = {
        let dispatcher = ctx.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::ContinueSaved))
    };
    let onrestart = {
        let dispatcher = ctx.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::StartOver))
    };
    html! {
        <main class="resume" id="main">
            <h1 tabindex="-1" ref={heading}>{ t(&lang, Key::ResumeTitle) }</h1>
            <p>
                { page_of(&lang, page, ctx.session.page_count()) }
                { " · " }
                { answered_so_far(&lang, answered) }
            </p>
            if offer.saved_at_ms > 0 {
                <p class="saved-at">
                    { tf(&lang, Msg::SavedAt, &[("when", Arg::Text(&intl::date_time(&lang, offer.saved_at_ms as f64)))]) }
                </p>
            }
            <div class="actions">
                <button type="button" class="primary" onclick={oncontinue}>{ t(&lang, Key::ResumeContinue) }</button>
                <button type="button" class="secondary" onclick={onrestart}>{ t(&lang, Key::ResumeStartOver) }</button>
            </div>
        </main>
    }
}
