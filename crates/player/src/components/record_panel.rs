//! The learning record: every statement of this browser for the module, exactly as it is
//! (or would be) sent, with its delivery state.
//!
//! Most learners never open it, so the list is only built while the panel is open, and a
//! statement's JSON only while its own entry is open: a closed panel costs nothing on
//! every click, however long the record grows.

use crate::i18n::{t, tf, Arg, Key, Msg};
use crate::state::PlayerContext;
use pelita_xapi::Delivery;
use uuid::Uuid;
use web_sys::HtmlDetailsElement;
use yew::prelude::*;

/// Whether the `<details>` element that fired `event` is now open.
fn is_open(event: &Event) -> bool {
    event
        .target_dyn_into::<HtmlDetailsElement>()
        .is_some_and(|d| d.open())
}

/// The record panel, collapsed by default.
#[component]
pub fn RecordPanel() -> Html {
    let open = use_state(|| false);
    let expanded = use_state(Vec::<Uuid>::new);
    let Some(ctx) = use_context::<PlayerContext>() else {
        return html! {};
    };
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| open.set(is_open(&e)))
    };
    let lang = ctx.lang.clone();
    let entries = ctx.outbox.entries();
    let pending = ctx.outbox.pending();
    let destination = match &ctx.launch.endpoint {
        Some(endpoint) => {
            html! { <p>{ t(&lang, Key::ToLrs) }{ " " }<code>{ endpoint.clone() }</code></p> }
        }
        None => html! { <p>{ t(&lang, Key::NoLrs) }</p> },
    };
    let items = entries.iter().enumerate().map(|(i, entry)| {
        let s = &entry.statement;
        let verb_id = s["verb"]["id"].as_str().unwrap_or_default().to_string();
        let verb = [&lang, "en"]
            .iter()
            .find_map(|l| s["verb"]["display"][l].as_str())
            .unwrap_or(&verb_id)
            .to_string();
        let name = &s["object"]["definition"]["name"];
        let object = name[&lang]
            .as_str()
            .or_else(|| {
                name.as_object()
                    .and_then(|n| n.values().find_map(|v| v.as_str()))
            })
            .or_else(|| s["object"]["id"].as_str())
            .unwrap_or_default()
            .to_string();
        let (class, status) = match &entry.delivery {
            Delivery::Queued => ("queued", t(&lang, Key::Queued).to_string()),
            Delivery::InFlight => ("sending", t(&lang, Key::Sending).to_string()),
            Delivery::Sent => ("sent", t(&lang, Key::Sent).to_string()),
            Delivery::Quarantined { status, reason } => (
                "rejected",
                if *status == 0 {
                    tf(&lang, Msg::RejectedHere, &[("reason", Arg::Text(reason))])
                } else {
                    tf(
                    &lang,
                    Msg::RejectedBecause,
                    &[("status", Arg::Num(f64::from(*status))), ("reason", Arg::Text(reason))],
                )
                },
            ),
            Delivery::Local => ("local", t(&lang, Key::Local).to_string()),
        };
        let id = entry.id;
        let shown = expanded.contains(&id);
        let ontoggle = {
            let expanded = expanded.clone();
            Callback::from(move |e: Event| {
                let mut ids = (*expanded).clone();
                ids.retain(|x| *x != id);
                if is_open(&e) {
                    ids.push(id);
                }
                expanded.set(ids);
            })
        };
        html! {
            <li key={entry.id.to_string()} class={classes!("entry", class)} data-verb={verb_id} data-id={entry.id.to_string()}>
                <details open={shown} {ontoggle}>
                    <summary>
                        <span class="n">{ format!("{}.", i + 1) }</span>
                        <span class="verb">{ verb }</span>
                        <span class="object">{ object }</span>
                        <span class="state">{ status }</span>
                    </summary>
                    if shown {
                        <pre class="json" tabindex="0">
                            { serde_json::to_string_pretty(s.as_ref()).unwrap_or_default() }
                        </pre>
                    }
                </details>
            </li>
        }
    });
    html! {
        <aside class="record" aria-labelledby="record-title">
            <details open={*open} {ontoggle}>
                <summary id="record-title">
                    { t(&lang, Key::RecordTitle) }
                    { format!(" ({})", entries.len()) }
                    if pending > 0 {
                        <span class="pending">{ " · " }{ tf(&lang, Msg::PendingCount, &[("n", Arg::Num(pending as f64))]) }</span>
                    }
                </summary>
                { destination }
                if ctx.no_state_api {
                    // Said once, as a fact about this LRS: nothing failed, and the attempt
                    // is still saved on the device.
                    <p class="no-state-api">{ t(&lang, Key::RecordNoStateApi) }</p>
                }
                if let Some(error) = ctx.outbox.last_error() {
                    <p class="warning" role="status">{ error.to_string() }</p>
                }
                if let Some(problem) = &ctx.storage_problem {
                    <p class="warning" role="alert">{ t(&lang, Key::StorageProblem) }{ ": " }{ problem.clone() }</p>
                }
                if entries.is_empty() {
                    <p>{ t(&lang, Key::RecordEmpty) }</p>
                } else if *open {
                    <ol class="entries">{ for items }</ol>
                }
            </details>
        </aside>
    }
}
