//! The sync indicator: "all saved" or how many records wait to reach the LRS, and a plain
//! word when sending is paused because the LRS refused the credentials.

use crate::i18n::{records_waiting, t, tf, Arg, Key, Msg};
use crate::state::PlayerState;
use yew::prelude::*;

/// The indicator for `state`; `onresume` tries again after refused credentials. The text
/// is a polite live region, so a screen reader hears when it changes; the button sits
/// outside it, so it is not announced with every change.
pub fn sync_status(state: &PlayerState, onresume: &Callback<MouseEvent>) -> Html {
    let lang = state.lang.as_str();
    let pending = state.outbox.pending();
    let quarantined = state.outbox.quarantined();
    let (class, mut text) = if !state.has_lrs() {
        ("local", t(lang, Key::KeptHere).to_string())
    } else if let Some(reason) = state.outbox.paused() {
        // The status code is enough here; the LRS's full answer is in the learning record.
        let code = reason.split(':').next().unwrap_or(reason);
        (
            "paused",
            format!(
                "{} {} {}.",
                tf(lang, Msg::SendingPaused, &[("status", Arg::Text(code))]),
                t(lang, Key::PausedHelp),
                records_waiting(lang, pending)
            ),
        )
    } else if pending > 0 {
        ("waiting", records_waiting(lang, pending))
    } else {
        ("saved", t(lang, Key::AllSaved).to_string())
    };
    if quarantined > 0 {
        text.push_str(" · ");
        text.push_str(&tf(
            lang,
            Msg::RejectedCount,
            &[("n", Arg::Num(quarantined as f64))],
        ));
    }
    html! {
        <div class="sync">
            <p class={classes!("sync-state", class)} role="status" data-pending={pending.to_string()}>
                { text }
            </p>
            if state.outbox.paused().is_some() {
                <button type="button" class="secondary" onclick={onresume.clone()}>
                    { t(lang, Key::TryAgain) }
                </button>
            }
        </div>
    }
}
