//! Pages: what fills the screen at each stage (components, or view functions when they
//! hold no state).

mod error_page;
mod lesson_page;
mod lms_stop_page;
mod loading_page;
pub(crate) mod player_page;
#[cfg(feature = "report")]
mod report_page;
mod result_page;
mod resume_page;

pub use error_page::error_page;
#[cfg(feature = "ssr")]
pub(crate) use lesson_page::question_card;
pub use lesson_page::LessonPage;
pub use lms_stop_page::{is_web_url, LmsStopPage, Props as LmsStopPageProps};
pub use loading_page::loading_page;
pub use player_page::{PlayerPage, Props as PlayerPageProps};
#[cfg(feature = "report")]
pub use report_page::{Props as ReportPageProps, ReportPage};
pub use result_page::{Props as ResultPageProps, ResultPage};
pub use resume_page::ResumePage;
