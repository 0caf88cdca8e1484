//! The competencies' figures in the summary: per learner, across every module that tags a
//! competency, kept as a coordinated bottom-k sample of learners.
//!
//! A competency's figures are per learner, not per attempt: learners with a scored answer
//! to a question tagged with it, learners whose latest answers to those questions earn at
//! least the mastery share of their points, and per question the share of learners whose
//! latest answer is correct. No sum over attempts gives them, and a million learners'
//! latest answers are far more than a summary can hold. So the summary keeps every
//! learner whose hash ([`crate::sketch::hash`] of the learner's identifier) is below a
//! threshold, with each one's latest answer to every tagged question, and at most
//! [`LEARNER_SAMPLE_SIZE`] of them: when one more comes, the largest hash leaves and
//! becomes the threshold. While no learner has ever left (the threshold is `u64::MAX`),
//! the sample holds every learner and the figures are exact. Once it is full, the figures
//! are the sample's scaled by `2^64 / threshold`: the learners' and masters' counts have a
//! relative standard error of about `1/√n` (n the sampled learners with a scored answer,
//! about 4.5% at 500), and a question's share correct a standard error of at most
//! `0.5/√m` (m its sampled learners).
//!
//! The hash depends on the learner only, so the sample is coordinated: the same learners
//! are sampled whatever module, shard or run their statements come in. Two samples merge
//! exactly below the smaller threshold ([`Competencies::merge`]): a learner below both has
//! all their answers in both. The summary of a module reads the competencies' `answered`
//! statements of every module (`activity=<competency>&verb=answered`), so the report needs
//! one document.
//!
//! Updates: a sampled learner's new answers later than every answer kept of their
//! competency replace them question by question (the full read's "latest by timestamp, the first read on a tie").
//! An answer as old as or older than the newest kept (it came late), or a voided answer
//! of a sampled learner, makes the update read the learner's tagged answers again
//! ([`crate::Need::Learner`]) and rebuild their entry from all of them, which is the full
//! read's answer for that learner.

use crate::collect::{Collector, Fact, Sym, Verb};
use crate::numbers::sort_by;
use crate::report::{keep_weakest, CompetencyStats, Outline, Weak};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// How many learners the competency sample holds at most. About 100 bytes of JSON per
/// learner for a 50-question module (one mark per question), so the sample stays near
/// 50 KB.
pub const LEARNER_SAMPLE_SIZE: usize = 500;

/// A learner's answer as the sample keeps it: `result.score.raw`, `result.score.max`,
/// and `result.success` (1, 0, or -1 when absent).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Mark(pub Option<f64>, pub Option<f64>, pub i8);

impl Mark {
    fn of(f: &Fact) -> Mark {
        Mark(
            f.raw,
            f.max,
            match f.success {
                Some(true) => 1,
                Some(false) => 0,
                None => -1,
            },
        )
    }

    /// The one-letter form of the two answers the player sends most: right for one point
    /// (`y`) and wrong for one point (`n`).
    fn letter(self) -> Option<char> {
        match self {
            Mark(Some(r), Some(m), 1) if r == 1.0 && m == 1.0 => Some('y'),
            Mark(Some(r), Some(m), 0) if r == 0.0 && m == 1.0 => Some('n'),
            _ => None,
        }
    }
}

/// One sampled learner: their latest answer to each tagged question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Learner {
    /// Per competency (by index in [`Competencies::tags`]), the timestamp (ms) of the
    /// newest answer kept of a question tagged with it.
    pub t: Vec<i64>,
    /// One letter per question of [`Competencies::questions`]: `-` no answer, `y` right
    /// for 1 of 1 point, `n` wrong for 0 of 1, `x` another answer (in `o`).
    pub m: String,
    /// The answers of the questions marked `x`, by the question's index.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub o: BTreeMap<u32, Mark>,
}

impl Learner {
    /// The answer to question `q`, if any.
    pub fn get(&self, q: usize) -> Option<Mark> {
        match self.m.as_bytes().get(q)? {
            b'y' => Some(Mark(Some(1.0), Some(1.0), 1)),
            b'n' => Some(Mark(Some(0.0), Some(1.0), 0)),
            b'x' => self.o.get(&(q as u32)).copied(),
            _ => None,
        }
    }

    fn set(&mut self, q: usize, mark: Mark) {
        let mut bytes = std::mem::take(&mut self.m).into_bytes();
        if bytes.len() <= q {
            bytes.resize(q + 1, b'-');
        }
        match mark.letter() {
            Some(c) => {
                bytes[q] = c as u8;
                self.o.remove(&(q as u32));
            }
            None => {
                bytes[q] = b'x';
                self.o.insert(q as u32, mark);
            }
        }
        self.m = String::from_utf8(bytes).unwrap_or_default();
    }

