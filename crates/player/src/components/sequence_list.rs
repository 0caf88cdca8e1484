//! The items of a sequencing question in the learner's order, each with "move up" and
//! "move down" buttons (a view function: the card keeps the state).
//!
//! Buttons, not dragging alone: they work with a keyboard, a switch, a screen reader and a
//! finger alike. Each button names the item it moves.

use crate::i18n::{tf, Arg, Msg};
use pelita_lesson::Item;
use yew::prelude::*;

/// Which way an item moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// One place earlier.
    Up,
    /// One place later.
    Down,
}

impl Move {
    /// The id suffix of the button that makes this move.
    pub fn suffix(self) -> &'static str {
        match self {
            Move::Up => "up",
            Move::Down => "down",
        }
    }
}

/// What the list shows.
pub struct SequenceView<'a> {
    /// The question's element id prefix (`q-<id>`).
    pub base: &'a str,
    /// The language shown and the module's default.
    pub lang: &'a str,
    /// The module's default language.
    pub fallback: &'a str,
    /// The question's items.
    pub items: &'a [Item],
    /// The item ids in the order shown.
    pub order: &'a [String],
    /// Once answered, the list is fixed and each item shows whether it is in place.
    pub answered: bool,
    /// Moves an item (by id).
    pub onmove: Callback<(String, Move)>,
}

/// The ordered list.
pub fn sequence_list(view: SequenceView<'_>) -> Html {
    let count = view.order.len();
    let rows = view.order.iter().enumerate().filter_map(|(i, id)| {
        let item = view.items.iter().find(|it| it.id == *id)?;
        let label = item.text.text(view.lang, view.fallback).to_string();
        let in_place = view.items.get(i).is_some_and(|it| it.id == *id);
        let button = |dir: Move, msg: Msg, disabled: bool, symbol: &'static str| {
            let onmove = view.onmove.clone();
            let id = id.clone();
            html! {
                <button
                    type="button"
                    class="secondary move"
                    id={format!("{}-{}-{}", view.base, item.id, dir.suffix())}
                    aria-label={tf(view.lang, msg, &[("item", Arg::Text(&label))])}
                    disabled={disabled}
                    onclick={Callback::from(move |_| onmove.emit((id.clone(), dir)))}
                >
                    <span aria-hidden="true">{ symbol }</span>
                </button>
            }
        };
        let class = classes!(
            "sequence-item",
            (view.answered && in_place).then_some("in-place"),
            (view.answered && !in_place).then_some("out-of-place")
        );
        Some(html! {
            <li {class} key={id.clone()} id={format!("{}-{}", view.base, item.id)}>
                <span class="text">{ label.clone() }</span>
                if !view.answered {
                    <span class="moves">
                        { button(Move::Up, Msg::MoveUp, i == 0, "↑") }
                        { button(Move::Down, Msg::MoveDown, i + 1 == count, "↓") }
                    </span>
                }
            </li>
        })
    });
    html! { <ol class="sequence">{ for rows }</ol> }
}
