//! The learner's session: a pure state machine over commands and events.
//!
//! The player sends [`Command`]s; [`Session::apply`] checks them against the current state,
//! changes the state and returns the [`Event`]s that happened. Events are what gets
//! reported (as xAPI statements) and nothing else changes the session, so the same
//! commands always give the same events.

use crate::error::SessionError;
use crate::model::{CaseFold, Module, QuestionKind};
use crate::scoring::{judge, Outcome, Score};

/// A learner's response to a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// The answer to a true/false question.
    TrueFalse(bool),
    /// The chosen choice ids (one for a single-answer question), sorted and without
    /// repeats; build it with [`Response::choices`]. Also the region chosen in a hotspot
    /// question.
    Choices(Vec<String>),
    /// The item ids of a sequencing question in the learner's order.
    Order(Vec<String>),
    /// Source and target ids of a matching question, sorted by source; build it with
    /// [`Response::pairs`].
    Pairs(Vec<(String, String)>),
    /// The texts typed into the blanks of a fill-in question (in blank order), or the one
    /// answer of a long fill-in question.
    Texts(Vec<String>),
    /// A number, in millionths (see [`crate::parse_decimal`]).
    Number(i64),
    /// What was typed into each step of a performance question, in step order (a number
    /// step's text as typed, read when judged).
    Steps(Vec<String>),
}

impl Response {
    /// A choice response from ids in any order, sorted and without repeats, so that equal
    /// sets of choices are equal responses.
    pub fn choices<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Response {
        let mut ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        crate::lang::insertion_sort_by(&mut ids, |a, b| a > b);
        ids.dedup();
        Response::Choices(ids)
    }

    /// A matching response from pairs in any order, sorted by source, one target per
    /// source (the last one given wins).
    pub fn pairs<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Response {
        let mut out: Vec<(String, String)> = Vec::new();
        for (source, target) in pairs {
            out.retain(|(s, _)| *s != source);
            out.push((source, target));
        }
        crate::lang::insertion_sort_by(&mut out, |a, b| a.0 > b.0);
        Response::Pairs(out)
    }

    /// Whether nothing is chosen yet.
    pub fn is_empty(&self) -> bool {
        match self {
            Response::Choices(c) | Response::Order(c) => c.is_empty(),
            Response::Pairs(p) => p.is_empty(),
            Response::Texts(t) | Response::Steps(t) => t.iter().all(|t| t.trim().is_empty()),
            Response::TrueFalse(_) | Response::Number(_) => false,
        }
    }
}

/// A submitted answer and what it earned.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// What the learner submitted.
    pub response: Response,
    /// Whether it equals the correct response.
    pub correct: bool,
    /// Points earned: the question's points when correct, else 0.
    pub points: u32,
    /// The question's points.
    pub max_points: u32,
}

/// Where a page is: lesson and page index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRef {
    /// Index of the lesson in the module.
    pub lesson: usize,
    /// Index of the page in its lesson.
    pub page: usize,
}

/// Where the session is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Loaded, not started.
    NotStarted,
    /// An attempt is running.
    InProgress,
    /// The attempt finished with this outcome.
    Finished(Outcome),
}

/// What the learner (through the player) asks the session to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Begin the first attempt; shows the first page.
    Start,
    /// Show the page at this index in reading order.
    GoTo(usize),
    /// Set (replace) the draft response of a question; nothing is reported.
    SetResponse(String, Response),
    /// Select or unselect one choice in the draft of a choice question.
    ToggleChoice(String, String),
    /// Take an option of a branching point (branch id, option id): the learner goes to
    /// the option's page. A branch may be taken again, differently, on a later visit.
    Choose(String, String),
    /// Submit the draft response; the answer is final for this attempt.
    Submit(String),
    /// End the attempt and judge it; unanswered questions earn nothing.
    Finish,
    /// Begin a new attempt after finishing.
    Retry,
    /// The learner leaves in the middle of an attempt, meaning to come back; the state
    /// does not change.
    Suspend,
}

