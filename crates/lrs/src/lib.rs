//! An embedded xAPI 1.0.3 and 2.0.0 Learning Record Store on SQLite, for trying Pelita on one laptop
//! and for small pilots; large deployments use any conformant LRS instead, and the player
//! never depends on this crate.
//!
//! [`Lrs::open`] opens (or creates) the database, in a file or in memory, and
//! [`Lrs::router`] gives an axum `Router` to nest under `/xapi`: Statements (POST, PUT,
//! GET with every filter, `more` links, voiding, conflicts), State, Activity Profile and
//! Agent Profile documents with ETag concurrency, `/activities`, `/agents` and `/about`,
//! attachment content and signed statements. Each request is held to the rules of the
//! version its `X-Experience-API-Version` states (1.0.x or 2.0.0) and answered in it.
//! The key design decision is durability before speed, then speed by grouping: every
//! write goes through one writer thread that commits waiting requests together, and a
//! request is answered only after its commit, with SQLite in WAL mode and
//! `synchronous = FULL`, so a crash or kill never loses an acknowledged statement.
//! Statements are validated by `pelita_xapi::validate`, the same code the player can use,
//! and a batch is stored whole or not at all.

pub mod attachments;
pub mod auth;
mod db;
pub mod documents;
mod error;
mod http;
mod jws;
pub mod statements;

pub use auth::Credentials;
pub use error::LrsError;
pub use http::{VERSION, VERSION_2};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::routing::{get, MethodRouter};
use axum::Router;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Only in memory: gone when the process ends (tests, demos).
    Memory,
    /// A SQLite file, created when missing (with its `-wal` and `-shm` siblings).
    File(PathBuf),
}

impl From<&Path> for Location {
    fn from(p: &Path) -> Location {
        Location::File(p.to_path_buf())
    }
}

impl From<PathBuf> for Location {
    fn from(p: PathBuf) -> Location {
        Location::File(p)
    }
}

/// How the LRS is served.
#[derive(Debug)]
pub struct Config {
    /// When set, every request needs Basic credentials from this file; when `None`, the
    /// LRS is open (fine on 127.0.0.1 for one person, not for a network).
    pub credentials: Option<Credentials>,
    /// Origins allowed by CORS (exact, like `http://127.0.0.1:8765`, or `*` for any
    /// origin); empty means no CORS headers at all, so only pages of the LRS's own origin
    /// can call it.
    pub cors_origins: Vec<String>,
    /// The largest request body accepted, in bytes (413 above it).
    pub max_body_bytes: usize,
    /// Where the router is nested, used to write `more` links (`/xapi`).
    pub base_path: String,
    /// The most statements one GET returns (also the default `limit`): 2,000, so that the
    /// report reads 100,000 statements in about 50 pages rather than 200.
    pub max_limit: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            credentials: None,
            cors_origins: Vec::new(),
            max_body_bytes: 4 * 1024 * 1024,
            base_path: "/xapi".into(),
            max_limit: 2000,
        }
    }
}

/// State shared by every request.
pub(crate) struct Shared {
    db: Arc<db::Db>,
    credentials: Option<Credentials>,
    anonymous_authority: Value,
    base_path: String,
    max_limit: usize,
}

/// An open LRS: cheap to clone, shared by the router and the caller.
#[derive(Clone)]
pub struct Lrs {
    shared: Arc<Shared>,
    cors_origins: Vec<String>,
    max_body_bytes: usize,
}

impl Lrs {
    /// Opens the database (creating its tables when missing) with `config`.
    pub fn open(location: impl Into<Location>, config: Config) -> Result<Lrs, LrsError> {
        let db = match location.into() {
            Location::Memory => db::Db::open(None)?,
            Location::File(path) => db::Db::open(Some(&path))?,
        };
        Ok(Lrs {
            shared: Arc::new(Shared {
                db: Arc::new(db),
                credentials: config.credentials,
                anonymous_authority: auth::authority("anonymous"),
                base_path: config.base_path.trim_end_matches('/').to_string(),
                max_limit: config.max_limit.max(1),
            }),
            cors_origins: config.cors_origins,
            max_body_bytes: config.max_body_bytes,
        })
    }

    /// The xAPI resources as a router, to be nested under the configured base path.
    pub fn router(&self) -> Router {
        let router = Router::new()
            .route(
                "/statements",
                get(http::get_statements)
                    .post(http::post_statements)
                    .put(http::put_statement),
            )
            .route("/activities/state", document_routes(http::STATE))
            .route(
                "/activities/profile",
                document_routes(http::ACTIVITY_PROFILE),
            )
            .route("/agents/profile", document_routes(http::AGENT_PROFILE))
            .route("/activities", get(http::activities))
            .route("/agents", get(http::agents))
            .route_layer(axum::middleware::from_fn_with_state(
                Arc::clone(&self.shared),
                http::auth,
            ))
            // `/about` is open to anyone, as the spec has it (Communication 2.8: the About
            // resource needs no authentication), so it comes after the auth layer.
            .route("/about", get(http::about))
            .layer(axum::middleware::from_fn(http::version))
            .layer(DefaultBodyLimit::max(self.max_body_bytes))
            .with_state(Arc::clone(&self.shared));
        // The alternate request syntax changes the method and the path's query, so it must
        // run before the routes are chosen: around the whole router, as its fallback.
        let router =
            Router::new()
                .fallback_service(router)
                .layer(axum::middleware::from_fn_with_state(
                    self.max_body_bytes,
                    http::alternate,
                ));
        if self.cors_origins.is_empty() {
            return router;
        }
        // `*` lets any page call the LRS, as most LRSs do: a credential is sent only by a
        // page that holds it (Basic auth, never cookies), so the wildcard gives nothing away.
        let allow = if self.cors_origins.iter().any(|o| o == "*") {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(
                self.cors_origins
                    .iter()
                    .filter_map(|o| HeaderValue::from_str(o).ok()),
            )
        };
        let cors = CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([
                Method::GET,
                Method::HEAD,
                Method::PUT,
                Method::POST,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                header::IF_NONE_MATCH,
                HeaderName::from_static("x-experience-api-version"),
            ])
            .expose_headers([
                header::ETAG,
                header::LAST_MODIFIED,
                HeaderName::from_static("x-experience-api-version"),
                HeaderName::from_static("x-experience-api-consistent-through"),
            ]);
        router.layer(cors)
    }

    /// The newest stored statements (voided ones included, flagged), for the records page.
    pub async fn recent(&self, limit: usize) -> Result<Vec<(Value, bool)>, LrsError> {
        self.shared
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT body, voided, stored_ms FROM statements ORDER BY seq DESC LIMIT ?1",
                )?;
                let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, bool>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (body, voided, stored_ms) = row?;
                    out.push((statements::hydrate(&body, stored_ms)?, voided));
                }
                Ok(out)
            })
            .await
    }
}

fn document_routes(resource: http::DocResource) -> MethodRouter<Arc<Shared>> {
    let handler = move |state: State<Arc<Shared>>,
                        axum::Extension(spec): axum::Extension<pelita_xapi::Spec>,
                        method: Method,
                        headers: HeaderMap,
                        RawQuery(query): RawQuery,
                        body: Bytes| async move {
        http::document(state, resource, spec, method, headers, query, body).await
    };
    get(handler).put(handler).post(handler).delete(handler)
}
