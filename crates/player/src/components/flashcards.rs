//! Flashcards: each card shows its front until the learner turns it over.
//!
//! A card is turned by a real button (Enter or Space, a tap, a click) that says which way
//! it turns and whether the card is turned (`aria-pressed`); the card's text is a polite
//! live region, so a screen reader reads the other side as soon as it shows.

use crate::i18n::{t, tf, Arg, Key, Msg};
use pelita_lesson::Flashcard;
use yew::prelude::*;

/// Props of [`Flashcards`].
#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    /// The cards.
    pub cards: Vec<Flashcard>,
    /// The language shown.
    pub lang: AttrValue,
    /// The module's default language.
    pub fallback: AttrValue,
}

/// A list of cards to turn over.
#[component]
pub fn Flashcards(props: &Props) -> Html {
    let turned = use_state(|| vec![false; props.cards.len()]);
    let lang = props.lang.as_str();
    let count = props.cards.len();
    let cards = props.cards.iter().enumerate().map(|(i, card)| {
        let is_turned = turned.get(i).copied().unwrap_or(false);
        let face = if is_turned { &card.back } else { &card.front };
        let onclick = {
            let turned = turned.clone();
            Callback::from(move |_| {
                let mut next = (*turned).clone();
                if let Some(t) = next.get_mut(i) {
                    *t = !*t;
                }
                turned.set(next);
            })
        };
        let label = tf(
            lang,
            Msg::CardOf,
            &[("n", Arg::Num((i + 1) as f64)), ("count", Arg::Num(count as f64))],
        );
        html! {
            <li class={classes!("card", is_turned.then_some("turned"))} aria-label={label}>
                <p class="face" aria-live="polite">{ face.text(lang, &props.fallback) }</p>
                <button type="button" class="secondary" aria-pressed={is_turned.to_string()} {onclick}>
                    { t(lang, if is_turned { Key::FlipToFront } else { Key::FlipToBack }) }
                </button>
            </li>
        }
    });
    html! {
        <section class="flashcards" aria-label={t(lang, Key::Flashcards)}>
            <ul>{ for cards }</ul>
        </section>
    }
}
