//! `pelita serve [DIR]`: the built player, the modules of DIR and the embedded LRS under
//! `/xapi/` on one local server, with an index page of launch links and a records page.
//!
//! Everything is same-origin, so the LRS needs no CORS for the player, and a strict
//! Content-Security-Policy fits: scripts and styles only from the server itself plus the
//! inline ones of the player's HTML pages, allowed by their SHA-256 hashes (computed from
//! the files as served, so a rebuilt player is followed), `'wasm-unsafe-eval'` for the
//! player's WebAssembly, connections only to this origin.

use crate::catalog::Catalog;
use crate::records;
use anyhow::{bail, Context};
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use pelita_lrs::{Config, Credentials, Location, Lrs};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The local learner the launch links name.
pub const LEARNER_NAME: &str = "Peserta Uji";
/// The local learner's mailbox.
pub const LEARNER_MBOX: &str = "mailto:peserta@example.go.id";
/// How many statements the records page shows at most.
const RECORDS_SHOWN: usize = 1000;

/// What `pelita serve` was asked to do.
#[derive(Debug)]
pub struct Options {
    /// The folder of modules.
    pub dir: PathBuf,
    /// The built player (`dist/`).
    pub player: PathBuf,
    /// The address to bind.
    pub bind: IpAddr,
    /// The port (0: any free one).
    pub port: u16,
    /// The SQLite file of the LRS, or `:memory:`.
    pub db: String,
    /// A credentials file: the LRS and the records page then need Basic auth.
    pub credentials: Option<PathBuf>,
    /// `key:secret` put into the launch links when credentials are required.
    pub launch_auth: Option<String>,
    /// Other origins allowed to call the LRS (CORS).
    pub cors: Vec<String>,
}

struct App {
    catalog: Catalog,
    lrs: Lrs,
    player: PathBuf,
    dir: PathBuf,
    /// The `Authorization` value for launch links, when credentials are required.
    launch_auth: Option<String>,
    /// The same credentials as the LRS, guarding the records page.
    page_credentials: Option<Credentials>,
    /// The Content-Security-Policy, with the newest modification time of the player's
    /// HTML pages it was computed from.
    csp: Mutex<(Option<SystemTime>, String)>,
}

/// Runs the server until Ctrl-C (or SIGTERM).
pub fn run(options: Options) -> anyhow::Result<()> {
    if !options.player.join("index.html").is_file() {
        bail!(
            "{} has no index.html: build the player first with `cargo xtask dist`, or give --player",
            options.player.display()
        );
    }
    if !options.dir.is_dir() {
        bail!("{} is not a folder of modules", options.dir.display());
    }
    if !options.bind.is_loopback() && options.credentials.is_none() {
        bail!("serving on {} (beyond this computer) needs --credentials, so that the records are not open to the network", options.bind);
    }
    let load_credentials = || -> anyhow::Result<Option<Credentials>> {
        options
            .credentials
            .as_deref()
            .map(Credentials::load)
            .transpose()
            .context("reading the credentials file")
    };
    let launch_auth = match (&options.launch_auth, load_credentials()?) {
        (Some(pair), Some(creds)) => {
            let header = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            );
            creds.check(Some(&header)).map_err(|_| {
                anyhow::anyhow!("--launch-auth is not accepted by the credentials file")
            })?;
            Some(header)
        }
        (Some(_), None) => bail!("--launch-auth needs --credentials"),
        (None, _) => None,
    };
    let location = if options.db == ":memory:" {
        Location::Memory
    } else {
        Location::File(PathBuf::from(&options.db))
    };
    let config = Config {
        credentials: load_credentials()?,
        cors_origins: options.cors.clone(),
        ..Config::default()
    };
    let lrs = Lrs::open(location, config)
        .with_context(|| format!("opening the LRS database {}", options.db))?;
    let app = Arc::new(App {
        catalog: Catalog::new(&options.dir),
        lrs,
        player: options.player.clone(),
        dir: options.dir.clone(),
        launch_auth,
        page_credentials: load_credentials()?,
        csp: Mutex::new((None, String::new())),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(serve(
        app,
        SocketAddr::new(options.bind, options.port),
        &options,
    ))
}

async fn serve(app: Arc<App>, addr: SocketAddr, options: &Options) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let bound = listener.local_addr()?;
    let base = format!("http://{bound}");
    for entry in app.catalog.entries() {
        for p in &entry.problems {
            eprintln!("{p}");
        }
    }
    println!(
        "Pelita is serving the player, {} module(s) from {} and an LRS.",
        app.catalog.entries().len(),
        options.dir.display()
    );
    println!("  Modules and launch links: {base}/pelita/");
    println!("  Records as they arrive:   {base}/pelita/records");
    println!(
        "  LRS endpoint:             {base}/xapi/  (database: {})",
        options.db
    );
    println!("Stop with Ctrl-C.");

    // Reload modules when their files change: a cheap poll of modification times.
    let watcher = Arc::clone(&app);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(700)).await;
            let catalog_app = Arc::clone(&watcher);
            if let Ok(changed) =
                tokio::task::spawn_blocking(move || catalog_app.catalog.refresh()).await
            {
                for name in changed {
                    println!("reloaded modules/{name}");
                    if let Some(entry) = watcher
                        .catalog
                        .entries()
                        .into_iter()
                        .find(|e| e.served == name)
                    {
                        for p in &entry.problems {
                            eprintln!("{p}");
                        }
                    }
                }
            }
        }
    });

    let router = router(app);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown())
        .await
        .context("serving")?;
    println!("Pelita stopped.");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

