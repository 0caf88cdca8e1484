//! The bar above every page of a module: the portal's logo, the module's title, the
//! language switch and whatever status the page adds (a view function: no state).

use crate::components::language_switch;
use yew::prelude::*;

/// What [`top_bar`] shows.
pub struct TopBar<'a> {
    /// The portal's logo, if the launch gave one.
    pub logo: Option<String>,
    /// The module's title in the language shown.
    pub title: String,
    /// The module's languages.
    pub languages: &'a [String],
    /// The language shown.
    pub lang: &'a str,
    /// Gets the language the learner picks.
    pub onlanguage: &'a Callback<String>,
    /// The sync indicator, or nothing where there is none yet (the pre-rendered page).
    pub status: Html,
}

/// The header of the player page. The pre-rendered first page (`prerender`, feature
/// `ssr`) uses it too, so both show the same header.
pub fn top_bar(bar: TopBar<'_>) -> Html {
    html! {
        <header class="top">
            <div class="brand">
                if let Some(logo) = bar.logo {
                    // The portal's mark beside the module's title, which says
                    // everything: decorative for screen readers.
                    <img class="logo" src={logo} alt="" />
                }
                <p class="module-title">{ bar.title }</p>
            </div>
            { language_switch(bar.languages, bar.lang, bar.onlanguage) }
            { bar.status }
        </header>
    }
}
