//! The typed module model that a validated module file becomes.

use crate::error::Problem;
use crate::lang::LangMap;

/// A learning module: lessons of pages, and the mastery score that decides passing.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// The module's IRI; it is also its xAPI activity id.
    pub id: String,
    /// The languages the module's texts are given in.
    pub languages: Vec<String>,
    /// The default language the module declares (`defaultLanguage`), if it does. Every
    /// text must be given in the default language, which is shown where a translation is
    /// missing; without a declaration the first listed language is the default.
    pub declared_default: Option<String>,
    /// The module's title.
    pub title: LangMap<String>,
    /// An optional short description.
    pub description: Option<LangMap<String>>,
    /// The scaled score (0..=1) needed to pass.
    pub mastery_score: f64,
    /// How many attempts a learner has, if limited.
    pub max_attempts: Option<u32>,
    /// Whether a new attempt keeps the questions answered right (only the wrong and the
    /// unanswered ones are asked again) or starts from nothing.
    pub retry_wrong_only: bool,
    /// Whether choices (and the points of a likert scale stay put) are shown in an order
    /// of the attempt's own.
    pub shuffle_choices: bool,
    /// The competencies the module develops: declared here, with their labels, and the
    /// module's own tags; lessons and questions name a subset.
    pub competencies: Vec<Competency>,
    /// The lessons, in order.
    pub lessons: Vec<Lesson>,
    /// What the module may want to fix although it plays, such as a missing translation,
    /// located like problems.
    pub warnings: Vec<Problem>,
}

/// A competency a module develops, such as "cyber security".
#[derive(Debug, Clone, PartialEq)]
pub struct Competency {
    /// Its IRI, shared across modules so that reports can group by it.
    pub id: String,
    /// Its name.
    pub label: LangMap<String>,
}

/// A lesson: a titled run of pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Unique within the module.
    pub id: String,
    /// The lesson's title.
    pub title: LangMap<String>,
    /// The ids of the competencies it develops (declared by the module); empty means the
    /// module's.
    pub competencies: Vec<String>,
    /// The pages, in order.
    pub pages: Vec<Page>,
}

/// A page: what the learner sees at once.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Unique within its lesson.
    pub id: String,
    /// The page's title.
    pub title: LangMap<String>,
    /// The content, in order.
    pub blocks: Vec<Block>,
    /// A question pool: only this many of the page's questions are asked per attempt,
    /// drawn from the attempt's seed.
    pub draw: Option<usize>,
    /// Whether the page's questions change places per attempt (the other blocks stay).
    pub shuffle: bool,
}

/// One piece of page content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Rich text, given as a structured tree per language (never as HTML).
    Text(LangMap<Vec<RichBlock>>),
    /// An image with required alternative text.
    Image(Image),
    /// A question the learner answers.
    Question(Question),
    /// Cards to flip: a term on the front, its meaning on the back. Not scored.
    Flashcards(Vec<Flashcard>),
    /// A boxed note: information, a warning or a tip.
    Callout(Callout),
    /// Sections the learner opens one by one.
    Accordion(Vec<Section>),
    /// An audio or video recording.
    Media(Media),
    /// A decision in a scenario: each option leads to a page of its own.
    Branch(Branch),
}

/// A branching point of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// Unique among the module's questions and branches; names the decision in reports.
    pub id: String,
    /// The situation and the question it asks.
    pub prompt: LangMap<String>,
    /// The ways the learner can go.
    pub options: Vec<BranchOption>,
}

/// One option of a branching point.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchOption {
    /// Unique within its branch.
    pub id: String,
    /// What the learner decides.
    pub text: LangMap<String>,
    /// The page it leads to, as lesson and page index.
    pub goto: (usize, usize),
}

/// The kinds of callout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalloutKind {
    /// Something worth knowing.
    Info,
    /// Something to be careful about.
    Warning,
    /// A practical tip.
    Tip,
}

/// A callout block.
#[derive(Debug, Clone, PartialEq)]
pub struct Callout {
    /// Info, warning or tip.
    pub kind: CalloutKind,
    /// An optional title.
    pub title: Option<LangMap<String>>,
    /// The text.
    pub content: LangMap<Vec<RichBlock>>,
}

