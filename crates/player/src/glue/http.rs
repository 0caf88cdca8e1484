//! HTTP: fetching module files and posting statements.

use crate::error::PlayerError;
use pelita_xapi::{parse_retry_after, SendOutcome, XAPI_VERSION};
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What a failed fetch says: the JavaScript error's message (a `TypeError` such as "Failed
/// to fetch"), or the thrown text.
fn describe(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the request failed".to_string())
}

/// The answer's body as text, if it can be read.
async fn body_text(response: &web_sys::Response) -> Option<String> {
    JsFuture::from(response.text().ok()?)
        .await
        .ok()
        .and_then(|t| t.as_string())
}

/// A GET already on its way: made by [`start_get`], read by [`text_of`]. Starting
/// requests before awaiting any of them lets several run side by side without a future
/// combinator.
pub struct PendingGet {
    url: String,
    request: Result<js_sys::Promise, JsValue>,
}

/// Starts fetching `url` now.
pub fn start_get(url: &str) -> PendingGet {
    let request = web_sys::window()
        .ok_or_else(|| JsValue::from("no window"))
        .map(|w| w.fetch_with_str(url));
    PendingGet {
        url: url.to_string(),
        request,
    }
}

/// The fetched text: `Ok(Some(text))`, `Ok(None)` for 404, or what went wrong.
pub async fn text_of(pending: PendingGet) -> Result<Option<String>, PlayerError> {
    let url = pending.url;
    let fetch_error = |e: JsValue| PlayerError::Fetch {
        url: url.clone(),
        reason: describe(e),
    };
    let response: web_sys::Response = JsFuture::from(pending.request.map_err(&fetch_error)?)
        .await
        .map_err(&fetch_error)?
        .dyn_into()
        .map_err(&fetch_error)?;
    match response.status() {
        404 => Ok(None),
        200..=299 => {
            // The body comes in as bytes, copied into wasm memory in one go: `text()` would
            // decode it into a JS string that wasm-bindgen then walks character by
            // character to encode it again (about 50 ms for a module of 1,000 questions,
            // see BENCHMARKS.md). Decoded as `text()` does: UTF-8, bad bytes replaced,
            // a byte order mark dropped.
            let buffer = JsFuture::from(response.array_buffer().map_err(&fetch_error)?)
                .await
                .map_err(&fetch_error)?;
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            let text = match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            };
            Ok(Some(match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            }))
        }
        status => Err(PlayerError::Status {
            url: url.clone(),
            status,
            status_text: response.status_text(),
        }),
    }
}

/// Batches up to this size are sent with `keepalive`, so that a send started just before
/// the page goes away still reaches the LRS. Browsers cap the bodies of all keepalive
/// requests in flight at 64 KiB together, so this one, the last batch sent as the page
/// goes away ([`EXIT_MAX_BYTES`]) and the saved attempt must fit in it at once.
pub const KEEPALIVE_MAX_BYTES: usize = 16 * 1024;

/// The largest last batch sent as the page goes away (see [`KEEPALIVE_MAX_BYTES`]).
pub const EXIT_MAX_BYTES: usize = 40 * 1024;

/// POSTs a batch of statements (a JSON array) with the version header and the launch's
/// authorization, giving up after `timeout_ms` (the launch's `send_timeout`: long enough
/// for a large batch on a slow link, short enough that a stalled connection is retried).
/// Small batches go with `keepalive`. In the sending chunk (`chunks::SEND`), hence the
/// owned arguments and the boxed future.
pub fn post_statements(
    url: String,
    auth: Option<String>,
    body: String,
    timeout_ms: u32,
) -> Pin<Box<dyn Future<Output = SendOutcome>>> {
    Box::pin(async move { post_now(&url, auth.as_deref(), body, timeout_ms).await })
}

async fn post_now(url: &str, auth: Option<&str>, body: String, timeout_ms: u32) -> SendOutcome {
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
        Err(e) => SendOutcome::Network(describe(e)),
    };
    drop(timer);
    outcome
}

