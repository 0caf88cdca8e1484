//! The pieces pages are made of, one per file. Pieces with state or hooks are Yew
//! components; stateless ones are view functions (see ARCHITECTURE.md for why).

mod bar_chart;
mod csv_link;
mod flashcards;
mod hotspot_image;
mod image_block;
mod language_switch;
mod lazy;
mod lms_notice;
mod match_list;
mod media_block;
mod nav_bar;
mod performance_form;
mod question_card;
mod question_widget;
mod record_panel;
mod rich_text;
mod sequence_list;
mod sync_status;
mod text_answer;
mod top_bar;

pub use bar_chart::{bar_chart, Bar};
pub use csv_link::{CsvLink, Props as CsvLinkProps};
pub use flashcards::{Flashcards, Props as FlashcardsProps};
pub use hotspot_image::{HotspotImage, Props as HotspotImageProps};
pub use image_block::{image_block, ImageView};
pub use language_switch::language_switch;
pub use lazy::{Lazy, Props as LazyProps, Shown};
pub use lms_notice::lms_notice;
pub use match_list::{match_list, MatchView};
pub use media_block::{media_block, MediaView};
pub use nav_bar::{nav_bar, Nav};
pub use performance_form::{performance_form, right_numbers, step_problem, PerformanceView};
pub use question_card::{Props as QuestionCardProps, QuestionCard};
pub use question_widget::{question_widget, widget_hint, WidgetProps};
pub use record_panel::RecordPanel;
pub use rich_text::rich_text;
pub use sequence_list::{sequence_list, Move, SequenceView};
pub use sync_status::sync_status;
pub use text_answer::{
    fill_in_sentence, input_value, long_answer, number_answer, prompt_with_gaps, FillInView,
    LongView, NumberView,
};
pub use top_bar::{top_bar, TopBar};
