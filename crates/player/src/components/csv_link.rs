//! A link that downloads a CSV file made in the page (a Blob behind an object URL, freed
//! when the link goes away or its content changes).

use crate::glue::blob;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`CsvLink`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The file's content.
    pub csv: Rc<str>,
    /// The file name offered.
    pub filename: AttrValue,
    /// The link's text.
    pub label: AttrValue,
}

/// The download link.
#[component]
pub fn CsvLink(props: &Props) -> Html {
    let url = use_memo(props.csv.clone(), |csv| {
        blob::object_url(csv, "text/csv;charset=utf-8")
    });
    {
        let url = url.clone();
        use_effect_with(url, |url| {
            let url = (**url).clone();
            move || {
                if let Some(url) = url {
                    blob::revoke(&url);
                }
            }
        });
    }
    match &*url {
        Some(href) => html! {
            <a class="button csv" href={href.clone()} download={props.filename.clone()}>{ &props.label }</a>
        },
        None => html! {},
    }
}