/// What happened, in order; each becomes one or more statements.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// An attempt began (attempts count from 1).
    AttemptStarted {
        /// The attempt number.
        attempt: u32,
    },
    /// A page was shown.
    PageViewed {
        /// The page's place in the module.
        at: PageRef,
    },
    /// A question was answered.
    Answered {
        /// The question's id.
        question: String,
        /// The answer and its score.
        answer: Answer,
    },
    /// An option of a branching point was taken; the page it leads to follows as
    /// [`Event::PageViewed`].
    Chose {
        /// The branch's id.
        branch: String,
        /// The option's id.
        option: String,
    },
    /// A saved attempt was taken up again (see [`Session::resume`]).
    Resumed {
        /// The attempt number.
        attempt: u32,
    },
    /// The learner left in the middle of the attempt.
    Suspended {
        /// The attempt number.
        attempt: u32,
    },
    /// The attempt was finished: completed, then judged.
    Finished {
        /// The outcome.
        outcome: Outcome,
        /// Questions left unanswered.
        unanswered: usize,
    },
}

/// The state of one learner working through one module.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pages: Vec<PageRef>,
    phase: Phase,
    attempt: u32,
    current: usize,
    drafts: Vec<(String, Response)>,
    answers: Vec<(String, Answer)>,
    /// The attempt's seed: it decides which questions of a pool are drawn and the order
    /// of shuffled questions and choices. The player sets it from the attempt's
    /// registration, so an attempt looks the same wherever it is resumed.
    seed: u64,
    /// How answers are lower-cased where a question ignores case.
    fold: CaseFold,
}

/// A small, fast, well-mixed generator (SplitMix64): the same seed gives the same draw on
/// every device and in every version, which a library generator does not promise.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `0..n` in an order of this generator's (Fisher-Yates).
    fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        order
    }
}

/// A seed for one part of the module: the attempt's seed mixed with the part's id.
fn part_seed(seed: u64, part: &str) -> SplitMix {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in part.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    SplitMix(seed ^ h)
}

impl Session {
    /// A session for `module`, not yet started.
    pub fn new(module: &Module) -> Session {
        Session::with_case_fold(module, CaseFold::RUST)
    }

    /// [`Session::new`], judging answers with `fold` (see [`CaseFold`]).
    pub fn with_case_fold(module: &Module, fold: CaseFold) -> Session {
        let pages = module
            .lessons
            .iter()
            .enumerate()
            .flat_map(|(l, lesson)| {
                (0..lesson.pages.len()).map(move |p| PageRef { lesson: l, page: p })
            })
            .collect();
        Session {
            pages,
            phase: Phase::NotStarted,
            attempt: 0,
            current: 0,
            drafts: Vec::new(),
            answers: Vec::new(),
            seed: 0,
            fold,
        }
    }

    /// Sets the attempt's seed (see the field); the player calls it as each attempt
    /// starts, before the learner sees a question. Answers kept from the last attempt (a
    /// retry of the wrong ones) whose question this attempt's pools do not ask are
    /// dropped, since they could not be shown.
    pub fn set_seed(&mut self, module: &Module, seed: u64) {
        self.seed = seed;
        let asked: Vec<String> = self
            .attempt_questions(module)
            .iter()
            .map(|q| q.id.clone())
            .collect();
        self.answers.retain(|(q, _)| asked.contains(q));
        self.drafts.retain(|(q, _)| asked.contains(q));
    }