/// One section of an accordion.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// What the section is about; the learner opens it by this title.
    pub title: LangMap<String>,
    /// What it holds.
    pub content: LangMap<Vec<RichBlock>>,
}

/// An audio or video recording with its captions.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    /// Whether it is a video (else audio).
    pub video: bool,
    /// A path inside the module's folder or an https URL.
    pub src: String,
    /// What it is, for its label.
    pub title: LangMap<String>,
    /// Caption tracks (WebVTT), one per language.
    pub captions: Vec<Track>,
    /// A text version of what is said, for those who can neither hear nor watch.
    pub transcript: Option<LangMap<Vec<RichBlock>>>,
}

/// A caption track.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// A path inside the module's folder or an https URL of a WebVTT file.
    pub src: String,
    /// The language of the captions.
    pub lang: String,
}

/// One flashcard.
#[derive(Debug, Clone, PartialEq)]
pub struct Flashcard {
    /// What is shown first.
    pub front: LangMap<String>,
    /// What is shown after the flip.
    pub back: LangMap<String>,
}

/// A blank of a fill-in question.
#[derive(Debug, Clone, PartialEq)]
pub struct Blank {
    /// Unique within its question; its marker in the prompt is `[[id]]`.
    pub id: String,
    /// The accepted answers, in any of the module's languages.
    pub accept: Vec<String>,
}

/// The right answers of a numeric question, in millionths (so that `3,5` and `3.5` compare
/// exactly, with no floating point): from `min` to `max`, both included; a missing bound
/// is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumericRange {
    /// The smallest right answer.
    pub min: Option<i64>,
    /// The largest right answer.
    pub max: Option<i64>,
}

impl NumericRange {
    /// Whether `value` (in millionths) is right.
    pub fn contains(&self, value: i64) -> bool {
        self.min.is_none_or(|m| value >= m) && self.max.is_none_or(|m| value <= m)
    }
}

/// Reads a number as a learner types it, into millionths: `3.5` and `3,5` alike; spaces
/// between digits ignored. A mark that appears more than once groups thousands
/// (`1.000.000`, `1,000,000`); with both marks, the last one is the decimal mark
/// (`1.000,5`, `1,000.5`); a single mark is the decimal mark (`1.000` is one). `None` for
/// anything else, badly grouped digits, or more than six decimals.
pub fn parse_decimal(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != ' ' && *c != '\u{a0}')
        .collect();
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let dots = digits.matches('.').count();
    let commas = digits.matches(',').count();
    let decimal_mark = match (dots, commas) {
        (0, 0) => None,
        (1, 0) => Some('.'),
        (0, 1) => Some(','),
        (_, 0) | (0, _) => None,
        _ => digits.chars().rev().find(|c| *c == '.' || *c == ','),
    };
    let (whole, fraction) = match decimal_mark {
        Some(mark) => digits.rsplit_once(mark)?,
        None => (digits, ""),
    };
    // Whatever marks are left in the whole part group thousands: 1 to 3 digits, then
    // groups of exactly 3.
    let groups: Vec<&str> = whole.split(['.', ',']).collect();
    let grouped_ok = groups.len() == 1
        || ((1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3));
    let whole: String = groups.concat();
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !grouped_ok
        || !all_digits(&whole)
        || !all_digits(fraction)
        || fraction.len() > 6
        || whole.len() > 12
    {
        return None;
    }
    let mut value: i64 = 0;
    for c in whole.chars().chain(fraction.chars()) {
        value = value * 10 + i64::from(c as u8 - b'0');
    }
    for _ in fraction.len()..6 {
        value *= 10;
    }
    Some(if negative { -value } else { value })
}

/// Writes millionths as the shortest decimal: `3500000` is `3.5`.
pub fn format_decimal(millionths: i64) -> String {
    let sign = if millionths < 0 { "-" } else { "" };
    let abs = millionths.unsigned_abs();
    let (whole, fraction) = (abs / 1_000_000, abs % 1_000_000);
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{fraction:06}");
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}

