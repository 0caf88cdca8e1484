//! The player's own words: buttons, labels and messages around the module's text.
//!
//! Every one of them comes from a message catalog in `crates/player/i18n/`, one Project
//! Fluent file per language (`en.ftl` is the reference), compiled into tables by
//! `build.rs`. Adding a language is adding one file. Plural forms and numbers follow the
//! language's own rules, which the browser's `Intl` knows (see [`crate::glue::intl`]).

use crate::glue::intl;

include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));

/// A piece of a catalog message.
#[derive(Debug)]
pub enum Part {
    /// Text shown as it is.
    Text(&'static str),
    /// The value of a variable.
    Var(&'static str),
    /// A choice by a number variable: the variants' keys (a plural category such as `one`,
    /// or an exact number) with their parts, and the index of the default variant.
    Select(
        &'static str,
        &'static [(&'static str, &'static [Part])],
        usize,
    ),
}

/// The messages of one language.
#[derive(Debug)]
pub struct Catalog {
    /// The language tag, the catalog's file name (`id` for `id.ftl`).
    pub tag: &'static str,
    /// The plain texts, in the order of [`Key`].
    pub texts: &'static [&'static str],
    /// The texts with variables, in the order of [`Msg`].
    pub patterns: &'static [&'static [Part]],
    /// The ids this catalog does not translate (English is shown for them).
    pub missing: &'static [&'static str],
}

/// The value of a message variable.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// A number: written the language's way, and choosing plural forms.
    Num(f64),
    /// A text shown as it is (a name, a choice's label, an LRS's reason).
    Text(&'a str),
}

/// The catalog for `lang`: its own, the one of its primary language (`id` for `id-ID`),
/// or English.
pub fn catalog(lang: &str) -> &'static Catalog {
    let primary = primary(lang);
    CATALOGS
        .iter()
        .find(|c| c.tag.eq_ignore_ascii_case(lang))
        .or_else(|| CATALOGS.iter().find(|c| c.tag == primary))
        .unwrap_or(&CATALOGS[0])
}

/// Whether the player has its own words in `lang` (or its primary language).
pub fn has_catalog(lang: &str) -> bool {
    let primary = primary(lang);
    CATALOGS
        .iter()
        .any(|c| c.tag == primary || c.tag.eq_ignore_ascii_case(lang))
}

/// The primary language subtag, lower case: `id` for `id-ID`.
pub fn primary(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// A plain text in `lang`.
pub fn t(lang: &str, key: Key) -> &'static str {
    catalog(lang).texts.get(key as usize).copied().unwrap_or("")
}

/// A text with variables in `lang`; numbers are written and pluralised the language's
/// way. A variable the caller did not give shows as `{$name}`, so a mistake is visible.
pub fn tf(lang: &str, msg: Msg, args: &[(&str, Arg<'_>)]) -> String {
    let mut out = String::new();
    if let Some(parts) = catalog(lang).patterns.get(msg as usize) {
        write_parts(&mut out, lang, parts, args);
    }
    out
}

fn write_parts(out: &mut String, lang: &str, parts: &[Part], args: &[(&str, Arg<'_>)]) {
    for part in parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Var(name) => match arg(args, name) {
                Some(Arg::Num(n)) => out.push_str(&intl::number(lang, n)),
                Some(Arg::Text(text)) => out.push_str(text),
                None => {
                    out.push_str("{$");
                    out.push_str(name);
                    out.push('}');
                }
            },
            Part::Select(name, variants, default) => {
                let chosen = match arg(args, name) {
                    Some(Arg::Num(n)) => choose(lang, n, variants),
                    _ => None,
                };
                if let Some((_, parts)) = chosen.or_else(|| variants.get(*default)) {
                    write_parts(out, lang, parts, args);
                }
            }
        }
    }
}

fn arg<'a>(args: &[(&str, Arg<'a>)], name: &str) -> Option<Arg<'a>> {
    args.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
}

/// The variant for `n`: an exact whole number first (`[0]`), then its plural category.
fn choose(
    lang: &str,
    n: f64,
    variants: &'static [(&'static str, &'static [Part])],
) -> Option<&'static (&'static str, &'static [Part])> {
    let exact = variants
        .iter()
        // Whole numbers only: parsing decimals would add the float parser to the download.
        .find(|(key, _)| key.parse::<u32>().is_ok_and(|k| f64::from(k) == n));
    exact.or_else(|| {
        let category = intl::plural_category(lang, n);
        variants.iter().find(|(key, _)| *key == category)
    })
}

/// A language's own name, for the language switch: the catalog's name for it, else the
/// browser's name for it in itself, else the tag.
pub fn language_name(tag: &str) -> String {
    if has_catalog(tag) {
        t(tag, Key::LanguageName).to_string()
    } else {
        intl::own_name(tag).unwrap_or_else(|| tag.to_string())
    }
}

/// Whether `lang` is written right to left (Arabic, Hebrew, Persian, Urdu and others).
pub fn is_rtl(lang: &str) -> bool {
    matches!(
        primary(lang).as_str(),
        "ar" | "arc" | "ckb" | "dv" | "fa" | "he" | "ku" | "ps" | "sd" | "ug" | "ur" | "yi"
    )
}

fn count(lang: &str, msg: Msg, n: usize) -> String {
    tf(lang, msg, &[("n", Arg::Num(n as f64))])
}

/// "3 records waiting to sync".
pub fn records_waiting(lang: &str, n: usize) -> String {
    count(lang, Msg::RecordsWaiting, n)
}

/// "2 questions answered".
pub fn answered_so_far(lang: &str, n: usize) -> String {
    count(lang, Msg::AnsweredSoFar, n)
}

/// A warning before finishing with questions left.
pub fn unanswered(lang: &str, n: usize) -> String {
    count(lang, Msg::Unanswered, n)
}

/// "Page 2 of 5", from the 0-based index.
pub fn page_of(lang: &str, index: usize, count: usize) -> String {
    tf(
        lang,
        Msg::PageOf,
        &[
            ("page", Arg::Num((index + 1) as f64)),
            ("count", Arg::Num(count as f64)),
        ],
    )
}

/// "You scored 5 of 6 points (83%)".
pub fn score_line(lang: &str, raw: u32, max: u32, percent: u32) -> String {
    tf(
        lang,
        Msg::ScoreLine,
        &[
            ("raw", Arg::Num(f64::from(raw))),
            ("max", Arg::Num(f64::from(max))),
            ("percent", Arg::Num(f64::from(percent))),
        ],
    )
}

/// "80% is needed to pass".
pub fn mastery_line(lang: &str, percent: u32) -> String {
    tf(
        lang,
        Msg::MasteryLine,
        &[("percent", Arg::Num(f64::from(percent)))],
    )
}
