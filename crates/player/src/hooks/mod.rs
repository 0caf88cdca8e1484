//! Hooks: loading a module, delivering its statements, resuming an attempt, and reading
//! a module's statements for the report.

mod use_delivery;
mod use_embed;
mod use_exit;
mod use_loader;
#[cfg(feature = "report")]
mod use_report;
mod use_resume;
mod use_scorm;

pub use use_delivery::use_delivery;
pub use use_embed::use_embed;
pub use use_exit::use_exit;
pub use use_loader::{load, use_loader, Failure, Loaded, Ready};
#[cfg(feature = "report")]
pub use use_report::{use_report, Basis, Period, ReportFailure, ReportState};
pub use use_resume::{check_at_hand, use_resume, RemoteSave};
pub use use_scorm::{scorm_report, use_scorm, End};
