//! An image with its alternative text and optional caption (a view function: no state).

use yew::prelude::*;

/// What an image block shows, already in the learner's language.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageView {
    /// The resolved URL.
    pub src: String,
    /// The alternative text.
    pub alt: String,
    /// The visible caption, if any.
    pub caption: Option<String>,
    /// Intrinsic width, so the layout does not jump while the image loads.
    pub width: Option<u32>,
    /// Intrinsic height.
    pub height: Option<u32>,
}

/// A figure that scales down to narrow screens.
pub fn image_block(image: ImageView) -> Html {
    html! {
        <figure class="image">
            <img
                src={image.src}
                alt={image.alt}
                width={image.width.map(|w| w.to_string())}
                height={image.height.map(|h| h.to_string())}
                loading="lazy"
                decoding="async"
            />
            if let Some(caption) = image.caption {
                <figcaption>{ caption }</figcaption>
            }
        </figure>
    }
}
