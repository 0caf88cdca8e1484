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
        Inline::Code(text) => html! { <code>{ text.clone() }</code> },
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
        RichBlock::Quote(content) => html! {
            <blockquote><p>{ for content.iter().map(inline) }</p></blockquote>
        },
        // A long line scrolls inside the block; the block takes focus so that a keyboard
        // can scroll it too.
        RichBlock::Code(text) => html! { <pre tabindex="0"><code>{ text.clone() }</code></pre> },
        RichBlock::Table {
            caption,
            header,
            rows,
        } => {
            let cell = |c: &Vec<Inline>| html! { <td>{ for c.iter().map(inline) }</td> };
            // A wide table scrolls on its own on a phone, so the page does not; the
            // scrolling box takes keyboard focus so that it can be scrolled without a mouse.
            html! {
                <div class="table-wrap" tabindex="0" role="group" aria-label={caption.iter().map(plain).collect::<String>()}>
                    <table>
                        <caption>{ for caption.iter().map(inline) }</caption>
                        <thead><tr>
                            { for header.iter().map(|h| html! { <th scope="col">{ for h.iter().map(inline) }</th> }) }
                        </tr></thead>
                        <tbody>
                            { for rows.iter().map(|r| html! { <tr>{ for r.iter().map(cell) }</tr> }) }
                        </tbody>
                    </table>
                </div>
            }
        }
    }
}

/// The text of an inline piece without its formatting, for labels.
fn plain(node: &Inline) -> String {
    match node {
        Inline::Text(text) | Inline::Code(text) => text.clone(),
        Inline::Emphasis(content) | Inline::Strong(content) | Inline::Link { content, .. } => {
            content.iter().map(plain).collect()
        }
    }
}

/// A run of rich text blocks in the learner's language.
pub fn rich_text(blocks: &[RichBlock]) -> Html {
    html! { <div class="rich">{ for blocks.iter().map(block) }</div> }
}