/// How text is put in lower case where a question ignores case: Unicode's default
/// lower-casing (SpecialCasing's unconditional rules and the final sigma included), by
/// whichever implementation the caller has at hand. [`CaseFold::RUST`] is Rust's own
/// `str::to_lowercase`; the player passes the browser's `String.prototype.toLowerCase`,
/// which follows the same rules, so that its first wasm chunk does not carry Rust's case
/// tables (about 18 KB raw, 7 KB brotli). The methods without `_with` use
/// [`CaseFold::RUST`].
#[derive(Clone, Copy)]
pub struct CaseFold(pub fn(&str) -> String);

impl CaseFold {
    /// Rust's `str::to_lowercase`.
    pub const RUST: CaseFold = CaseFold(str::to_lowercase);

    /// `text` in lower case.
    pub fn lower(self, text: &str) -> String {
        (self.0)(text)
    }
}

/// Every fold lower-cases by the same Unicode rules, so which one a session holds is not
/// part of its state.
impl PartialEq for CaseFold {
    fn eq(&self, _: &CaseFold) -> bool {
        true
    }
}

impl std::fmt::Debug for CaseFold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaseFold")
    }
}

/// Text compared the way a fill-in question compares it: trimmed, inner runs of spaces
/// made one, and in lower case (by `fold`) unless case matters.
pub fn normalise_answer(text: &str, case_sensitive: bool, fold: CaseFold) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if case_sensitive {
        joined
    } else {
        fold.lower(&joined)
    }
}

/// One step of a performance question: a labelled field the learner fills in.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Unique within its question; no whitespace (it is an xAPI `steps` component id).
    pub id: String,
    /// The field's label, what the step asks for.
    pub label: LangMap<String>,
    /// How the step's answer is checked.
    pub check: StepCheck,
}

/// How a step of a performance question is checked.
#[derive(Debug, Clone, PartialEq)]
pub enum StepCheck {
    /// Text compared like a fill-in blank (see [`normalise_answer`]) with the accepted
    /// answers.
    Text {
        /// The accepted answers.
        accept: Vec<String>,
    },
    /// A number read like a numeric question's answer (see [`parse_decimal`]), right when
    /// it lies in the range.
    Number(NumericRange),
}

impl Step {
    /// Whether `given` (what the learner typed) is right; `case_sensitive` is the
    /// question's.
    pub fn accepts(&self, given: &str, case_sensitive: bool) -> bool {
        self.accepts_with(given, case_sensitive, CaseFold::RUST)
    }

    /// [`Step::accepts`], lower-casing with `fold`.
    pub fn accepts_with(&self, given: &str, case_sensitive: bool, fold: CaseFold) -> bool {
        match &self.check {
            StepCheck::Text { accept } => {
                let given = normalise_answer(given, case_sensitive, fold);
                accept
                    .iter()
                    .any(|a| normalise_answer(a, case_sensitive, fold) == given)
            }
            StepCheck::Number(range) => parse_decimal(given).is_some_and(|n| range.contains(n)),
        }
    }

    /// Whether the step takes a number.
    pub fn is_number(&self) -> bool {
        matches!(self.check, StepCheck::Number(_))
    }
}

/// A labelled thing of a question: an item to order, a source or target to match.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Unique within its question; no whitespace.
    pub id: String,
    /// Its text.
    pub text: LangMap<String>,
}

/// A region of a hotspot question's image, in the image's own pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// Unique within its question; no whitespace.
    pub id: String,
    /// What the region shows, for screen readers and keyboard users, who choose it by name.
    pub label: LangMap<String>,
    /// The left edge.
    pub x: u32,
    /// The top edge.
    pub y: u32,
    /// The width.
    pub width: u32,
    /// The height.
    pub height: u32,
    /// Whether this is the region to find.
    pub correct: bool,
}