/// POSTs statements with `keepalive` and forgets the answer: the page is going away, and
/// whatever this delivers is sent again on the next visit (with the same ids, so the LRS
/// keeps one of each).
pub fn post_statements_on_exit(url: &str, auth: Option<&str>, body: String) {
    // Always `keepalive`, whatever the size: without it the request dies with the page.
    // [`EXIT_MAX_BYTES`] keeps the body within the browser's keepalive quota.
    if let (Some(window), Ok(init)) = (web_sys::window(), request_init(auth, body, None, true)) {
        let _ = window.fetch_with_str_and_init(url, &init);
    }
}

fn request_init(
    auth: Option<&str>,
    body: String,
    signal: Option<&web_sys::AbortSignal>,
    keepalive: bool,
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
    js_sys::Reflect::set(&init, &"keepalive".into(), &keepalive.into())?;
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
    let keepalive = body.len() <= KEEPALIVE_MAX_BYTES;
    let init = request_init(auth, body, signal, keepalive)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into()?;
    let retry_after_ms = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|value| parse_retry_after(&value, js_sys::Date::now()));
    let body = body_text(&response).await.unwrap_or_default();
    Ok(SendOutcome::Status {
        status: response.status(),
        body,
        retry_after_ms,
    })
}

/// The answer to a State API request: the document (for GET) and its ETag.
#[derive(Debug, Clone, PartialEq)]
pub struct StateDocument {
    /// The HTTP status of the answer.
    pub status: u16,
    /// The document's text; `None` when the LRS has none (404).
    pub text: Option<String>,
    /// The ETag the LRS gave, for `If-Match` on the next write.
    pub etag: Option<String>,
}

/// GETs a State API document, giving up after `timeout_ms`. An LRS without the State API
/// answers 404 like one without the document: either way there is nothing to continue.
pub async fn get_state(
    url: &str,
    auth: Option<&str>,
    timeout_ms: u32,
) -> Result<StateDocument, String> {
    let doc = state_request("GET", url, auth, None, None, timeout_ms, false).await?;
    match doc.status {
        200..=299 | 404 => Ok(doc),
        status => Err(format!("{status}: {}", doc.text.unwrap_or_default())),
    }
}

/// PUTs a State API document (with `If-Match` when its ETag is known); returns the LRS's
/// answer whatever its status (`pelita_xapi::StateApi::wrote` judges it), and an error
/// only when there was none. `keepalive` lets the write finish after the page has gone.
pub async fn put_state(
    url: &str,
    auth: Option<&str>,
    body: String,
    etag: Option<&str>,
    timeout_ms: u32,
    keepalive: bool,
) -> Result<StateDocument, String> {
    state_request("PUT", url, auth, Some(body), etag, timeout_ms, keepalive).await
}

/// Sends a State API request; every answer the LRS gives is `Ok`, with its status.
async fn state_request(
    method: &str,
    url: &str,
    auth: Option<&str>,
    body: Option<String>,
    etag: Option<&str>,
    timeout_ms: u32,
    keepalive: bool,
) -> Result<StateDocument, String> {
    let window = web_sys::window().ok_or("no window")?;
    let headers = web_sys::Headers::new().map_err(describe)?;
    headers
        .set("X-Experience-API-Version", XAPI_VERSION)
        .map_err(describe)?;
    if let Some(auth) = auth {
        headers.set("Authorization", auth).map_err(describe)?;
    }
    if let Some(etag) = etag {
        headers.set("If-Match", etag).map_err(describe)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        headers
            .set("Content-Type", "application/json")
            .map_err(describe)?;
        init.set_body(&body.into());
    }
    init.set_headers(&headers);
    if keepalive {
        js_sys::Reflect::set(&init, &"keepalive".into(), &true.into()).map_err(describe)?;
    }
    let controller = web_sys::AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let timer = controller.clone().map(|c| {
        gloo::timers::callback::Timeout::new(timeout_ms, move || {
            c.abort_with_reason(&"timeout".into())
        })
    });
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(describe)?
        .dyn_into()
        .map_err(describe)?;
    let etag = response.headers().get("ETag").ok().flatten();
    let status = response.status();
    let text = body_text(&response).await;
    drop(timer);
    Ok(match status {
        404 => StateDocument {
            status,
            text: None,
            etag: None,
        },
        200..=299 => StateDocument {
            status,
            text: if method == "GET" { text } else { None },
            etag,
        },
        // The LRS's words, for the warning.
        status => StateDocument {
            status,
            text,
            etag: None,
        },
    })
}

