//! HTTP: fetching module files and posting statements.

use crate::error::PlayerError;
use gloo::net::http::Request;
use pelita_xapi::{parse_retry_after, SendOutcome, XAPI_VERSION};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Fetches a text file: `Ok(Some(text))`, `Ok(None)` for 404, or what went wrong.
pub async fn get_text(url: &str) -> Result<Option<String>, PlayerError> {
    let fetch_error = |e: gloo::net::Error| PlayerError::Fetch {
        url: url.to_string(),
        reason: e.to_string(),
    };
    let response = Request::get(url).send().await.map_err(fetch_error)?;
    match response.status() {
        404 => Ok(None),
        200..=299 => response.text().await.map(Some).map_err(fetch_error),
        status => Err(PlayerError::Status {
            url: url.to_string(),
            status,
            status_text: response.status_text(),
        }),
    }
}

/// Request bodies up to this size are sent with `keepalive`, so that a send started just
/// before the page goes away still reaches the LRS (browsers cap keepalive bodies at
/// 64 KiB in total).
pub const KEEPALIVE_MAX_BYTES: usize = 60 * 1024;

/// POSTs a batch of statements (a JSON array) with the version header and the launch's
/// authorization, giving up after `timeout_ms` (the launch's `send_timeout`: long enough
/// for a large batch on a slow link, short enough that a stalled connection is retried).
/// Small batches go with `keepalive`.
pub async fn post_statements(
    url: &str,
    auth: Option<&str>,
    body: String,
    timeout_ms: u32,
) -> SendOutcome {
    let controller = web_sys::AbortController::new().ok();
    let timer = controller.clone().map(|c| {
        gloo::timers::callback::Timeout::new(timeout_ms, move || {
            c.abort_with_reason(&"timeout".into())
        })
    });
    let signal = controller.as_ref().map(|c| c.signal());
    let outcome = match send(url, auth, body, signal.as_ref()).await {
        Ok(outcome) => outcome,
        Err(_) if signal.as_ref().is_some_and(|s| s.aborted()) => {
            SendOutcome::Network(format!("no answer within {} s", timeout_ms / 1000))
        }
        Err(e) => SendOutcome::Network(
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "the request failed".to_string()),
        ),
    };
    drop(timer);
    outcome
}

/// POSTs statements with `keepalive` and forgets the answer: the page is going away, and
/// whatever this delivers is sent again on the next visit (with the same ids, so the LRS
/// keeps one of each).
pub fn post_statements_on_exit(url: &str, auth: Option<&str>, body: String) {
    if let (Some(window), Ok(init)) = (web_sys::window(), request_init(auth, body, None)) {
        let _ = window.fetch_with_str_and_init(url, &init);
    }
}

fn request_init(
    auth: Option<&str>,
    body: String,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<web_sys::RequestInit, JsValue> {
    let headers = web_sys::Headers::new()?;
    headers.set("X-Experience-API-Version", XAPI_VERSION)?;
    headers.set("Content-Type", "application/json")?;
    if let Some(auth) = auth {
        headers.set("Authorization", auth)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    // `keepalive` is not in web-sys's stable RequestInit bindings.
    js_sys::Reflect::set(
        &init,
        &"keepalive".into(),
        &(body.len() <= KEEPALIVE_MAX_BYTES).into(),
    )?;
    init.set_headers(&headers);
    init.set_body(&body.into());
    init.set_signal(signal);
    Ok(init)
}

async fn send(
    url: &str,
    auth: Option<&str>,
    body: String,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<SendOutcome, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from("no window"))?;
    let init = request_init(auth, body, signal)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into()?;
    let retry_after_ms = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|value| parse_retry_after(&value, js_sys::Date::now()));
    let body = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok(SendOutcome::Status {
        status: response.status(),
        body,
        retry_after_ms,
    })
}