/// An image block.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// A path relative to the module file, or an https URL.
    pub src: String,
    /// The alternative text, required in every language.
    pub alt: LangMap<String>,
    /// An optional visible caption.
    pub caption: Option<LangMap<String>>,
    /// The intrinsic width in CSS pixels, which lets the browser reserve space.
    pub width: Option<u32>,
    /// The intrinsic height in CSS pixels.
    pub height: Option<u32>,
}

/// A block of rich text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RichBlock {
    /// A heading of level 2 to 4 (level 1 is the page title).
    Heading {
        /// 2, 3 or 4.
        level: u8,
        /// The heading text.
        content: Vec<Inline>,
    },
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A bulleted or numbered list.
    List {
        /// Numbered when true.
        ordered: bool,
        /// Each item's inline content.
        items: Vec<Vec<Inline>>,
    },
    /// A quotation.
    Quote(Vec<Inline>),
    /// Preformatted code, shown as typed.
    Code(String),
    /// A table with a header row; its caption names it for screen readers.
    Table {
        /// What the table shows.
        caption: Vec<Inline>,
        /// The header cells.
        header: Vec<Vec<Inline>>,
        /// The rows, each with as many cells as the header.
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

/// Inline rich text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Emphasised text.
    Emphasis(Vec<Inline>),
    /// Strongly emphasised text.
    Strong(Vec<Inline>),
    /// Code within a sentence.
    Code(String),
    /// A link to an http(s) or mailto address.
    Link {
        /// The target; only `http:`, `https:` and `mailto:` are accepted.
        href: String,
        /// The link text.
        content: Vec<Inline>,
    },
}

/// A question with its scoring and feedback.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Unique within the module.
    pub id: String,
    /// The question text.
    pub prompt: LangMap<String>,
    /// The kind of question and its answer key.
    pub kind: QuestionKind,
    /// Points earned by a correct answer (all or nothing, unless `partial_credit`).
    pub points: u32,
    /// Whether a partly right answer earns its share of the points (rounded down):
    /// right blanks, steps, pairs, positions, or right minus wrong choices.
    pub partial_credit: bool,
    /// Feedback after a correct or an incorrect answer.
    pub feedback: Feedback,
    /// A hint the learner may open before answering.
    pub hint: Option<LangMap<String>>,
    /// Why the right answer is right, shown after answering whatever the answer.
    pub explanation: Option<LangMap<String>>,
    /// The ids of the competencies it tests (declared by the module); empty means its
    /// lesson's.
    pub competencies: Vec<String>,
}

/// The kinds of question of format v1.
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    /// A statement judged true or false.
    TrueFalse {
        /// The correct answer.
        answer: bool,
    },
    /// Choose one (or, when `multiple`, several) of the choices.
    Choice {
        /// Whether several choices may be selected.
        multiple: bool,
        /// The choices, in display order.
        choices: Vec<Choice>,
    },
    /// Put the items in order (xAPI `sequencing`).
    Sequencing {
        /// The items in their correct order.
        items: Vec<Item>,
        /// The item ids in the order first shown: a fixed shuffle of the items (never the
        /// correct order), the same on every device so that a resumed attempt looks alike.
        start: Vec<String>,
    },
    /// Pair every source with its target (xAPI `matching`).
    Matching {
        /// The things to match, in display order.
        sources: Vec<Item>,
        /// What they match to, distractors included, in the module's order.
        targets: Vec<Item>,
        /// The correct pairs, source id to target id, in source order.
        pairs: Vec<(String, String)>,
    },
    /// Type the missing words of a sentence (xAPI `fill-in`). The prompt of every language
    /// holds each blank's marker, `[[id]]`, where its input goes.
    FillIn {
        /// The blanks in the order their markers appear.
        blanks: Vec<Blank>,
        /// Whether `Kata` and `kata` differ (by default they do not).
        case_sensitive: bool,
    },
    /// Write a longer answer (xAPI `long-fill-in`): unscored, or scored by keywords.
    LongFillIn {
        /// The most characters the answer may have.
        max_length: u32,
        /// Groups of accepted words: an answer earns the points when it contains a word
        /// of at least `min_keywords` groups. Empty: unscored.
        keywords: Vec<Vec<String>>,
        /// How many keyword groups a right answer needs.
        min_keywords: u32,
    },
    /// Type a number (xAPI `numeric`): exact, in a range, or within a tolerance.
    Numeric {
        /// The right answers.
        answer: NumericRange,
    },
    /// A multi-step task (xAPI `performance`): a small form whose every field is checked.
    Performance {
        /// The steps (the form's fields), in order.
        steps: Vec<Step>,
        /// Whether text steps tell `Kata` from `kata` (by default they do not).
        case_sensitive: bool,
    },
    /// A survey scale with no right answer and no score (xAPI `likert`).
    Likert {
        /// The scale's points, in order.
        scale: Vec<Item>,
    },
    /// Find the right region of an image (xAPI `other`).
    Hotspot {
        /// The image; its width and height are required, since regions are placed by them.
        image: Image,
        /// The regions the learner can pick; exactly one is correct.
        regions: Vec<Region>,
    },
}