fn router(app: Arc<App>) -> Router {
    let player = ServeDir::new(&app.player)
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service("/xapi", app.lrs.router())
        .route("/pelita", get(|| async { Redirect::permanent("/pelita/") }))
        .route("/pelita/", get(index_page))
        .route("/pelita/records", get(records_page))
        .route("/modules/{*path}", get(module_file))
        .route("/", get(first_page))
        .route("/index.html", get(first_page))
        .fallback_service(player)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            headers,
        ))
        .with_state(app)
}

/// Cache and security headers on everything but the LRS.
async fn headers(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    if path.starts_with("/xapi/") {
        return response;
    }
    let h = response.headers_mut();
    let cache = if is_hashed(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&app.policy()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Launch URLs carry credentials in their query: never send them on as a referrer.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A file name with a content hash (`pelita-0123456789abcdef_bg.wasm`), cached forever.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.len() > 17
        && stem.as_bytes()[stem.len() - 17] == b'-'
        && stem.as_bytes()[stem.len() - 16..]
            .iter()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl App {
    fn policy(&self) -> String {
        let newest = html_pages(&self.player)
            .iter()
            .filter_map(|p| p.metadata().and_then(|m| m.modified()).ok())
            .max();
        let Ok(mut cached) = self.csp.lock() else {
            return content_security_policy(&self.player);
        };
        if cached.0 != newest || cached.1.is_empty() {
            *cached = (newest, content_security_policy(&self.player));
        }
        cached.1.clone()
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        match &self.page_credentials {
            None => true,
            Some(c) => c
                .check(
                    headers
                        .get(header::AUTHORIZATION)
                        .and_then(|v| v.to_str().ok()),
                )
                .is_ok(),
        }
    }
}

fn html_pages(player: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(player)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "html"))
                .collect()
        })
        .unwrap_or_default();
    pages.sort();
    pages
}

/// The SHA-256 source expressions of the inline `<script>` (without `src`) or `<style>`
/// elements of an HTML text.
pub fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        rest = &rest[start + open.len()..];
        // `<scripts>` or `<style-x>` are other elements.
        if !rest.starts_with(['>', ' ', '\t', '\n', '\r']) {
            continue;
        }
        let Some(tag_end) = rest.find('>') else { break };
        let attributes = &rest[..tag_end];
        let body_start = tag_end + 1;
        let Some(body_len) = rest[body_start..].find(&close) else {
            break;
        };
        let body = &rest[body_start..body_start + body_len];
        if !(tag == "script" && attributes.contains("src=")) {
            let digest = Sha256::digest(body.as_bytes());
            out.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &rest[body_start + body_len..];
    }
    out
}

/// The policy for the player's pages and this server's own.
pub fn content_security_policy(player: &Path) -> String {
    let mut scripts = Vec::new();
    let mut styles = vec![{
        let digest = Sha256::digest(records::STYLE.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    }];
    for page in html_pages(player) {
        if let Ok(html) = std::fs::read_to_string(&page) {
            scripts.extend(inline_hashes(&html, "script"));
            styles.extend(inline_hashes(&html, "style"));
        }
    }
    scripts.sort();
    scripts.dedup();
    styles.sort();
    styles.dedup();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self' {}; img-src 'self' https: data:; \
         connect-src 'self'; manifest-src 'self'; worker-src 'self'; font-src 'self'; media-src 'self' https:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
        scripts.join(" "),
        styles.join(" ")
    )
}

