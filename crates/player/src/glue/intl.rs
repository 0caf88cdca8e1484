//! The browser's `Intl`: plural categories, numbers and dates in the learner's language.
//!
//! The browser already knows the plural rules and number formats of every language, so
//! the player carries none of its own. The constructors are bound with `catch`: an odd
//! language tag from a module or a launch link makes `Intl` throw, and the player then
//! falls back to plain formatting instead of failing.

use pelita_lesson::CaseFold;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = PluralRules)]
    type PluralRules;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "PluralRules", catch)]
    fn new(locales: &str) -> Result<PluralRules, JsValue>;
    #[wasm_bindgen(method)]
    fn select(this: &PluralRules, n: f64) -> String;

    #[wasm_bindgen(js_namespace = Intl, js_name = NumberFormat)]
    type NumberFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "NumberFormat", catch)]
    fn new(locales: &str) -> Result<NumberFormat, JsValue>;
    #[wasm_bindgen(method, js_name = format)]
    fn format_number(this: &NumberFormat, n: f64) -> String;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "NumberFormat", catch)]
    fn with_options(locales: &str, options: &JsValue) -> Result<NumberFormat, JsValue>;

    #[wasm_bindgen(js_namespace = Intl, js_name = DisplayNames)]
    type DisplayNames;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "DisplayNames", catch)]
    fn new(locales: &str, options: &JsValue) -> Result<DisplayNames, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn of(this: &DisplayNames, code: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type DateTimeFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "DateTimeFormat", catch)]
    fn new(locales: &str, options: &JsValue) -> Result<DateTimeFormat, JsValue>;
    #[wasm_bindgen(method, js_name = format)]
    fn format_date(this: &DateTimeFormat, date: &js_sys::Date) -> String;
}

thread_local! {
    /// The plural rules and number format of the language last asked for. Building either
    /// costs the browser about a millisecond, and one page asks for dozens ("question 3
    /// of 10" on every card), all in the learner's one language.
    static RULES: Cache<PluralRules> = const { RefCell::new(None) };
    static NUMBERS: Cache<NumberFormat> = const { RefCell::new(None) };
}

/// One language's `Intl` object, or `None` inside when `Intl` refused the tag.
type Cache<T> = RefCell<Option<(String, Option<T>)>>;

/// Runs `f` with the cached value for `lang` (built by `make` when the language changed;
/// `None` when `Intl` refused the tag).
fn with_cached<T, R>(
    cache: &'static std::thread::LocalKey<Cache<T>>,
    lang: &str,
    make: impl FnOnce() -> Option<T>,
    f: impl FnOnce(Option<&T>) -> R,
) -> R {
    cache.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|(cached, _)| cached != lang) {
            *slot = Some((lang.to_string(), make()));
        }
        f(slot.as_ref().and_then(|(_, value)| value.as_ref()))
    })
}

/// Natively there is no browser and no `Intl`: the first page pre-rendered by the `ssr`
/// feature (crate `prerender`) is written in the module's languages with these rules, which
/// agree with `Intl` for the digits 0-9 and for languages with no plural forms or with
/// English's two; the player writes the page again with `Intl` once it runs.
const NATIVE: bool = !cfg!(target_arch = "wasm32");

/// The plural category without `Intl` (see [`NATIVE`]).
fn native_plural(lang: &str, n: f64) -> String {
    let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
    let none = ["id", "ms", "jv", "su", "ja", "ko", "zh", "th", "vi"];
    if n == 1.0 && !none.contains(&primary.as_str()) {
        "one"
    } else {
        "other"
    }
    .to_string()
}

/// The CLDR plural category of `n` in `lang` (`one`, `few`, `other`, ...).
pub fn plural_category(lang: &str, n: f64) -> String {
    if NATIVE {
        return native_plural(lang, n);
    }
    with_cached(
        &RULES,
        lang,
        || PluralRules::new(lang).ok(),
        |rules| match rules {
            Some(rules) => rules.select(n),
            None => if n == 1.0 { "one" } else { "other" }.to_string(),
        },
    )
}

/// Languages whose numbers are written in the digits 0-9 (CLDR's `latn` numbering system
/// is their default), by primary subtag.
pub const LATIN_DIGITS: &[&str] = &[
    "ace", "ban", "bug", "de", "en", "es", "fil", "fr", "id", "it", "jv", "min", "ms", "nl", "pt",
    "su", "tl", "vi",
];