/// One choice of a choice question.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Unique within its question; no whitespace.
    pub id: String,
    /// The choice text.
    pub text: LangMap<String>,
    /// Whether this choice belongs to the correct response.
    pub correct: bool,
    /// Feedback shown when the learner picked this choice.
    pub feedback: Option<LangMap<String>>,
}

/// Whole-question feedback.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Feedback {
    /// Shown after a correct answer.
    pub correct: Option<LangMap<String>>,
    /// Shown after an incorrect answer.
    pub incorrect: Option<LangMap<String>>,
}

impl Module {
    /// The first of the module's languages that `wanted` asks for, trying each wish in
    /// order. A wish is a tag or a list of them as browsers and cmi5 write it (`"fr,
    /// en-US;q=0.8"`); `id-ID` is matched by a module in `id`, and an exact tag comes
    /// before its primary language.
    pub fn best_language<'a>(&'a self, wanted: &[&str]) -> Option<&'a str> {
        wanted
            .iter()
            .flat_map(|wish| wish.split(','))
            .map(|tag| tag.split(';').next().unwrap_or("").trim())
            .filter(|tag| !tag.is_empty())
            .find_map(|tag| {
                let primary = tag.split(['-', '_']).next().unwrap_or("");
                self.languages
                    .iter()
                    .find(|l| l.eq_ignore_ascii_case(tag))
                    .or_else(|| {
                        self.languages
                            .iter()
                            .find(|l| l.eq_ignore_ascii_case(primary))
                    })
                    .map(String::as_str)
            })
    }

    /// The module's default language: the declared one, or else the first listed.
    pub fn default_language(&self) -> &str {
        self.declared_default
            .as_deref()
            .or(self.languages.first().map(String::as_str))
            .unwrap_or("en")
    }

    /// Every question in reading order, with the lesson and page it is on.
    pub fn questions(&self) -> impl Iterator<Item = (&Lesson, &Page, &Question)> {
        self.lessons.iter().flat_map(|lesson| {
            lesson.pages.iter().flat_map(move |page| {
                page.blocks.iter().filter_map(move |block| match block {
                    Block::Question(q) => Some((lesson, page, q)),
                    _ => None,
                })
            })
        })
    }

    /// The question with this id, if any.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().map(|(_, _, q)| q).find(|q| q.id == id)
    }

    /// The competencies a statement about this lesson or question carries: the most
    /// specific tags given (the question's, else its lesson's, else the module's).
    pub fn competencies_of(
        &self,
        lesson: Option<&Lesson>,
        question: Option<&Question>,
    ) -> Vec<&Competency> {
        let ids = question
            .map(|q| &q.competencies)
            .filter(|c| !c.is_empty())
            .or_else(|| lesson.map(|l| &l.competencies).filter(|c| !c.is_empty()));
        match ids {
            Some(ids) => self
                .competencies
                .iter()
                .filter(|c| ids.contains(&c.id))
                .collect(),
            None => self.competencies.iter().collect(),
        }
    }

    /// The total points available (unscored questions, surveys and free answers, give
    /// none).
    pub fn max_points(&self) -> u32 {
        self.questions()
            .filter(|(_, _, q)| q.is_scored())
            .map(|(_, _, q)| q.points)
            .sum()
    }

    /// The activity IRI of a lesson.
    pub fn lesson_iri(&self, lesson: &Lesson) -> String {
        format!("{}/lesson/{}", self.id.trim_end_matches('/'), lesson.id)
    }

    /// The activity IRI of a page.
    pub fn page_iri(&self, lesson: &Lesson, page: &Page) -> String {
        format!("{}/page/{}", self.lesson_iri(lesson), page.id)
    }

    /// Every branching point in reading order.
    pub fn branches(&self) -> impl Iterator<Item = (&Lesson, &Branch)> {
        self.lessons.iter().flat_map(|lesson| {
            lesson.pages.iter().flat_map(move |page| {
                page.blocks.iter().filter_map(move |block| match block {
                    Block::Branch(b) => Some((lesson, b)),
                    _ => None,
                })
            })
        })
    }

    /// The activity IRI of a branching point.
    pub fn branch_iri(&self, branch: &Branch) -> String {
        format!("{}/branch/{}", self.id.trim_end_matches('/'), branch.id)
    }

    /// The activity IRI of a question.
    pub fn question_iri(&self, question: &Question) -> String {
        format!("{}/question/{}", self.id.trim_end_matches('/'), question.id)
    }
}