    /// The attempt's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The blocks of a page as this attempt shows them: the questions of a pool reduced
    /// to those drawn, and shuffled questions in the attempt's order; every other block in
    /// its place.
    pub fn page_blocks<'m>(&self, module: &'m Module, at: PageRef) -> Vec<&'m crate::Block> {
        let Some(page) = module
            .lessons
            .get(at.lesson)
            .and_then(|l| l.pages.get(at.page))
        else {
            return Vec::new();
        };
        let slots: Vec<usize> = page
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b, crate::Block::Question(_)))
            .map(|(i, _)| i)
            .collect();
        if page.draw.is_none() && !page.shuffle {
            return page.blocks.iter().collect();
        }
        let mut rng = part_seed(self.seed, &format!("page/{}/{}", at.lesson, page.id));
        let order = rng.permutation(slots.len());
        // Drawn: the first `draw` of the permutation; shown in the permutation's order when
        // shuffled, else in the module's.
        let mut drawn: Vec<usize> = order
            .iter()
            .take(page.draw.unwrap_or(slots.len()))
            .copied()
            .collect();
        if !page.shuffle {
            crate::lang::insertion_sort_by(&mut drawn, |a, b| a > b);
        }
        let mut questions = drawn.into_iter().map(|k| &page.blocks[slots[k]]);
        let mut out = Vec::new();
        for block in &page.blocks {
            if matches!(block, crate::Block::Question(_)) {
                if let Some(q) = questions.next() {
                    out.push(q);
                }
            } else {
                out.push(block);
            }
        }
        out
    }

    /// The questions this attempt asks, in reading order.
    pub fn attempt_questions<'m>(&self, module: &'m Module) -> Vec<&'m crate::Question> {
        self.pages
            .iter()
            .flat_map(|&at| self.page_blocks(module, at))
            .filter_map(|b| match b {
                crate::Block::Question(q) => Some(q),
                _ => None,
            })
            .collect()
    }

    /// The order this attempt shows `count` choices of question `question` in: indexes
    /// into the module's order (the module's own order unless it shuffles choices).
    pub fn choice_order(&self, module: &Module, question: &str, count: usize) -> Vec<usize> {
        if !module.shuffle_choices {
            return (0..count).collect();
        }
        part_seed(self.seed, &format!("choices/{question}")).permutation(count)
    }

    /// The current phase.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The attempt number (0 before the first start).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Whether the learner may start another attempt once this one is finished.
    pub fn can_retry(&self, module: &Module) -> bool {
        module.max_attempts.is_none_or(|max| self.attempt < max)
    }

    /// The index of the current page in reading order.
    pub fn current_index(&self) -> usize {
        self.current
    }

    /// The current page. A loaded module always has one; a module built by hand without
    /// pages gives lesson 0, page 0, which callers then find missing instead of panicking.
    pub fn current_page(&self) -> PageRef {
        self.pages
            .get(self.current)
            .copied()
            .unwrap_or(PageRef { lesson: 0, page: 0 })
    }

    /// How many pages the module has.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The draft (not yet submitted) response of a question.
    pub fn draft(&self, question: &str) -> Option<&Response> {
        find(&self.drafts, question)
    }

    /// The submitted answer of a question in this attempt.
    pub fn answer(&self, question: &str) -> Option<&Answer> {
        find(&self.answers, question)
    }

    /// Number of questions answered in this attempt.
    pub fn answered_count(&self) -> usize {
        self.answers.len()
    }

    /// Carries out `command`, returning what happened. On error nothing changes.
    pub fn apply(&mut self, module: &Module, command: Command) -> Result<Vec<Event>, SessionError> {
        match command {
            Command::Start => {
                if self.phase != Phase::NotStarted {
                    return Err(SessionError::AlreadyStarted);
                }
                Ok(self.begin_attempt())
            }
            Command::Retry => {
                if !matches!(self.phase, Phase::Finished(_)) {
                    return Err(SessionError::NotFinished);
                }
                if let Some(max) = module.max_attempts {
                    if self.attempt >= max {
                        return Err(SessionError::NoAttemptsLeft(max));
                    }
                }
                if module.retry_wrong_only {
                    // The right answers stay, and count in the new attempt's score.
                    self.answers.retain(|(_, a)| a.correct);
                    let kept = std::mem::take(&mut self.answers);
                    let events = self.begin_attempt();
                    self.answers = kept;
                    return Ok(events);
                }
                Ok(self.begin_attempt())
            }
            Command::GoTo(index) => {
                self.require_in_progress()?;
                let at = *self
                    .pages
                    .get(index)
                    .ok_or(SessionError::NoSuchPage(index))?;
                self.current = index;
                Ok(vec![Event::PageViewed { at }])
            }
            Command::SetResponse(question, response) => {
                self.require_in_progress()?;
                self.check_open(module, &question)?;
                check_response(module, &question, &response)?;
                set(&mut self.drafts, question, response);
                Ok(vec![])
            }
            Command::ToggleChoice(question, choice) => {
                self.require_in_progress()?;
                self.check_open(module, &question)?;
                let multiple = match module.question(&question).map(|q| &q.kind) {
                    Some(QuestionKind::Choice { multiple, .. }) => *multiple,
                    // A hotspot is a choice of one region, a likert scale of one point.
                    Some(QuestionKind::Hotspot { .. } | QuestionKind::Likert { .. }) => false,
                    _ => {
                        return Err(SessionError::InvalidResponse {
                            question,
                            reason: "not a choice question".into(),
                        })
                    }
                };
                let mut chosen = match find(&self.drafts, &question) {
                    Some(Response::Choices(c)) => c.clone(),
                    _ => Vec::new(),
                };
                if chosen.contains(&choice) {
                    chosen.retain(|c| *c != choice);
                } else {
                    if !multiple {
                        chosen.clear();
                    }
                    chosen.push(choice);
                }
                let response = Response::choices(chosen);
                check_response(module, &question, &response)?;
                set(&mut self.drafts, question, response);
                Ok(vec![])
            }
            Command::Choose(branch, option) => {
                self.require_in_progress()?;
                let b = module
                    .branches()
                    .map(|(_, b)| b)
                    .find(|b| b.id == branch)
                    .ok_or_else(|| SessionError::NoSuchQuestion(branch.clone()))?;
                let o = b.options.iter().find(|o| o.id == option).ok_or_else(|| {
                    SessionError::InvalidResponse {
                        question: branch.clone(),
                        reason: format!("no option `{option}`"),
                    }
                })?;
                let (lesson, page) = o.goto;
                let index = self
                    .pages
                    .iter()
                    .position(|p| p.lesson == lesson && p.page == page)
                    .ok_or(SessionError::NoSuchPage(usize::MAX))?;
                self.current = index;
                Ok(vec![
                    Event::Chose { branch, option },
                    Event::PageViewed {
                        at: self.pages[index],
                    },
                ])
            }
            Command::Submit(question) => {
                self.require_in_progress()?;
                let q = self.check_open(module, &question)?;
                let response = match find(&self.drafts, &question) {
                    Some(r) if !r.is_empty() => r.clone(),
                    _ => return Err(SessionError::NoResponse(question)),
                };
                let answer = q.judge_with(&response, self.fold);
                self.drafts.retain(|(q, _)| *q != question);
                set(&mut self.answers, question.clone(), answer.clone());
                Ok(vec![Event::Answered { question, answer }])
            }
            Command::Suspend => {
                self.require_in_progress()?;
                Ok(vec![Event::Suspended {
                    attempt: self.attempt,
                }])
            }
            Command::Finish => {
                self.require_in_progress()?;
                // Only the questions this attempt asks count: a pool's undrawn questions
                // neither add points to reach nor count as unanswered.
                let asked = self.attempt_questions(module);
                let score = Score {
                    raw: self.answers.iter().map(|(_, a)| a.points).sum(),
                    min: 0,
                    max: asked
                        .iter()
                        .filter(|q| q.is_scored())
                        .map(|q| q.points)
                        .sum(),
                };
                let outcome = judge(score, module.mastery_score);
                let unanswered = asked
                    .iter()
                    .filter(|q| find(&self.answers, &q.id).is_none())
                    .count();
                self.phase = Phase::Finished(outcome);
                Ok(vec![Event::Finished {
                    outcome,
                    unanswered,
                }])
            }
        }
    }

    /// What is needed to take this attempt up again later, on this device or another:
    /// `None` unless an attempt is in progress.
    pub fn snapshot(&self) -> Option<Snapshot> {
        (self.phase == Phase::InProgress).then(|| Snapshot {
            seed: self.seed,
            attempt: self.attempt,
            page: self.current,
            answers: self
                .answers
                .iter()
                .map(|(q, a)| (q.clone(), a.response.clone()))
                .collect(),
            drafts: self.drafts.clone(),
        })
    }

    /// Takes a saved attempt up again: the same attempt number, page, answers (judged
    /// again against the module, so a score can never come from storage) and drafts.
    /// Everything in the snapshot is checked against the module first; a snapshot that
    /// does not fit (the module changed since) is refused with every reason, so the player
    /// can start a new attempt instead.
    pub fn resume(
        module: &Module,
        snapshot: &Snapshot,
    ) -> Result<(Session, Vec<Event>), Vec<SessionError>> {
        Session::resume_with(module, snapshot, CaseFold::RUST)
    }

    /// [`Session::resume`], judging answers with `fold` (see [`CaseFold`]).
    pub fn resume_with(
        module: &Module,
        snapshot: &Snapshot,
        fold: CaseFold,
    ) -> Result<(Session, Vec<Event>), Vec<SessionError>> {
        let mut session = Session::with_case_fold(module, fold);
        session.seed = snapshot.seed;
        let mut problems = Vec::new();
        let Some(&at) = session.pages.get(snapshot.page) else {
            return Err(vec![SessionError::NoSuchPage(snapshot.page)]);
        };
        if snapshot.attempt == 0 {
            problems.push(SessionError::NotInProgress);
        }
        for (question, response) in &snapshot.answers {
            if let Err(e) = check_response(module, question, response) {
                problems.push(e);
            } else if let Some(q) = module.question(question) {
                set(
                    &mut session.answers,
                    question.clone(),
                    q.judge_with(response, fold),
                );
            }
        }
        for (question, response) in &snapshot.drafts {
            match check_response(module, question, response) {
                Ok(()) if find(&session.answers, question).is_none() => {
                    set(&mut session.drafts, question.clone(), response.clone())
                }
                Ok(()) => problems.push(SessionError::AlreadyAnswered(question.clone())),
                Err(e) => problems.push(e),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let asked: Vec<String> = session
            .attempt_questions(module)
            .iter()
            .map(|q| q.id.clone())
            .collect();
        for (question, _) in snapshot.answers.iter().chain(&snapshot.drafts) {
            if module.question(question).is_some() && !asked.contains(question) {
                return Err(vec![SessionError::NotAsked(question.clone())]);
            }
        }
        session.attempt = snapshot.attempt;
        session.current = snapshot.page;
        session.phase = Phase::InProgress;
        let events = vec![
            Event::Resumed {
                attempt: snapshot.attempt,
            },
            Event::PageViewed { at },
        ];
        Ok((session, events))
    }

    fn begin_attempt(&mut self) -> Vec<Event> {
        self.attempt += 1;
        self.phase = Phase::InProgress;
        self.current = 0;
        self.drafts.clear();
        self.answers.clear();
        let mut events = vec![Event::AttemptStarted {
            attempt: self.attempt,
        }];
        if let Some(&at) = self.pages.first() {
            events.push(Event::PageViewed { at });
        }
        events
    }

    fn require_in_progress(&self) -> Result<(), SessionError> {
        if self.phase == Phase::InProgress {
            Ok(())
        } else {
            Err(SessionError::NotInProgress)
        }
    }

    fn check_open<'m>(
        &self,
        module: &'m Module,
        question: &str,
    ) -> Result<&'m crate::Question, SessionError> {
        let q = module
            .question(question)
            .ok_or_else(|| SessionError::NoSuchQuestion(question.to_string()))?;
        if find(&self.answers, question).is_some() {
            return Err(SessionError::AlreadyAnswered(question.to_string()));
        }
        if !self
            .attempt_questions(module)
            .iter()
            .any(|a| a.id == question)
        {
            return Err(SessionError::NotAsked(question.to_string()));
        }
        Ok(q)
    }
}

