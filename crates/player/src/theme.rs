//! Theme rules, pure: which colours a portal's primary colour becomes, and which theme
//! values are accepted. The browser side (setting custom properties, loading a theme file)
//! is in [`crate::glue::theme`].
//!
//! The key decision: a portal's colour is adjusted, never refused. Text in the primary
//! colour must reach 4.5:1 against the page in both colour schemes, so the colour is
//! darkened (light scheme) or lightened (dark scheme) step by step until it does, and the
//! text on a primary button is whichever of near-white or near-black reads better.

/// The page backgrounds the primary colour is read against, per scheme (the sheet's
/// `--card`, the lighter of the two light backgrounds and the lighter dark one, which are
/// the harder cases).
const LIGHT_BACKGROUND: Rgb = Rgb(255, 255, 255);
const DARK_BACKGROUND: Rgb = Rgb(0x1f, 0x24, 0x29);
const LIGHT_INK: Rgb = Rgb(255, 255, 255);
const DARK_INK: Rgb = Rgb(0x0d, 0x11, 0x17);
/// WCAG 2.2 AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// A colour in sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Reads `#rrggbb` (as `pelita_xapi::parse_hex_colour` writes it).
    pub fn from_hex(hex: &str) -> Option<Rgb> {
        let hex = hex.strip_prefix('#')?;
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::from("#");
        for b in [self.0, self.1, self.2] {
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 15)]));
        }
        out
    }

    /// WCAG relative luminance.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// This colour moved `t` (0 to 1) of the way towards `other`.
    fn mix(self, other: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

/// The WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// `colour`, moved towards black (on a light background) or white (on a dark one) just
/// enough to read at [`MIN_CONTRAST`] on `background`.
pub fn readable_on(colour: Rgb, background: Rgb) -> Rgb {
    let target = if background.luminance() > 0.5 {
        Rgb(0, 0, 0)
    } else {
        Rgb(255, 255, 255)
    };
    (0..=20)
        .map(|step| colour.mix(target, f64::from(step) / 20.0))
        .find(|c| contrast(*c, background) >= MIN_CONTRAST)
        .unwrap_or(target)
}

/// The ink (text on a filled button) that reads best on `fill`.
pub fn ink_for(fill: Rgb) -> Rgb {
    if contrast(LIGHT_INK, fill) >= contrast(DARK_INK, fill) {
        LIGHT_INK
    } else {
        DARK_INK
    }
}

/// The custom properties a portal's primary colour sets: the colour as adjusted for each
/// scheme, and the ink on it.
pub fn primary_properties(primary: Rgb) -> [(&'static str, String); 4] {
    let light = readable_on(primary, LIGHT_BACKGROUND);
    let dark = readable_on(primary, DARK_BACKGROUND);
    [
        ("--primary-light", light.hex()),
        ("--primary-light-ink", ink_for(light).hex()),
        ("--primary-dark", dark.hex()),
        ("--primary-dark-ink", ink_for(dark).hex()),
    ]
}

/// Checks one entry of a JSON theme: the name of one of the style sheet's custom
/// properties (without `--`) and a plain value. Values that could load something
/// (`url(`) or break out of the declaration are refused.
pub fn theme_entry(name: &str, value: &str) -> Result<String, String> {
    const NAMES: &[&str] = &[
        "bg",
        "card",
        "ink",
        "muted",
        "line",
        "accent",
        "accent-ink",
        "accent-soft",
        "ok",
        "ok-bg",
        "bad",
        "bad-bg",
        "warn",
        "warn-bg",
        "code-bg",
        "focus",
        "font-body",
        "font-code",
        "font-size",
        "line-height",
        "radius-s",
        "radius",
        "radius-l",
        "space-xs",
        "space-s",
        "space",
        "space-l",
        "measure",
        "target",
        "primary-light",
        "primary-light-ink",
        "primary-dark",
        "primary-dark-ink",
    ];
    if !NAMES.contains(&name) {
        return Err(format!(
            "unknown theme property; expected one of: {}",
            NAMES.join(", ")
        ));
    }
    let lower = value.to_ascii_lowercase();
    let unsafe_char = value
        .chars()
        .any(|c| matches!(c, ';' | '{' | '}' | '<' | '>' | '\\'));
    if value.trim().is_empty()
        || unsafe_char
        || lower.contains("url(")
        || lower.contains("expression(")
    {
        return Err(format!("`{value}` is not a plain CSS value"));
    }
    Ok(format!("--{name}"))
}
