//! A labelled horizontal bar chart in SVG, with its numbers in a table for screen readers.
//!
//! Each bar has its label on a line of its own above it and its value beside it, so the
//! chart stays readable at phone width; the `viewBox` scales the whole drawing to the
//! width available. The table carries the same numbers (visually hidden), because a
//! drawing is not data to a screen reader.

use yew::prelude::*;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What it counts (shown above the bar and in the table's first column).
    pub label: String,
    /// Its length, in any unit: bars are scaled to the longest.
    pub value: f64,
    /// The value as shown (formatted for the reader's language).
    pub text: String,
    /// Words after the label that are never cut short, such as "(correct)" or a flag.
    pub note: String,
    /// Drawn in the "right answer" colour (the note also says so in words).
    pub marked: bool,
    /// An id for the table row (`data-key`), for tests and links.
    pub key: String,
}

// Whole-number coordinates: writing floats would add float formatting to the download.
const WIDTH: usize = 320;
const ROW: usize = 36;
const BAR_SPACE: f64 = 250.0;
const MAX_LABEL: usize = 46;

/// The chart `title` (shown above it, and its accessible name and the table's caption)
/// of `bars`; the table's column headers are `headers`.
pub fn bar_chart(id: &str, title: &str, headers: [&str; 2], bars: &[Bar]) -> Html {
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let height = (bars.len() * ROW).max(ROW);
    let title_id = format!("{id}-title");
    let rows = bars.iter().enumerate().map(|(i, bar)| {
        let y = i * ROW;
        let width = if max > 0.0 {
            (bar.value / max * BAR_SPACE).max(if bar.value > 0.0 { 2.0 } else { 0.0 }) as usize
        } else {
            0
        };
        // A long label is cut, its note never: "(correct)" or a flag must stay visible.
        let room = MAX_LABEL.saturating_sub(bar.note.chars().count()).max(12);
        let mut label: String = if bar.label.chars().count() > room {
            bar.label.chars().take(room - 1).chain(['…']).collect()
        } else {
            bar.label.clone()
        };
        if !bar.note.is_empty() {
            label.push(' ');
            label.push_str(&bar.note);
        }
        html! {
            <g class={classes!("bar", bar.marked.then_some("marked"))}>
                <text x="0" y={(y + 12).to_string()} class="label">{ label }</text>
                <rect x="0" y={(y + 16).to_string()} width={width.to_string()} height="12" rx="2" />
                <text x={(width + 6).to_string()} y={(y + 27).to_string()} class="value">{ &bar.text }</text>
            </g>
        }
    });
    let table_rows = bars.iter().map(|bar| {
        html! {
            <tr data-key={bar.key.clone()}>
                <th scope="row">{ format!("{} {}", bar.label, bar.note).trim_end() }</th>
                <td>{ &bar.text }</td>
            </tr>
        }
    });
    html! {
        <figure class="chart" id={id.to_string()}>
            <figcaption id={title_id.clone()}>{ title }</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {height}")} role="img" aria-labelledby={title_id}
                preserveAspectRatio="xMinYMin meet">
                <title>{ title }</title>
                { for rows }
            </svg>
            // In a hidden box: a table is never narrower than its content, whatever its
            // width says, so hidden by itself it would widen the page.
            <div class="visually-hidden">
                <table>
                    <caption>{ title }</caption>
                    <thead><tr><th scope="col">{ headers[0] }</th><th scope="col">{ headers[1] }</th></tr></thead>
                    <tbody>{ for table_rows }</tbody>
                </table>
            </div>
        </figure>
    }
}