/// A paused attempt: everything [`Session::resume`] needs. The module has no question
/// pools or shuffling yet, so the order of pages and choices is the module's own and needs
/// no seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The attempt's seed (pools and shuffling).
    pub seed: u64,
    /// The attempt number.
    pub attempt: u32,
    /// The current page's index in reading order.
    pub page: usize,
    /// Submitted responses by question id, in the order given.
    pub answers: Vec<(String, Response)>,
    /// Chosen but not yet submitted responses by question id.
    pub drafts: Vec<(String, Response)>,
}

impl Snapshot {
    /// The snapshot as compact JSON: `{"attempt", "page", "answers": {q: r}, "drafts":
    /// {q: r}}`, where a response is `true`/`false`, a list of choice ids, `{"order":
    /// [ids]}` or `{"pairs": {source: target}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let responses = |pairs: &[(String, Response)]| -> serde_json::Value {
            // Inserted one by one: collecting into a map would sort, and sorting code is
            // large in the player's download.
            let mut map = serde_json::Map::new();
            for (q, r) in pairs {
                let value = match r {
                    Response::TrueFalse(b) => serde_json::Value::Bool(*b),
                    Response::Choices(c) => {
                        c.iter().cloned().map(serde_json::Value::String).collect()
                    }
                    Response::Order(ids) => serde_json::json!({
                        "order": ids.iter().cloned().map(serde_json::Value::String).collect::<Vec<_>>()
                    }),
                    Response::Pairs(pairs) => {
                        let mut map = serde_json::Map::new();
                        for (s, t) in pairs {
                            map.insert(s.clone(), serde_json::Value::String(t.clone()));
                        }
                        serde_json::json!({ "pairs": map })
                    }
                    Response::Texts(texts) => serde_json::json!({ "texts": texts }),
                    Response::Number(n) => serde_json::json!({ "number": n }),
                    Response::Steps(steps) => serde_json::json!({ "steps": steps }),
                };
                map.insert(q.clone(), value);
            }
            serde_json::Value::Object(map)
        };
        // The seed is written as text: JSON numbers lose precision past 2^53 in a browser.
        serde_json::json!({
            "seed": self.seed.to_string(),
            "attempt": self.attempt,
            "page": self.page,
            "answers": responses(&self.answers),
            "drafts": responses(&self.drafts),
        })
    }

    /// Reads [`Snapshot::to_json`]'s form back; says what is wrong otherwise.
    pub fn from_json(value: &serde_json::Value) -> Result<Snapshot, String> {
        let number = |key: &str| -> Result<u64, String> {
            value
                .get(key)
                .and_then(serde_json::Value::as_u64)
                .ok_or_else(|| format!("`{key}` must be a whole number"))
        };
        let responses = |key: &str| -> Result<Vec<(String, Response)>, String> {
            let Some(map) = value.get(key).and_then(serde_json::Value::as_object) else {
                return Err(format!("`{key}` must be an object"));
            };
            map.iter()
                .map(|(q, v)| {
                    let response = match v {
                        serde_json::Value::Bool(b) => Response::TrueFalse(*b),
                        serde_json::Value::Array(items) => Response::choices(
                            items
                                .iter()
                                .map(|i| i.as_str().map(str::to_string))
                                .collect::<Option<Vec<_>>>()
                                .ok_or_else(|| format!("`{key}.{q}` must list choice ids"))?,
                        ),
                        serde_json::Value::Object(o) => {
                            if let Some(order) =
                                o.get("order").and_then(serde_json::Value::as_array)
                            {
                                Response::Order(
                                    order
                                        .iter()
                                        .map(|i| i.as_str().map(str::to_string))
                                        .collect::<Option<Vec<_>>>()
                                        .ok_or_else(|| {
                                            format!("`{key}.{q}.order` must list item ids")
                                        })?,
                                )
                            } else if let Some(pairs) =
                                o.get("pairs").and_then(serde_json::Value::as_object)
                            {
                                Response::pairs(
                                    pairs
                                        .iter()
                                        .map(|(s, t)| {
                                            t.as_str().map(|t| (s.clone(), t.to_string()))
                                        })
                                        .collect::<Option<Vec<_>>>()
                                        .ok_or_else(|| {
                                            format!("`{key}.{q}.pairs` must map ids to ids")
                                        })?,
                                )
                            } else if let Some(texts) =
                                o.get("texts").and_then(serde_json::Value::as_array)
                            {
                                Response::Texts(
                                    texts
                                        .iter()
                                        .map(|t| t.as_str().map(str::to_string))
                                        .collect::<Option<Vec<_>>>()
                                        .ok_or_else(|| {
                                            format!("`{key}.{q}.texts` must list texts")
                                        })?,
                                )
                            } else if let Some(n) =
                                o.get("number").and_then(serde_json::Value::as_i64)
                            {
                                Response::Number(n)
                            } else if let Some(steps) =
                                o.get("steps").and_then(serde_json::Value::as_array)
                            {
                                Response::Steps(
                                    steps
                                        .iter()
                                        .map(|t| t.as_str().map(str::to_string))
                                        .collect::<Option<Vec<_>>>()
                                        .ok_or_else(|| {
                                            format!("`{key}.{q}.steps` must list texts")
                                        })?,
                                )
                            } else {
                                return Err(format!(
                                    "`{key}.{q}` must hold `order`, `pairs`, `texts`, `number` or `steps`"
                                ));
                            }
                        }
                        _ => {
                            return Err(format!(
                                "`{key}.{q}` must be true, false, a list or an object"
                            ))
                        }
                    };
                    Ok((q.clone(), response))
                })
                .collect()
        };
        // Saved before pools existed: seed 0, which is what such an attempt used.
        let seed = match value.get("seed") {
            None => 0,
            Some(serde_json::Value::String(s)) => s
                .parse::<u64>()
                .map_err(|_| "`seed` must be a whole number".to_string())?,
            Some(_) => return Err("`seed` must be a whole number as text".into()),
        };
        Ok(Snapshot {
            seed,
            attempt: u32::try_from(number("attempt")?).map_err(|e| e.to_string())?,
            page: usize::try_from(number("page")?).map_err(|e| e.to_string())?,
            answers: responses("answers")?,
            drafts: responses("drafts")?,
        })
    }
}

