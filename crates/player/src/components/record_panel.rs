//! The learning record: every statement of this browser for the module, exactly as it is
//! (or would be) sent, with its delivery state.

use crate::i18n::{t, Key};
use crate::state::PlayerContext;
use pelita_xapi::Delivery;
use yew::prelude::*;

/// The record panel, collapsed by default.
#[component]
pub fn RecordPanel() -> Html {
    let Some(ctx) = use_context::<PlayerContext>() else {
        return html! {};
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
            Delivery::Rejected { status, reason } => (
                "rejected",
                format!("{} ({status}: {reason})", t(&lang, Key::Rejected)),
            ),
            Delivery::Local => ("local", t(&lang, Key::Local).to_string()),
        };
        let json = serde_json::to_string_pretty(s).unwrap_or_default();
        html! {
            <li key={entry.id.to_string()} class={classes!("entry", class)} data-verb={verb_id}>
                <details>
                    <summary>
                        <span class="n">{ format!("{}.", i + 1) }</span>
                        <span class="verb">{ verb }</span>
                        <span class="object">{ object }</span>
                        <span class="state">{ status }</span>
                    </summary>
                    <pre class="json" tabindex="0">{ json }</pre>
                </details>
            </li>
        }
    });
    html! {
        <aside class="record" aria-labelledby="record-title">
            <details>
                <summary id="record-title">
                    { t(&lang, Key::RecordTitle) }
                    { format!(" ({})", entries.len()) }
                    if pending > 0 {
                        <span class="pending">{ format!(" · {pending} {}", t(&lang, Key::Queued)) }</span>
                    }
                </summary>
                { destination }
                if let Some(error) = ctx.outbox.last_error() {
                    <p class="warning" role="status">{ error.to_string() }</p>
                }
                if let Some(problem) = &ctx.storage_problem {
                    <p class="warning" role="alert">{ t(&lang, Key::StorageProblem) }{ ": " }{ problem.clone() }</p>
                }
                if entries.is_empty() {
                    <p>{ t(&lang, Key::RecordEmpty) }</p>
                } else {
                    <ol class="entries">{ for items }</ol>
                }
            </details>
        </aside>
    }
}
