//! HTTP: fetching module files and posting statements.

use crate::error::PlayerError;
use gloo::net::http::Request;
use pelita_xapi::{SendOutcome, XAPI_VERSION};

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

/// POSTs a batch of statements (a JSON array) with the version header and the launch's
/// authorization.
pub async fn post_statements(url: &str, auth: Option<&str>, body: String) -> SendOutcome {
    let mut request = Request::post(url)
        .header("X-Experience-API-Version", XAPI_VERSION)
        .header("Content-Type", "application/json");
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    let request = match request.body(body) {
        Ok(r) => r,
        Err(e) => return SendOutcome::Network(e.to_string()),
    };
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            SendOutcome::Status(status, text)
        }
        Err(e) => SendOutcome::Network(e.to_string()),
    }
}