    /// The newest answer kept of a question tagged with competency `tag`.
    pub fn newest(&self, tag: u32) -> i64 {
        self.t.get(tag as usize).copied().unwrap_or(i64::MIN)
    }

    fn stamp(&mut self, tag: u32, at: i64) {
        let i = tag as usize;
        if self.t.len() <= i {
            self.t.resize(i + 1, i64::MIN);
        }
        self.t[i] = self.t[i].max(at);
    }

    fn is_empty(&self) -> bool {
        self.m.bytes().all(|b| b == b'-')
    }
}

/// The competencies' part of the summary (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Competencies {
    /// The `stored` time up to which the competencies' statements were read.
    pub as_of: Option<String>,
    /// Statements read into it.
    pub read: u64,
    /// The competencies met, by IRI.
    pub tags: Vec<String>,
    /// The tagged questions met (of any module): IRI and the indices of its tags.
    pub questions: Vec<(String, Vec<u32>)>,
    /// The most learners kept.
    pub size: usize,
    /// Learners with a hash below it are all kept (`u64::MAX`: every learner).
    pub threshold: u64,
    /// The sampled learners by hash (zero-padded decimal, so text order is number order).
    pub learners: BTreeMap<String, Learner>,
}

impl Default for Competencies {
    fn default() -> Self {
        Competencies {
            as_of: None,
            read: 0,
            tags: Vec::new(),
            questions: Vec::new(),
            size: LEARNER_SAMPLE_SIZE,
            threshold: u64::MAX,
            learners: BTreeMap::new(),
        }
    }
}

pub(crate) fn key(hash: u64) -> String {
    format!("{hash:020}")
}

impl Competencies {
    /// The time of `as_of` in ms since the epoch.
    pub fn as_of_ms(&self) -> Option<i64> {
        self.as_of.as_deref().and_then(pelita_xapi::parse_timestamp)
    }

    /// Whether a learner with this hash belongs in the sample.
    pub fn samples(&self, hash: u64) -> bool {
        hash < self.threshold
    }

    /// The factor from sampled learners to all: 1 while every learner is kept.
    pub fn scale(&self) -> f64 {
        if self.threshold == u64::MAX {
            1.0
        } else {
            2f64.powi(64) / self.threshold.max(1) as f64
        }
    }

    fn tag_index(&mut self, tag: &str) -> u32 {
        match self.tags.iter().position(|t| t == tag) {
            Some(i) => i as u32,
            None => {
                self.tags.push(tag.to_string());
                (self.tags.len() - 1) as u32
            }
        }
    }

    fn question_index(&mut self, iri: &str, tags: &[u32]) -> usize {
        let i = match self.questions.iter().position(|q| q.0 == iri) {
            Some(i) => i,
            None => {
                self.questions.push((iri.to_string(), vec![]));
                self.questions.len() - 1
            }
        };
        for t in tags {
            if !self.questions[i].1.contains(t) {
                self.questions[i].1.push(*t);
            }
        }
        i
    }

    /// Puts (or replaces, or with an empty entry takes out) a learner, then keeps the
    /// sample within its size.
    pub(crate) fn put(&mut self, hash: u64, learner: Learner) {
        if !self.samples(hash) {
            return;
        }
        if learner.is_empty() {
            self.learners.remove(&key(hash));
        } else {
            self.learners.insert(key(hash), learner);
        }
        self.shrink();
    }

    fn shrink(&mut self) {
        while self.learners.len() > self.size {
            if let Some((k, _)) = self.learners.pop_last() {
                self.threshold = k.parse().unwrap_or(self.threshold);
            }
        }
        let threshold = key(self.threshold);
        if self.threshold != u64::MAX {
            self.learners.retain(|k, _| *k < threshold);
        }
    }

    /// Folds a learner's answered facts (in read order) into `learner`: per question the
    /// latest by timestamp, the first read on a tie, as the full read takes them.
    pub(crate) fn fold(&mut self, c: &Collector, learner: &mut Learner, facts: &[&Fact]) {
        let mut newest: HashMap<Sym, i64> = HashMap::new();
        for f in facts {
            if f.voided || f.verb != Verb::Answered || f.competencies.is_empty() {
                continue;
            }
            let at = newest.entry(f.object).or_insert(i64::MIN);
            if f.at_ms <= *at && *at != i64::MIN {
                continue;
            }
            *at = f.at_ms;
            let tags: Vec<u32> = f
                .competencies
                .iter()
                .map(|t| self.tag_index(c.text(*t)))
                .collect();
            let q = self.question_index(c.text(f.object), &tags);
            learner.set(q, Mark::of(f));
            for t in tags {
                learner.stamp(t, f.at_ms);
            }
        }
    }

