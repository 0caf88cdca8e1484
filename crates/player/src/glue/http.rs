//! HTTP: fetching module files and posting statements.

use gloo::net::http::Request;
use pelita_xapi::{SendOutcome, XAPI_VERSION};

/// Fetches a text file: `Ok(Some(text))`, `Ok(None)` for 404, or an error message.
pub async fn get_text(url: &str) -> Result<Option<String>, String> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| format!("could not fetch {url}: {e}"))?;
    match response.status() {
        404 => Ok(None),
        200..=299 => response
            .text()
            .await
            .map(Some)
            .map_err(|e| format!("could not read {url}: {e}")),
        status => Err(format!(
            "could not fetch {url}: HTTP {status} {}",
            response.status_text()
        )),
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
