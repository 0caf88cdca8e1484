//! Hooks: loading a module, and delivering its statements.

mod use_delivery;
mod use_loader;

pub use use_delivery::use_delivery;
pub use use_loader::{load, use_loader, Failure, Loaded, Ready};