/// `modules/<name>`: a module of the catalog (as checked and reloaded), else a file of the
/// modules folder (images, `launch.json`), else the player's own `modules/` folder.
async fn module_file(
    State(app): State<Arc<App>>,
    UrlPath(path): UrlPath<String>,
    mut request: Request,
) -> Response {
    if let Some(json) = app.catalog.json(&path) {
        return (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            json.as_str().to_owned(),
        )
            .into_response();
    }
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let Ok(uri) = format!("/{path}{query}").parse() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    *request.uri_mut() = uri;
    let files = ServeDir::new(&app.dir).fallback(ServeDir::new(app.player.join("modules")));
    match files.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The player's page for a launch that names a module of the catalog
/// (`/?module=modules/<name>`): the built `index.html` with that module's first page
/// pre-rendered, in the launch's `lang` when the module has it, else in its default
/// language. Anything else (no `module`, the report view, a module the catalog lacks or
/// that does not load) gets the built page as it is, whose player says what is wrong; so
/// does the service worker, which caches `index.html` without a query for every module.
async fn first_page(State(app): State<Arc<App>>, request: Request) -> Response {
    let pairs: Vec<(String, String)> = request
        .uri()
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let rendered = match (get("module"), get("view")) {
        (Some(module_path), None) => {
            let json = module_path
                .strip_prefix("modules/")
                .and_then(|name| app.catalog.json(name));
            let template = app.player.join("index.html");
            let lang = get("lang");
            match json {
                Some(json) => tokio::task::spawn_blocking(move || {
                    let module = pelita_lesson::load_module(&json).ok()?;
                    let template = std::fs::read_to_string(template).ok()?;
                    crate::prerender::page(&template, module, &module_path, lang.as_deref()).ok()
                })
                .await
                .ok()
                .flatten(),
                None => None,
            }
        }
        _ => None,
    };
    if let Some(html) = rendered {
        return ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    }
    let player = ServeDir::new(&app.player)
        .precompressed_br()
        .precompressed_gzip();
    match player.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The origin the browser used (from `Host`), for absolute launch parameters.
fn origin(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    host.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b':' | b'-' | b'[' | b']'))
        .then(|| format!("http://{host}"))
}

/// The actor of the local learner, as the launch parameter carries it.
pub fn learner_actor() -> String {
    serde_json::json!({ "objectType": "Agent", "name": LEARNER_NAME, "mbox": LEARNER_MBOX })
        .to_string()
}

async fn index_page(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let origin = origin(&headers).unwrap_or_default();
    let modules: Vec<records::ModuleLink> = app
        .catalog
        .entries()
        .into_iter()
        .map(|e| {
            let module = format!("modules/{}", e.served);
            let browser_only = format!(
                "/?{}",
                form_urlencoded::Serializer::new(String::new())
                    .append_pair("module", &module)
                    .finish()
            );
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("module", &module)
                .append_pair("endpoint", &format!("{origin}/xapi/"))
                .append_pair("actor", &learner_actor());
            // The report reads every learner's statements from the same LRS.
            let mut r = form_urlencoded::Serializer::new(String::new());
            r.append_pair("view", "report")
                .append_pair("module", &module)
                .append_pair("endpoint", &format!("{origin}/xapi/"));
            if let Some(auth) = &app.launch_auth {
                q.append_pair("auth", auth);
                r.append_pair("auth", auth);
            }
            records::ModuleLink {
                served: e.served,
                title: e.title,
                problems: e.problems,
                with_lrs: format!("/?{}", q.finish()),
                browser_only,
                report: format!("/?{}", r.finish()),
            }
        })
        .collect();
    let note = (app.page_credentials.is_some() && app.launch_auth.is_none())
        .then_some("The LRS needs credentials and none were given for launch links (--launch-auth): add &auth=Basic%20... to the links.");
    let learner = format!(
        "{LEARNER_NAME} ({})",
        LEARNER_MBOX.trim_start_matches("mailto:")
    );
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        records::index(&modules, &learner, note),
    )
        .into_response()
}

async fn records_page(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if !app.authorized(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            [(
                header::WWW_AUTHENTICATE,
                "Basic realm=\"pelita-records\", charset=\"UTF-8\"",
            )],
            "The records need the LRS credentials.",
        )
            .into_response();
    }
    let statements = match app.lrs.recent(RECORDS_SHOWN).await {
        Ok(s) => s,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    let modules: Vec<(String, String)> = app
        .catalog
        .entries()
        .into_iter()
        .filter_map(|e| Some((e.id?, e.title)))
        .collect();
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        records::records(&statements, &modules, RECORDS_SHOWN),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_and_styles_are_hashed_but_not_external_scripts() {
        let html = "<head><style>a{}</style><script src=\"x.js\"></script><script>\nvar a;\n</script><scripts>no</scripts><script type=\"module\">b()</script></head>";
        let scripts = inline_hashes(html, "script");
        assert_eq!(scripts.len(), 2);
        let expected = format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"\nvar a;\n"))
        );
        assert_eq!(scripts[0], expected);
        assert_eq!(inline_hashes(html, "style").len(), 1);
    }

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("/pelita-0123456789abcdef.js"));
        assert!(is_hashed("/assets/pelita-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("/pelita-0123456789abcdef.js.br"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/modules/phishing.json"));
        assert!(!is_hashed("/x-0123456789ABCDEF.js"));
        // Names from the request are not trusted to be ASCII.
        assert!(!is_hashed("/ééééééééééééééééé.js"));
        assert!(!is_hashed("/a-ééééééééé.js"));
    }
}
