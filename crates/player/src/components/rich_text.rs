//! Rich text from the module's structured tree. Module content is never parsed as HTML:
//! every node becomes an element or a text node, so no module can inject markup or script.
//!
//! This is a view function, not a component: it has no state or hooks, and each Yew
//! component adds several kilobytes to the download (see ARCHITECTURE.md).

use pelita_lesson::{Inline, RichBlock};
use yew::prelude::*;

fn inline(node: &Inline) -> Html {
    match node {
        Inline::Text(text) => html! { { text.clone() } },
        Inline::Emphasis(content) => html! { <em>{ for content.iter().map(inline) }</em> },
        Inline::Strong(content) => html! { <strong>{ for content.iter().map(inline) }</strong> },
        Inline::Link { href, content } => html! {
            <a href={href.clone()} target="_blank" rel="noopener noreferrer">{ for content.iter().map(inline) }</a>
        },
    }
}

fn block(node: &RichBlock) -> Html {
    match node {
        RichBlock::Heading { level, content } => {
            // Level 1 is the page title, so module headings start at 2.
            let tag = match level {
                2 => "h2",
                3 => "h3",
                _ => "h4",
            };
            html! { <@{tag}>{ for content.iter().map(inline) }</@> }
        }
        RichBlock::Paragraph(content) => html! { <p>{ for content.iter().map(inline) }</p> },
        RichBlock::List { ordered, items } => {
            let items = items
                .iter()
                .map(|item| html! { <li>{ for item.iter().map(inline) }</li> });
            if *ordered {
                html! { <ol>{ for items }</ol> }
            } else {
                html! { <ul>{ for items }</ul> }
            }
        }
    }
}

/// A run of rich text blocks in the learner's language.
pub fn rich_text(blocks: &[RichBlock]) -> Html {
    html! { <div class="rich">{ for blocks.iter().map(block) }</div> }
}
