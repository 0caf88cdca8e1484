//! An image with its alternative text and optional caption.

use yew::prelude::*;

/// Props of [`ImageBlock`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The resolved URL.
    pub src: String,
    /// The alternative text in the learner's language.
    pub alt: String,
    /// The visible caption, if any.
    #[prop_or_default]
    pub caption: Option<String>,
    /// Intrinsic width, so the layout does not jump while the image loads.
    #[prop_or_default]
    pub width: Option<u32>,
    /// Intrinsic height.
    #[prop_or_default]
    pub height: Option<u32>,
}

/// A figure that scales down to narrow screens.
#[component]
pub fn ImageBlock(props: &Props) -> Html {
    html! {
        <figure class="image">
            <img
                src={props.src.clone()}
                alt={props.alt.clone()}
                width={props.width.map(|w| w.to_string())}
                height={props.height.map(|h| h.to_string())}
                loading="lazy"
                decoding="async"
            />
            if let Some(caption) = &props.caption {
                <figcaption>{ caption.clone() }</figcaption>
            }
        </figure>
    }
}