/// `n` as plain digits, when that is exactly what `Intl` would write: a whole number
/// below 1,000 (so no group separator) in a language of [`LATIN_DIGITS`] that asks for no
/// other numbering system (`-u-nu-`). The first `Intl.NumberFormat` of a page costs the
/// browser some 20 ms of set-up, and the first question's "3 of 10" needs none of it.
fn plain_digits(lang: &str, n: f64) -> Option<String> {
    let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
    // Not -0, which `Intl` writes as "-0".
    let plain = (0.0..1000.0).contains(&n)
        && n.is_sign_positive()
        && n.fract() == 0.0
        && LATIN_DIGITS.contains(&primary.as_str())
        && !lang.to_ascii_lowercase().contains("-u-");
    plain.then(|| (n as u32).to_string())
}

/// `n` written the way `lang` writes numbers (`1,234.5` in English, `1.234,5` in
/// Indonesian).
pub fn number(lang: &str, n: f64) -> String {
    if let Some(digits) = plain_digits(lang, n) {
        return digits;
    }
    if NATIVE {
        return n.to_string();
    }
    with_cached(
        &NUMBERS,
        lang,
        || NumberFormat::new(lang).ok(),
        |format| match format {
            Some(format) => format.format_number(n),
            None => js_sys::Number::from(n)
                .to_string_with_radix(10)
                .map(String::from)
                .unwrap_or_default(),
        },
    )
}

/// A language's name in that language itself (`العربية` for `ar`), when the browser
/// knows it.
pub fn own_name(tag: &str) -> Option<String> {
    if NATIVE {
        return None;
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"type".into(), &"language".into());
    DisplayNames::new(tag, &options)
        .ok()?
        .of(tag)
        .ok()?
        .as_string()
        .filter(|name| name != tag)
}

/// A moment (milliseconds since the epoch) as a date and time in `lang`, in the browser's
/// time zone.
pub fn date_time(lang: &str, epoch_ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(epoch_ms));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    match DateTimeFormat::new(lang, &options) {
        Ok(format) => format.format_date(&date),
        Err(_) => String::from(date.to_iso_string()),
    }
}

fn options(pairs: &[(&str, JsValue)]) -> js_sys::Object {
    let options = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&options, &(*k).into(), v);
    }
    options
}

/// A share (0..=1) as a whole percentage the way `lang` writes it (`60%`, `60 %`).
pub fn percent(lang: &str, share: f64) -> String {
    let o = options(&[
        ("style", "percent".into()),
        ("maximumFractionDigits", 0.into()),
    ]);
    match NumberFormat::with_options(lang, &o) {
        Ok(format) => format.format_number(share),
        Err(_) => format!("{}%", (share * 100.0).round() as i64),
    }
}

/// `n` with at most `digits` decimals, the way `lang` writes numbers (`0.17`, `0,17`).
pub fn decimal(lang: &str, n: f64, digits: u32) -> String {
    let o = options(&[("maximumFractionDigits", digits.into())]);
    match NumberFormat::with_options(lang, &o) {
        Ok(format) => format.format_number(n),
        Err(_) => number(lang, n),
    }
}

/// A UTC day (its first moment, in milliseconds since the epoch) as a date in `lang`.
/// The report counts days in UTC, so the date is written in UTC too.
pub fn utc_day(lang: &str, epoch_ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(epoch_ms));
    let o = options(&[("dateStyle", "medium".into()), ("timeZone", "UTC".into())]);
    match DateTimeFormat::new(lang, &o) {
        Ok(format) => format.format_date(&date),
        Err(_) => String::from(date.to_iso_string())
            .chars()
            .take(10)
            .collect(),
    }
}

/// How the player lower-cases answers where a question ignores case: with the browser's
/// `String.prototype.toLowerCase`, which applies Unicode's default lower-casing as Rust's
/// `str::to_lowercase` does, so that the first wasm chunk does not carry Rust's case
/// tables (see [`CaseFold`]). Native builds (the pre-rendered page) use Rust's.
#[cfg(target_arch = "wasm32")]
pub const CASE_FOLD: CaseFold = CaseFold(browser_lower_case);
/// How the player lower-cases answers where a question ignores case (Rust's own, natively).
#[cfg(not(target_arch = "wasm32"))]
pub const CASE_FOLD: CaseFold = CaseFold::RUST;

#[cfg(target_arch = "wasm32")]
fn browser_lower_case(text: &str) -> String {
    String::from(js_sys::JsString::from(text).to_lower_case())
}
