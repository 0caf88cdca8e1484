//! The picture of a hotspot question with its regions as real buttons laid over it.
//!
//! Every region is a `button` named by its label, so a keyboard user tabs to it and a
//! screen reader user hears what each area shows; a tap or a click on the area works the
//! same. The regions are placed through the CSS object model after rendering, not with
//! `style` attributes, which a strict Content-Security-Policy forbids.

use pelita_lesson::Region;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Props of [`HotspotImage`].
#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    /// The question's element id prefix (`q-<id>`).
    pub base: AttrValue,
    /// The image URL, resolved against the module.
    pub src: AttrValue,
    /// The image's alternative text.
    pub alt: AttrValue,
    /// The image's width in its own pixels.
    pub width: u32,
    /// The image's height in its own pixels.
    pub height: u32,
    /// The regions with their labels in the language shown.
    pub regions: Vec<(Region, String)>,
    /// The region chosen, if any.
    #[prop_or_default]
    pub chosen: Option<String>,
    /// Once answered, the regions are fixed and the right one is marked.
    #[prop_or_default]
    pub answered: bool,
    /// A region was chosen.
    pub onchoose: Callback<String>,
}

/// The image and its region buttons.
#[component]
pub fn HotspotImage(props: &Props) -> Html {
    let frame = use_node_ref();
    {
        let frame = frame.clone();
        // Percentages as text, with integer arithmetic: formatting floats would add their
        // formatting code to the download.
        let percent = |v: u32, of: u32| {
            let thousandths = u64::from(v) * 100_000 / u64::from(of.max(1));
            format!("{}.{:03}%", thousandths / 1000, thousandths % 1000)
        };
        let placed: Vec<(String, [String; 4])> = props
            .regions
            .iter()
            .map(|(r, _)| {
                let (w, h) = (props.width, props.height);
                (
                    r.id.clone(),
                    [
                        percent(r.x, w),
                        percent(r.y, h),
                        percent(r.width, w),
                        percent(r.height, h),
                    ],
                )
            })
            .collect();
        use_effect_with(placed, move |placed| {
            let Some(frame) = frame.cast::<web_sys::Element>() else {
                return;
            };
            let Ok(buttons) = frame.query_selector_all("button.region") else {
                return;
            };
            for (i, (_, [left, top, width, height])) in placed.iter().enumerate() {
                let Some(style) = buttons
                    .item(i as u32)
                    .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
                    .map(|b| b.style())
                else {
                    continue;
                };
                for (name, value) in [
                    ("left", left),
                    ("top", top),
                    ("width", width),
                    ("height", height),
                ] {
                    let _ = style.set_property(name, value);
                }
            }
        });
    }
    let buttons = props.regions.iter().map(|(region, label)| {
        let chosen = props.chosen.as_deref() == Some(region.id.as_str());
        let onclick = {
            let onchoose = props.onchoose.clone();
            let id = region.id.clone();
            Callback::from(move |_| onchoose.emit(id.clone()))
        };
        let class = classes!(
            "region",
            chosen.then_some("chosen"),
            (props.answered && region.correct).then_some("key")
        );
        html! {
            <button
                type="button"
                {class}
                id={format!("{}-{}", props.base, region.id)}
                aria-pressed={chosen.to_string()}
                aria-label={label.clone()}
                disabled={props.answered}
                {onclick}
            ></button>
        }
    });
    html! {
        <div class="hotspot" ref={frame}>
            <img src={props.src.clone()} alt={props.alt.clone()} width={props.width.to_string()} height={props.height.to_string()} />
            { for buttons }
        </div>
    }
}