/// POSTs an empty body with no custom headers (a "simple" request, so no CORS preflight):
/// the cmi5 fetch URL is the LMS's, not an xAPI resource. Returns the status and body.
pub async fn post_empty(url: &str) -> Result<(u16, String), String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(describe)?
        .dyn_into()
        .map_err(describe)?;
    let status = response.status();
    let text = body_text(&response).await.unwrap_or_default();
    Ok((status, text))
}

/// An xAPI GET on its way (see [`start_xapi_get`]); dropping it cancels its timer only.
pub struct PendingXapi {
    url: String,
    response: Result<js_sys::Promise, PlayerError>,
    _timer: Option<gloo::timers::callback::Timeout>,
}

/// Starts GETting an xAPI resource (a page of statements for the report) with the version
/// header and the launch's authorization, to give up after `timeout_ms`. Starting it
/// before awaiting it lets the report read one page while the next is on its way.
pub fn start_xapi_get(url: &str, auth: Option<&str>, timeout_ms: u32) -> PendingXapi {
    let fetch_error = |e: JsValue| PlayerError::Fetch {
        url: url.to_string(),
        reason: describe(e),
    };
    let controller = web_sys::AbortController::new().ok();
    let start = || -> Result<js_sys::Promise, JsValue> {
        let window = web_sys::window().ok_or_else(|| JsValue::from("no window"))?;
        let headers = web_sys::Headers::new()?;
        headers.set("X-Experience-API-Version", XAPI_VERSION)?;
        if let Some(auth) = auth {
            headers.set("Authorization", auth)?;
        }
        let init = web_sys::RequestInit::new();
        init.set_method("GET");
        init.set_headers(&headers);
        if let Some(c) = &controller {
            init.set_signal(Some(&c.signal()));
        }
        Ok(window.fetch_with_str_and_init(url, &init))
    };
    let response = start().map_err(fetch_error);
    let timer = controller.map(|c| {
        gloo::timers::callback::Timeout::new(timeout_ms, move || {
            c.abort_with_reason(&"timeout".into())
        })
    });
    PendingXapi {
        url: url.to_string(),
        response,
        _timer: timer,
    }
}

impl PendingXapi {
    /// The URL asked for.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The answer's text on 2xx, else the status or what went wrong.
    pub async fn text(self) -> Result<String, PlayerError> {
        let url = self.url;
        let fetch_error = |e: JsValue| PlayerError::Fetch {
            url: url.clone(),
            reason: describe(e),
        };
        let response: web_sys::Response = JsFuture::from(self.response?)
            .await
            .map_err(fetch_error)?
            .dyn_into()
            .map_err(fetch_error)?;
        let status = response.status();
        if !(200..=299).contains(&status) {
            return Err(PlayerError::Status {
                url: url.clone(),
                status,
                status_text: response.status_text(),
            });
        }
        // Read as bytes and copied into wasm memory in one piece: `Response.text()` would
        // decode the UTF-8 into a JS string only for it to be encoded again on its way
        // into Rust, which for the report's pages of statements cost as much as reading
        // them.
        let bytes = match response.array_buffer() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec()),
            Err(e) => Err(e),
        };
        match bytes.map(String::from_utf8) {
            Ok(Ok(text)) => Ok(text),
            Ok(Err(_)) => Err(fetch_error("the answer is not UTF-8 text".into())),
            Err(e) => Err(fetch_error(e)),
        }
    }
}