impl Question {
    /// Whether the question is scored: surveys (likert) and free essays are not.
    pub fn is_scored(&self) -> bool {
        match &self.kind {
            QuestionKind::Likert { .. } => false,
            QuestionKind::LongFillIn { keywords, .. } => !keywords.is_empty(),
            _ => true,
        }
    }

    /// Judges a response: right or wrong, and the points it earns (all or nothing).
    pub fn judge(&self, response: &crate::Response) -> crate::Answer {
        self.judge_with(response, CaseFold::RUST)
    }

    /// [`Question::judge`], lower-casing with `fold`.
    pub fn judge_with(&self, response: &crate::Response, fold: CaseFold) -> crate::Answer {
        let correct = match (&self.kind, response) {
            (
                QuestionKind::FillIn {
                    blanks,
                    case_sensitive,
                },
                crate::Response::Texts(texts),
            ) => {
                texts.len() == blanks.len()
                    && blanks.iter().zip(texts).all(|(blank, text)| {
                        let given = normalise_answer(text, *case_sensitive, fold);
                        blank
                            .accept
                            .iter()
                            .any(|a| normalise_answer(a, *case_sensitive, fold) == given)
                    })
            }
            (
                QuestionKind::LongFillIn {
                    keywords,
                    min_keywords,
                    ..
                },
                crate::Response::Texts(texts),
            ) => {
                let text = texts.first().map(|t| fold.lower(t)).unwrap_or_default();
                let found = keywords
                    .iter()
                    .filter(|group| group.iter().any(|k| text.contains(&fold.lower(k))))
                    .count();
                keywords.is_empty() || found >= *min_keywords as usize
            }
            (QuestionKind::Numeric { answer }, crate::Response::Number(n)) => answer.contains(*n),
            (
                QuestionKind::Performance {
                    steps,
                    case_sensitive,
                },
                crate::Response::Steps(given),
            ) => {
                given.len() == steps.len()
                    && steps
                        .iter()
                        .zip(given)
                        .all(|(step, text)| step.accepts_with(text, *case_sensitive, fold))
            }
            // A survey answer is never wrong.
            (QuestionKind::Likert { .. }, _) => true,
            _ => *response == self.correct_response(),
        };
        let scored = self.is_scored();
        let points = if !scored {
            0
        } else if correct {
            self.points
        } else if self.partial_credit {
            let (right, of) = self.parts_right_with(response, fold);
            if of == 0 {
                0
            } else {
                (u64::from(self.points) * right as u64 / of as u64) as u32
            }
        } else {
            0
        };
        crate::Answer {
            response: response.clone(),
            correct,
            points,
            max_points: if scored { self.points } else { 0 },
        }
    }