/// The value for `key` in a short list of pairs.
fn find<'a, T>(pairs: &'a [(String, T)], key: &str) -> Option<&'a T> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Sets the value for `key`, replacing any earlier one.
fn set<T>(pairs: &mut Vec<(String, T)>, key: String, value: T) {
    match pairs.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => pairs.push((key, value)),
    }
}

fn check_response(
    module: &Module,
    question: &str,
    response: &Response,
) -> Result<(), SessionError> {
    let invalid = |reason: &str| SessionError::InvalidResponse {
        question: question.to_string(),
        reason: reason.to_string(),
    };
    let q = module
        .question(question)
        .ok_or_else(|| SessionError::NoSuchQuestion(question.to_string()))?;
    match (&q.kind, response) {
        (QuestionKind::TrueFalse { .. }, Response::TrueFalse(_)) => Ok(()),
        (QuestionKind::Choice { multiple, choices }, Response::Choices(chosen)) => {
            if let Some(unknown) = chosen.iter().find(|c| !choices.iter().any(|k| &k.id == *c)) {
                return Err(invalid(&format!("no choice `{unknown}`")));
            }
            if !multiple && chosen.len() > 1 {
                return Err(invalid("only one choice may be selected"));
            }
            Ok(())
        }
        (QuestionKind::Sequencing { items, .. }, Response::Order(ids)) => {
            let permutation = ids.len() == items.len()
                && items
                    .iter()
                    .all(|i| ids.iter().filter(|id| **id == i.id).count() == 1);
            if permutation {
                Ok(())
            } else {
                Err(invalid("expected every item exactly once"))
            }
        }
        (
            QuestionKind::Matching {
                sources, targets, ..
            },
            Response::Pairs(pairs),
        ) => {
            for (source, target) in pairs {
                if !sources.iter().any(|s| s.id == *source) {
                    return Err(invalid(&format!("no source `{source}`")));
                }
                if !targets.iter().any(|t| t.id == *target) {
                    return Err(invalid(&format!("no target `{target}`")));
                }
            }
            Ok(())
        }
        (QuestionKind::Hotspot { regions, .. }, Response::Choices(chosen)) => {
            if let Some(unknown) = chosen.iter().find(|c| !regions.iter().any(|r| &r.id == *c)) {
                return Err(invalid(&format!("no region `{unknown}`")));
            }
            if chosen.len() > 1 {
                return Err(invalid("only one region may be chosen"));
            }
            Ok(())
        }
        (QuestionKind::FillIn { blanks, .. }, Response::Texts(texts)) => {
            if texts.len() != blanks.len() {
                return Err(invalid(&format!("expected {} blanks", blanks.len())));
            }
            if texts.iter().any(|t| t.chars().count() > 200) {
                return Err(invalid("a blank holds at most 200 characters"));
            }
            Ok(())
        }
        (QuestionKind::LongFillIn { max_length, .. }, Response::Texts(texts)) => {
            match texts.as_slice() {
                [text] if text.chars().count() <= *max_length as usize => Ok(()),
                [_] => Err(invalid(&format!("at most {max_length} characters"))),
                _ => Err(invalid("expected one text")),
            }
        }
        (QuestionKind::Numeric { .. }, Response::Number(_)) => Ok(()),
        (QuestionKind::Performance { steps, .. }, Response::Steps(given)) => {
            if given.len() != steps.len() {
                return Err(invalid(&format!("expected {} steps", steps.len())));
            }
            if given.iter().any(|t| t.chars().count() > 200) {
                return Err(invalid("a step holds at most 200 characters"));
            }
            // A number step's text that is not a number is kept as typed (a draft is what
            // the learner sees) and judged wrong; the player asks for a number before it
            // lets the answer be checked.
            Ok(())
        }
        (QuestionKind::Likert { scale }, Response::Choices(chosen)) => match chosen.as_slice() {
            [one] if scale.iter().any(|s| s.id == *one) => Ok(()),
            [] => Ok(()),
            _ => Err(invalid("expected one point of the scale")),
        },
        (QuestionKind::FillIn { .. } | QuestionKind::LongFillIn { .. }, _) => {
            Err(invalid("expected text"))
        }
        (QuestionKind::Numeric { .. }, _) => Err(invalid("expected a number")),
        (QuestionKind::Performance { .. }, _) => Err(invalid("expected the answers of the steps")),
        (QuestionKind::Likert { .. }, _) => Err(invalid("expected a point of the scale")),
        (QuestionKind::TrueFalse { .. }, _) => Err(invalid("expected true or false")),
        (QuestionKind::Choice { .. }, _) => Err(invalid("expected choice ids")),
        (QuestionKind::Sequencing { .. }, _) => Err(invalid("expected an order of items")),
        (QuestionKind::Matching { .. }, _) => Err(invalid("expected source and target pairs")),
        (QuestionKind::Hotspot { .. }, _) => Err(invalid("expected a region")),
    }
}
