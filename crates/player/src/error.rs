//! Errors at the player's browser edge. Each becomes a line on the error page or a
//! warning in the learning record; none ever stops the player.

/// What went wrong talking to the browser or the network.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlayerError {
    /// The request could not be made or got no answer (offline, CORS, DNS).
    #[error("could not fetch {url}: {reason}")]
    Fetch {
        /// The URL asked for.
        url: String,
        /// The browser's reason.
        reason: String,
    },
    /// The server answered with an unexpected HTTP status.
    #[error("could not fetch {url}: HTTP {status} {status_text}")]
    Status {
        /// The URL asked for.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The status text the server gave.
        status_text: String,
    },
    /// The browser refused to store the learning record.
    #[error("{0}")]
    Storage(String),
}

/// Why a first page could not be pre-rendered (feature `ssr`).
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrerenderError {
    /// The page template lacks a marker the pre-render fills in: it is not the player's
    /// `index.html` as `cargo xtask dist` writes it.
    #[error("the page template has no `{0}` marker; build the player with `cargo xtask dist`")]
    Marker(&'static str),
}

/// A chunk of the player's code (see `chunks`) could not be downloaded. It is not
/// remembered: the next use downloads again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a part of the player could not be downloaded")]
pub struct ChunkError;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for ChunkError {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        ChunkError
    }
}