    /// For partial credit: how many parts of the response are right, out of how many.
    pub fn parts_right(&self, response: &crate::Response) -> (usize, usize) {
        self.parts_right_with(response, CaseFold::RUST)
    }

    /// [`Question::parts_right`], lower-casing with `fold`.
    pub fn parts_right_with(&self, response: &crate::Response, fold: CaseFold) -> (usize, usize) {
        match (&self.kind, response) {
            (QuestionKind::Choice { choices, .. }, crate::Response::Choices(chosen)) => {
                let right = choices
                    .iter()
                    .filter(|c| c.correct && chosen.contains(&c.id))
                    .count();
                let wrong = choices
                    .iter()
                    .filter(|c| !c.correct && chosen.contains(&c.id))
                    .count();
                let of = choices.iter().filter(|c| c.correct).count();
                (right.saturating_sub(wrong), of)
            }
            (QuestionKind::Matching { pairs, .. }, crate::Response::Pairs(given)) => (
                pairs.iter().filter(|p| given.contains(p)).count(),
                pairs.len(),
            ),
            (QuestionKind::Sequencing { items, .. }, crate::Response::Order(order)) => (
                items.iter().zip(order).filter(|(i, o)| i.id == **o).count(),
                items.len(),
            ),
            (
                QuestionKind::FillIn {
                    blanks,
                    case_sensitive,
                },
                crate::Response::Texts(texts),
            ) => (
                blanks
                    .iter()
                    .zip(texts)
                    .filter(|(b, t)| {
                        let given = normalise_answer(t, *case_sensitive, fold);
                        b.accept
                            .iter()
                            .any(|a| normalise_answer(a, *case_sensitive, fold) == given)
                    })
                    .count(),
                blanks.len(),
            ),
            (
                QuestionKind::Performance {
                    steps,
                    case_sensitive,
                },
                crate::Response::Steps(given),
            ) => (
                steps
                    .iter()
                    .zip(given)
                    .filter(|(step, text)| step.accepts_with(text, *case_sensitive, fold))
                    .count(),
                steps.len(),
            ),
            _ => (0, 0),
        }
    }

    /// The correct response: the boolean for true/false, the correct choice ids, the
    /// order, the pairs or the region; for the text and number kinds, the first accepted
    /// answer (see `pelita_xapi` for their patterns); for a likert scale, none (empty).
    pub fn correct_response(&self) -> crate::Response {
        match &self.kind {
            QuestionKind::TrueFalse { answer } => crate::Response::TrueFalse(*answer),
            QuestionKind::Choice { choices, .. } => {
                crate::Response::choices(choices.iter().filter(|c| c.correct).map(|c| c.id.clone()))
            }
            QuestionKind::Sequencing { items, .. } => {
                crate::Response::Order(items.iter().map(|i| i.id.clone()).collect())
            }
            QuestionKind::Matching { pairs, .. } => crate::Response::pairs(pairs.iter().cloned()),
            QuestionKind::Hotspot { regions, .. } => {
                crate::Response::choices(regions.iter().filter(|r| r.correct).map(|r| r.id.clone()))
            }
            QuestionKind::FillIn { blanks, .. } => crate::Response::Texts(
                blanks
                    .iter()
                    .map(|b| b.accept.first().cloned().unwrap_or_default())
                    .collect(),
            ),
            QuestionKind::LongFillIn { .. } => crate::Response::Texts(Vec::new()),
            QuestionKind::Numeric { answer } => {
                crate::Response::Number(answer.min.or(answer.max).unwrap_or(0))
            }
            QuestionKind::Performance { steps, .. } => crate::Response::Steps(
                steps
                    .iter()
                    .map(|s| match &s.check {
                        StepCheck::Text { accept } => accept.first().cloned().unwrap_or_default(),
                        StepCheck::Number(r) => format_decimal(r.min.or(r.max).unwrap_or(0)),
                    })
                    .collect(),
            ),
            QuestionKind::Likert { .. } => crate::Response::Choices(Vec::new()),
        }
    }
}
