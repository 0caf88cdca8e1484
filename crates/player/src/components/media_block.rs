//! An audio or video recording with its title, caption tracks and transcript.
//!
//! It is a chunk of its own in the learners' build (`chunks::MEDIA`): few pages hold a
//! recording, and the recording itself is downloaded only when the learner plays it, so
//! its view need not be in the first chunk either.

use crate::components::rich_text;
use crate::i18n::{t, Key};
use pelita_lesson::Media;
use yew::prelude::*;

/// What [`media_block`] shows.
#[derive(Clone, PartialEq)]
pub struct MediaView {
    /// The recording as the module gives it.
    pub media: Media,
    /// Its address, resolved against the module's.
    pub src: AttrValue,
    /// The caption tracks' addresses, resolved, in the order of `media.captions`.
    pub tracks: Vec<AttrValue>,
    /// The language shown.
    pub lang: AttrValue,
    /// The module's default language.
    pub fallback: AttrValue,
}

/// A recording in a figure: the player's own controls, the title as its caption and
/// label, and the transcript to open below.
pub fn media_block(view: &MediaView) -> Html {
    let (lang, fallback) = (view.lang.as_str(), view.fallback.as_str());
    let media = &view.media;
    let title = media.title.text(lang, fallback).to_string();
    let tracks = media.captions.iter().zip(&view.tracks).map(|(track, src)| {
        html! {
            <track
                kind="captions"
                src={src.clone()}
                srclang={track.lang.clone()}
                label={crate::i18n::language_name(&track.lang)}
                default={track.lang == lang}
            />
        }
    });
    html! {
        <figure class="media">
            if media.video {
                <video controls=true preload="metadata" src={view.src.clone()} aria-label={title.clone()}>{ for tracks }</video>
            } else {
                <audio controls=true preload="metadata" src={view.src.clone()} aria-label={title.clone()}></audio>
            }
            <figcaption>{ title }</figcaption>
            if let Some(transcript) = &media.transcript {
                <details class="transcript">
                    <summary>{ t(lang, Key::Transcript) }</summary>
                    { rich_text(transcript.get(lang, fallback).map(Vec::as_slice).unwrap_or_default()) }
                </details>
            }
        </figure>
    }
}
