//! Pages: what fills the screen at each stage.

mod error_page;
mod lesson_page;
mod loading_page;
mod player_page;
mod result_page;

pub use error_page::{ErrorPage, Props as ErrorPageProps};
pub use lesson_page::LessonPage;
pub use loading_page::LoadingPage;
pub use player_page::{PlayerPage, Props as PlayerPageProps};
pub use result_page::{Props as ResultPageProps, ResultPage};
