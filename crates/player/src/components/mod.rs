//! The pieces pages are made of, one per file. Pieces with state or hooks are Yew
//! components; stateless ones are view functions (see ARCHITECTURE.md for why).

mod image_block;
mod language_switch;
mod nav_bar;
mod question_card;
mod record_panel;
mod rich_text;
mod sync_status;

pub use image_block::{image_block, ImageView};
pub use language_switch::language_switch;
pub use nav_bar::{nav_bar, Nav};
pub use question_card::{Props as QuestionCardProps, QuestionCard};
pub use record_panel::RecordPanel;
pub use rich_text::rich_text;
pub use sync_status::sync_status;
