//! Components: the pieces pages are made of, one per file.

mod image_block;
mod language_switch;
mod nav_bar;
mod question_card;
mod record_panel;
mod rich_text;

pub use image_block::ImageBlock;
pub use language_switch::LanguageSwitch;
pub use nav_bar::NavBar;
pub use question_card::QuestionCard;
pub use record_panel::RecordPanel;
pub use rich_text::RichText;
