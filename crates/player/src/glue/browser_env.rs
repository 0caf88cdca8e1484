//! The browser's clock and random source behind `pelita_xapi::Env`.

use pelita_xapi::Env;
use uuid::Uuid;

/// Time from `Date.now()`, UUIDs from `crypto.getRandomValues`.
#[derive(Debug, Default, Clone, Copy)]
pub struct BrowserEnv;

impl Env for BrowserEnv {
    fn now_ms(&mut self) -> i64 {
        js_sys::Date::now() as i64
    }

    fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
            .is_some();
        if !filled {
            // Every browser Pelita supports has Web Crypto; this fallback only keeps ids
            // unique within a page if it is somehow missing.
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = (js_sys::Math::random() * 256.0) as u8 ^ (i as u8);
            }
        }
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}