    /// Adds `other`, a sample of the same learners' answers to other statements (another
    /// module's, another shard's): the smaller threshold, the learners of both below it,
    /// a learner's answers united (for a question in both, the one of the entry with the
    /// newer answer). Merging a sample with itself changes nothing.
    pub fn merge(&mut self, other: &Competencies) {
        let tags: Vec<u32> = other.tags.iter().map(|t| self.tag_index(t)).collect();
        let questions: Vec<usize> = other
            .questions
            .iter()
            .map(|(iri, ts)| {
                let ts: Vec<u32> = ts
                    .iter()
                    .filter_map(|t| tags.get(*t as usize).copied())
                    .collect();
                self.question_index(iri, &ts)
            })
            .collect();
        self.threshold = self.threshold.min(other.threshold);
        self.read += other.read;
        if let (Some(a), Some(b)) = (self.as_of.as_deref(), other.as_of.as_deref()) {
            let (x, y) = (
                pelita_xapi::parse_timestamp(a),
                pelita_xapi::parse_timestamp(b),
            );
            if y > x {
                self.as_of = Some(b.to_string());
            }
        } else if self.as_of.is_none() {
            self.as_of = other.as_of.clone();
        }
        for (k, theirs) in &other.learners {
            let mine = self.learners.entry(k.clone()).or_default();
            let newest = |l: &Learner, ts: &[u32]| ts.iter().map(|t| l.newest(*t)).max();
            for (q, &to) in questions.iter().enumerate() {
                if let Some(mark) = theirs.get(q) {
                    let ts: Vec<u32> = other.questions[q]
                        .1
                        .iter()
                        .filter_map(|t| tags.get(*t as usize).copied())
                        .collect();
                    let theirs_ts: Vec<u32> = other.questions[q].1.clone();
                    if mine.get(to).is_none() || newest(theirs, &theirs_ts) > newest(mine, &ts) {
                        mine.set(to, mark);
                    }
                }
            }
            for (t, at) in theirs.t.iter().enumerate() {
                if let Some(to) = tags.get(t) {
                    if *at != i64::MIN {
                        mine.stamp(*to, *at);
                    }
                }
            }
        }
        self.shrink();
    }

    /// The competencies' figures: for the module's competencies (`outline`), else for
    /// every competency met, by IRI; titles from the outline, else the IRI.
    pub fn stats(&self, outline: &Outline) -> Vec<CompetencyStats> {
        let mut tags: Vec<String> = outline.competencies.iter().map(|e| e.id.clone()).collect();
        if tags.is_empty() {
            tags = self.tags.clone();
            sort_by(&mut tags, |a, b| a < b);
        }
        let scale = self.scale();
        let scaled = |n: usize| (n as f64 * scale).round() as usize;
        let title = |id: &str, listed: &[crate::report::Entry]| {
            listed
                .iter()
                .find(|e| e.id == id)
                .map_or_else(|| id.to_string(), |e| e.title.clone())
        };
        let mut out = Vec::new();
        for tag in &tags {
            let index = self.tags.iter().position(|t| t == tag).map(|i| i as u32);
            let tagged: Vec<usize> = match index {
                Some(t) => (0..self.questions.len())
                    .filter(|q| self.questions[*q].1.contains(&t))
                    .collect(),
                None => vec![],
            };
            let (mut learners, mut mastered) = (0, 0);
            let mut per_question: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
            for l in self.learners.values() {
                let (mut raw, mut max) = (0.0, 0.0);
                let mut scored = false;
                for &q in &tagged {
                    let Some(Mark(r, m, s)) = l.get(q) else {
                        continue;
                    };
                    if let (Some(r), Some(m)) = (r, m) {
                        if m > 0.0 {
                            raw += r;
                            max += m;
                            scored = true;
                        }
                    }
                    if s >= 0 {
                        let e = per_question.entry(q).or_default();
                        e.0 += 1;
                        e.1 += usize::from(s == 1);
                    }
                }
                if scored {
                    learners += 1;
                    if raw / max >= outline.mastery - 1e-9 {
                        mastered += 1;
                    }
                }
            }
            let mut weakest: Vec<Weak> = per_question
                .iter()
                .map(|(q, (n, right))| {
                    let id = self.questions[*q].0.clone();
                    Weak {
                        title: title(&id, &outline.questions),
                        id,
                        answered: scaled(*n),
                        share_correct: *right as f64 / *n as f64,
                    }
                })
                .collect();
            keep_weakest(&mut weakest);
            out.push(CompetencyStats {
                id: tag.clone(),
                title: title(tag, &outline.competencies),
                learners: scaled(learners),
                mastered: scaled(mastered),
                weakest,
            });
        }
        out
    }
}
