//! The browser edge: everything that touches fetch, storage, the clock or the URL.

pub mod blob;
pub mod browser_env;
pub mod cmi5;
pub mod http;
pub mod idb;
pub mod intl;
pub mod location;
pub mod markdown;
pub mod scorm;
pub mod storage;
pub mod tabs;
pub mod theme;
pub mod timing;
