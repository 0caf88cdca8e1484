//! The module's figures kept up to date next to the LRS: a compact, versioned summary that
//! new statements are folded into, run after run.
//!
//! Every count of the report is a sum over attempts (an attempt's figures depend on its own
//! statements only), so the summary keeps the sums, and an update adds the contribution of
//! each attempt its new statements touch. That contribution is computed by the report
//! itself ([`Collector::report`] on that one attempt's facts): one interpretation of
//! statements, whether the report reads them all or the summary folds them.
//!
//! An attempt that was summarised before and gets more statements (it crossed the last
//! run's end, or a statement came late) is read again from the LRS (`registration=` and
//! `until=` the summary's time, [`Need::Attempt`]): its old contribution (what those
//! statements gave) is taken out and the new one (old and new statements together) added,
//! so counts stay exact. An attempt whose `initialized` statement is among the new ones is
//! new and needs no reading (the player sends `initialized` first; an LRS stores a
//! learner's statements in the order they come). A `voided` statement whose target is not
//! among the new statements makes the update fetch the target (`voidedStatementId=`,
//! [`Need::Voided`]); a target stored before the summary's time was summarised, so it goes
//! into its attempt's old contribution and not into the new one, and its attempt is read
//! again as above.
//!
//! What no sum gives: medians come from a [`Sketch`] (within [`sketch::RELATIVE_ERROR`]),
//! learners from a [`Distinct`] count, and the item–rest correlation, the upper/lower 27%
//! and the "strong pick" flag from a uniform [`Sample`] of [`crate::sample::SAMPLE_SIZE`] attempts.
//! Competencies span other modules and are per learner, not per attempt: they are a
//! coordinated sample of learners ([`Competencies`], see [`crate::competency`]), fed by the
//! competencies' own queries (every module's `answered` statements tagged with one,
//! [`Update::add_competency_page`]).

use crate::collect::{Collector, Fact, Sym, Verb};
use crate::competency::{self, Competencies, Learner};
use crate::error::StatsError;
use crate::numbers::{correlation, share, sort_by};
use crate::query::encode;
use crate::report::{
    item_score, Bin, Day, Flag, OptionCount, Outline, PageStats, QuestionStats, Report,
    GROUP_SHARE, MIN_FOR_FLAGS, MIN_FOR_GROUPS,
};
use crate::sample::{Answer, Sample};
use crate::sketch::{self, hash, Distinct, Sketch};
use pelita_xapi::parse_timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The version of the summary's format. A summary of another version is refused with
/// [`StatsError::SummaryVersion`] (`pelita stats update` then stops and says to run it with
/// `--rebuild`, which makes a new one; the report reads every statement instead).
/// Version 2 added the competencies ([`Competencies`]).
pub const SUMMARY_VERSION: u32 = 2;

/// The `profileId` of the activity profile document that holds a module's summary.
pub const PROFILE_ID: &str = "https://pelita.example.org/xapi/profiles/report-summary/v1";

/// The counts of one UTC day (attempts by the day they began).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DayCounts {
    /// Attempts that began that day.
    pub attempts: i64,
    /// Of those, the ones completed.
    pub completions: i64,
    /// Of those, the ones passed or failed.
    pub judged: i64,
    /// Of those, the ones passed.
    pub passed: i64,
    /// Their times to complete.
    pub times: Sketch,
}

/// The counts of one question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionCounts {
    /// The question's IRI.
    pub id: String,
    /// Its interaction type (as the report found it).
    pub kind: String,
    /// Attempts that answered it.
    pub answered: i64,
    /// Of those, the ones whose last answer was correct.
    pub correct: i64,
    /// Per option (or whole response): attempts whose last answer included it.
    pub options: BTreeMap<String, i64>,
    /// Times to answer.
    pub times: Sketch,
}

/// The counts of one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageCounts {
    /// Views (every `experienced`).
    pub views: i64,
    /// Attempts that reached it.
    pub reached: i64,
}

/// The summary of a module's statements up to `as_of` (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// [`SUMMARY_VERSION`].
    pub version: u32,
    /// The module's activity id.
    pub activity_id: String,
    /// The `stored` time of the newest statement folded in, as the LRS wrote it.
    pub as_of: Option<String>,
    /// Statements read into it, duplicates and voiding statements included.
    pub read: u64,
    /// Statements about the module that count.
    pub used: i64,
    /// Attempts.
    pub attempts: i64,
    /// Attempts completed.
    pub completions: i64,
    /// Attempts passed or failed.
    pub judged: i64,
    /// Attempts passed.
    pub passed: i64,
    /// Times to complete.
    pub completion_times: Sketch,
    /// Per UTC day (its start in ms since the epoch).
    pub days: BTreeMap<i64, DayCounts>,
    /// The score histogram: ten bins of ten percentage points.
    pub scores: Vec<i64>,
    /// Per question, in the order first met (the sample refers to them by index).
    pub questions: Vec<QuestionCounts>,
    /// Per page IRI.
    pub pages: BTreeMap<String, PageCounts>,
    /// The learners' distinct count.
    pub learners: Distinct,
    /// The uniform sample of attempts.
    pub sample: Sample,
    /// The sketches' relative error, for the reader.
    pub sketch_error: f64,
    /// The competencies, across every module that tags them.
    pub competencies: Competencies,
}

impl Summary {
    /// An empty summary of the module with activity id `activity_id`.
    pub fn new(activity_id: &str) -> Summary {
        Summary {
            version: SUMMARY_VERSION,
            activity_id: activity_id.to_string(),
            as_of: None,
            read: 0,
            used: 0,
            attempts: 0,
            completions: 0,
            judged: 0,
            passed: 0,
            completion_times: Sketch::default(),
            days: BTreeMap::new(),
            scores: vec![0; 10],
            questions: Vec::new(),
            pages: BTreeMap::new(),
            learners: Distinct::default(),
            sample: Sample::default(),
            sketch_error: sketch::RELATIVE_ERROR,
            competencies: Competencies::default(),
        }
    }

    /// Reads a stored summary of the module `activity_id`: its version must be
    /// [`SUMMARY_VERSION`] and its module that one.
    pub fn from_json(text: &str, activity_id: &str) -> Result<Summary, StatsError> {
        #[derive(Deserialize)]
        struct Version {
            version: Option<u32>,
        }
        let located = |e: serde_json::Error| StatsError::NotASummary {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let version: Version = serde_json::from_str(text).map_err(located)?;
        if version.version != Some(SUMMARY_VERSION) {
            return Err(StatsError::SummaryVersion {
                found: version.version,
                expected: SUMMARY_VERSION,
            });
        }
        let summary: Summary = serde_json::from_str(text).map_err(located)?;
        if summary.activity_id != activity_id {
            return Err(StatsError::SummaryModule {
                found: summary.activity_id,
                expected: activity_id.to_string(),
            });
        }
        Ok(summary)
    }

    /// The summary as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The time of `as_of` in ms since the epoch.
    pub fn as_of_ms(&self) -> Option<i64> {
        self.as_of.as_deref().and_then(parse_timestamp)
    }

    fn question_index(&mut self, id: &str, kind: &str) -> usize {
        if let Some(i) = self.questions.iter().position(|q| q.id == id) {
            return i;
        }
        self.questions.push(QuestionCounts {
            id: id.to_string(),
            kind: kind.to_string(),
            ..QuestionCounts::default()
        });
        self.questions.len() - 1
    }

    /// Adds (`sign` 1) or takes out (-1) one attempt's figures, as the report gave them.
    fn apply(&mut self, r: &Report, sign: i64) {
        let n = |x: usize| sign * x as i64;
        self.used += n(r.used);
        self.attempts += n(r.attempts);
        self.completions += n(r.completions);
        self.judged += n(r.judged);
        self.passed += n(r.passed);
        if let Some(ms) = r.median_completion_ms {
            self.completion_times.add(ms, sign);
        }
        for d in &r.days {
            let day = self.days.entry(d.day_ms).or_default();
            day.attempts += n(d.attempts);
            day.completions += n(d.completions);
            day.judged += n(d.judged);
            day.passed += n(d.passed);
            if let Some(ms) = d.median_ms {
                day.times.add(ms, sign);
            }
            if *day == DayCounts::default() {
                self.days.remove(&d.day_ms);
            }
        }
        for (total, bin) in self.scores.iter_mut().zip(&r.scores) {
            *total += n(bin.count);
        }
        for q in r.questions.iter().filter(|q| q.answered > 0) {
            let i = self.question_index(&q.id, &q.kind);
            let counts = &mut self.questions[i];
            counts.answered += n(q.answered);
            counts.correct += n(q.correct);
            for o in q.options.iter().filter(|o| o.count > 0) {
                let c = counts.options.entry(o.id.clone()).or_insert(0);
                *c += n(o.count);
                if *c == 0 {
                    counts.options.remove(&o.id);
                }
            }
            if let Some(ms) = q.median_ms {
                counts.times.add(ms, sign);
            }
        }
        for p in r.pages.iter().filter(|p| p.views > 0) {
            let page = self.pages.entry(p.id.clone()).or_default();
            page.views += n(p.views);
            page.reached += n(p.reached);
            if *page == PageCounts::default() {
                self.pages.remove(&p.id);
            }
        }
    }

    /// Adds `other`, a summary of the same module over other attempts (another shard of
    /// the statements, say): counts and sketches add, the learners' counts unite, the
    /// samples merge (the smallest hashes of both), `as_of` is the later one. Summaries
    /// that share attempts would count them twice: that is the caller's to avoid.
    pub fn merge(&mut self, other: &Summary) -> Result<(), StatsError> {
        if other.version != self.version {
            return Err(StatsError::SummaryVersion {
                found: Some(other.version),
                expected: self.version,
            });
        }
        if other.activity_id != self.activity_id {
            return Err(StatsError::SummaryModule {
                found: other.activity_id.clone(),
                expected: self.activity_id.clone(),
            });
        }
        self.read += other.read;
        self.used += other.used;
        self.attempts += other.attempts;
        self.completions += other.completions;
        self.judged += other.judged;
        self.passed += other.passed;
        self.completion_times.merge(&other.completion_times, 1);
        for (day_ms, d) in &other.days {
            let day = self.days.entry(*day_ms).or_default();
            day.attempts += d.attempts;
            day.completions += d.completions;
            day.judged += d.judged;
            day.passed += d.passed;
            day.times.merge(&d.times, 1);
        }
        for (total, n) in self.scores.iter_mut().zip(&other.scores) {
            *total += n;
        }
        // The other summary's question indices, in this one's list.
        let mut index = Vec::with_capacity(other.questions.len());
        for q in &other.questions {
            let i = self.question_index(&q.id, &q.kind);
            index.push(i as u32);
            let mine = &mut self.questions[i];
            mine.answered += q.answered;
            mine.correct += q.correct;
            for (o, n) in &q.options {
                *mine.options.entry(o.clone()).or_insert(0) += n;
            }
            mine.times.merge(&q.times, 1);
        }
        for (id, p) in &other.pages {
            let page = self.pages.entry(id.clone()).or_default();
            page.views += p.views;
            page.reached += p.reached;
        }
        self.learners.merge(&other.learners);
        let mut sample = other.sample.clone();
        for answers in sample.attempts.values_mut() {
            for a in answers.iter_mut() {
                a.0 = index.get(a.0 as usize).copied().unwrap_or(a.0);
            }
        }
        self.sample.merge(&sample);
        self.competencies.merge(&other.competencies);
        let later = match (self.as_of_ms(), other.as_of_ms()) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(a), Some(b)) => b > a,
        };
        if later {
            self.as_of = other.as_of.clone();
        }
        Ok(())
    }

    /// Every figure of the report from the summary alone, with titles from `outline` (or
    /// the IRIs; the report view names other modules' questions from the LRS).
    pub fn report(&self, outline: &Outline, lang: &str) -> Report {
        let title = |id: &str, listed: &[crate::Entry]| {
            listed
                .iter()
                .find(|e| e.id == id)
                .map_or_else(|| id.to_string(), |e| e.title.clone())
        };
        let u = |x: i64| x.max(0) as usize;
        let mut report = Report {
            read: self.read as usize,
            used: u(self.used),
            attempts: u(self.attempts),
            learners: self.learners.estimate(),
            completions: u(self.completions),
            judged: u(self.judged),
            passed: u(self.passed),
            pass_rate: share(u(self.passed), u(self.judged)),
            median_completion_ms: self.completion_times.median(),
            days: self
                .days
                .iter()
                .map(|(day_ms, d)| Day {
                    day_ms: *day_ms,
                    attempts: u(d.attempts),
                    completions: u(d.completions),
                    judged: u(d.judged),
                    passed: u(d.passed),
                    median_ms: d.times.median(),
                })
                .collect(),
            scores: (0..10)
                .map(|i| Bin {
                    from: i * 10,
                    to: i * 10 + 10,
                    count: u(self.scores.get(i as usize).copied().unwrap_or(0)),
                })
                .collect(),
            ..Report::default()
        };

        // The sample: totals, ranks, upper and lower groups, as the report makes them.
        let totals: Vec<(&String, f64)> = self
            .sample
            .attempts
            .iter()
            .map(|(k, a)| (k, a.iter().filter_map(|x| x.1).sum()))
            .collect();
        let mut ranked = totals.clone();
        sort_by(&mut ranked, |x, y| {
            y.1.total_cmp(&x.1).then(x.0.cmp(y.0)).is_lt()
        });
        let (upper, lower): (HashSet<&String>, HashSet<&String>) = if ranked.len() >= MIN_FOR_GROUPS
        {
            let size = ((ranked.len() as f64 * GROUP_SHARE).round() as usize).max(1);
            (
                ranked.iter().take(size).map(|r| r.0).collect(),
                ranked.iter().rev().take(size).map(|r| r.0).collect(),
            )
        } else {
            (HashSet::new(), HashSet::new())
        };
        let total_of: HashMap<&String, f64> = totals.into_iter().collect();

        let mut order: Vec<String> = outline.questions.iter().map(|e| e.id.clone()).collect();
        let mut extra: Vec<String> = self
            .questions
            .iter()
            .filter(|q| q.answered > 0 && !order.contains(&q.id))
            .map(|q| q.id.clone())
            .collect();
        sort_by(&mut extra, |a, b| a < b);
        order.extend(extra);
        for id in &order {
            let index = self.questions.iter().position(|q| &q.id == id);
            let counts = index.map(|i| &self.questions[i]);
            let definition = outline
                .definitions
                .iter()
                .find(|(q, _)| q == id)
                .map(|(_, d)| d);
            let kind = counts
                .map(|c| c.kind.clone())
                .filter(|k| !k.is_empty())
                .or_else(|| definition.map(|d| d.kind.clone()))
                .unwrap_or_default();
            let answered = counts.map_or(0, |c| u(c.answered));
            let correct = counts.map_or(0, |c| u(c.correct));
            // The sampled attempts' answers to this question.
            let given: Vec<(&String, &Answer)> = match index {
                Some(i) => self
                    .sample
                    .attempts
                    .iter()
                    .filter_map(|(k, a)| a.iter().find(|x| x.0 as usize == i).map(|x| (k, x)))
                    .collect(),
                None => vec![],
            };
            let pairs: Vec<(f64, f64)> = given
                .iter()
                .filter_map(|(k, x)| {
                    let p = x.1?;
                    Some((p, total_of.get(k).copied().unwrap_or(0.0) - p))
                })
                .collect();
            let group_share = |group: &HashSet<&String>| {
                let in_group: Vec<_> = given.iter().filter(|g| group.contains(g.0)).collect();
                share(
                    in_group.iter().filter(|g| g.1 .2 == 1).count(),
                    in_group.len(),
                )
            };
            let upper_lower = match (group_share(&upper), group_share(&lower)) {
                (Some(up), Some(low)) => Some(up - low),
                _ => None,
            };
            let by_option = matches!(kind.as_str(), "choice" | "true-false");
            let correct_ids = crate::report::correct_ids(definition);
            let correct_patterns: Vec<&str> = definition
                .map(|d| d.correct.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let count_of = |o: &str| counts.and_then(|c| c.options.get(o)).map_or(0, |n| u(*n));
            let mut options: Vec<OptionCount> = Vec::new();
            if by_option {
                for (id, label) in crate::report::listed_options(&kind, definition, lang) {
                    options.push(OptionCount {
                        correct: correct_ids.contains(&id.as_str()),
                        count: count_of(&id),
                        id,
                        label,
                        flag: None,
                    });
                }
            }
            for (id, count) in counts.map(|c| c.options.iter()).into_iter().flatten() {
                if *count > 0 && !options.iter().any(|o| &o.id == id) {
                    options.push(OptionCount {
                        id: id.clone(),
                        label: None,
                        count: u(*count),
                        correct: if by_option {
                            correct_ids.contains(&id.as_str())
                        } else {
                            correct_patterns.contains(&id.as_str())
                        },
                        flag: None,
                    });
                }
            }
            if !by_option {
                sort_by(&mut options, |x, y| {
                    y.count.cmp(&x.count).then(x.id.cmp(&y.id)).is_lt()
                });
            }
            if by_option && answered >= MIN_FOR_FLAGS {
                let upper_given: Vec<&(&String, &Answer)> =
                    given.iter().filter(|g| upper.contains(g.0)).collect();
                for o in options.iter_mut().filter(|o| !o.correct) {
                    let strong = upper_given
                        .iter()
                        .filter(|g| g.1 .3.split("[,]").any(|p| p == o.id))
                        .count();
                    o.flag = if o.count == 0 {
                        Some(Flag::NobodyPicks)
                    } else if !upper_given.is_empty() && strong * 2 > upper_given.len() {
                        Some(Flag::StrongPick)
                    } else {
                        None
                    };
                }
            }
            report.questions.push(QuestionStats {
                id: id.clone(),
                title: title(id, &outline.questions),
                kind,
                answered,
                correct,
                difficulty: share(correct, answered),
                discrimination: correlation(&pairs),
                upper_lower,
                options,
                median_ms: counts.and_then(|c| c.times.median()),
            });
        }

        let mut pages: Vec<String> = outline.pages.iter().map(|e| e.id.clone()).collect();
        let mut extra: Vec<String> = self
            .pages
            .keys()
            .filter(|p| !pages.contains(p))
            .cloned()
            .collect();
        sort_by(&mut extra, |a, b| a < b);
        pages.extend(extra);
        let mut previous: Option<usize> = None;
        for id in &pages {
            let counts = self.pages.get(id).cloned().unwrap_or_default();
            let reached = u(counts.reached);
            report.pages.push(PageStats {
                id: id.clone(),
                title: title(id, &outline.pages),
                views: u(counts.views),
                reached,
                drop_off: previous.and_then(|p| share(p.saturating_sub(reached), p)),
            });
            previous = Some(reached);
        }
        report.competencies = self.competencies.stats(outline);
        report
    }
}

/// Something an update needs from the LRS before it can finish.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Need {
    /// The statements of an attempt summarised before, stored up to `until` (inclusive):
    /// `GET statements` with the query [`Need::query`] gives, every `more` page, each given
    /// to [`Update::add_reread`].
    Attempt {
        /// The registration, or `None` for statements without one (then `agent`).
        registration: Option<String>,
        /// The learner as an xAPI agent (JSON), for an attempt without registration.
        agent: Option<String>,
        /// The summary's `as_of`.
        until: String,
    },
    /// A voided statement the update has to know (`GET statements?voidedStatementId=`),
    /// given to [`Update::add_voided`].
    Voided {
        /// The voided statement's id.
        id: String,
    },
    /// A sampled learner's answers tagged with a competency, read again to rebuild their
    /// entry (an answer came late, or one was voided): `GET statements` with the query
    /// [`Need::query`] gives, every `more` page, each given to [`Update::add_learner`].
    Learner {
        /// The learner as an xAPI agent (JSON).
        agent: String,
        /// The competency's IRI.
        tag: String,
        /// The end of the competencies' window, if the update has one.
        until: Option<String>,
    },
}

impl Need {
    /// The `statements` query (after `statements?`) that answers this need for the module
    /// `activity_id`.
    pub fn query(&self, activity_id: &str) -> String {
        match self {
            Need::Attempt {
                registration,
                agent,
                until,
            } => {
                let who = match (registration, agent) {
                    (Some(r), _) => format!("registration={}", encode(r)),
                    (None, Some(a)) => format!("agent={}", encode(a)),
                    (None, None) => String::new(),
                };
                format!(
                    "{who}&activity={}&related_activities=true&until={}&format=ids&ascending=true&limit={}",
                    encode(activity_id),
                    encode(until),
                    crate::PAGE_SIZE
                )
            }
            Need::Voided { id } => format!("voidedStatementId={}&format=ids", encode(id)),
            Need::Learner { agent, tag, until } => {
                let mut q = format!(
                    "agent={}&activity={}&related_activities=true&verb={}&format=ids&ascending=true&limit={}",
                    encode(agent),
                    encode(tag),
                    encode(ANSWERED),
                    crate::PAGE_SIZE
                );
                if let Some(u) = until {
                    q.push_str(&format!("&until={}", encode(u)));
                }
                q
            }
        }
    }
}

/// The verb of an answer.
pub const ANSWERED: &str = "http://adlnet.gov/expapi/verbs/answered";

/// The voided statements a fold must read, in a fixed order: each voids a statement seen
/// before the voiding one came (`voided_early`), which may be one summarised before.
fn voided_needs(voided_early: &HashSet<Box<str>>) -> Vec<Need> {
    let mut ids: Vec<String> = voided_early.iter().map(|s| s.to_string()).collect();
    ids.sort();
    ids.into_iter().map(|id| Need::Voided { id }).collect()
}

/// A learner's key (as the collector makes it) back as an xAPI agent, where it can be.
fn agent_json(key: &str) -> Option<String> {
    let agent = if let Some(sha) = key.strip_prefix("sha1:") {
        serde_json::json!({ "objectType": "Agent", "mbox_sha1sum": sha })
    } else if key.starts_with("mailto:") {
        serde_json::json!({ "objectType": "Agent", "mbox": key })
    } else if let Some((home, name)) = key.split_once('|') {
        serde_json::json!({ "objectType": "Agent", "account": { "homePage": home, "name": name } })
    } else if key.starts_with("http") {
        serde_json::json!({ "objectType": "Agent", "openid": key })
    } else {
        return None;
    };
    Some(agent.to_string())
}

/// The newest `stored` time of a page of statements: ms since the epoch, and as the LRS
/// wrote it.
pub fn newest_stored(text: &str) -> Option<(i64, String)> {
    #[derive(Deserialize)]
    struct Page {
        statements: Vec<Stored>,
    }
    #[derive(Deserialize)]
    struct Stored {
        #[serde(default)]
        stored: Option<String>,
    }
    let page: Page = serde_json::from_str(text).ok()?;
    page.statements
        .into_iter()
        .filter_map(|s| {
            let text = s.stored?;
            Some((parse_timestamp(&text)?, text))
        })
        .max_by_key(|s| s.0)
}

/// One update of a summary: the statements stored after its `as_of` (pages given to
/// [`Update::add_page`]), what the LRS answers to [`Update::needs`], then
/// [`Update::finish`]. Pure: the caller does the HTTP, natively or in the browser.
pub struct Update {
    collector: Collector,
    /// The outline with definitions only: each attempt's report then lists only what the
    /// attempt touched.
    outline: Outline,
    since: Option<(i64, String)>,
    newest: Option<(i64, String)>,
    read: u64,
    /// Facts that were summarised before (read again, or a fetched voided target).
    baseline: HashSet<usize>,
    /// Needs already asked for.
    asked: HashSet<Need>,
    /// The competencies' statements (see [`Update::add_competency_page`]).
    tags: Collector,
    /// The competencies to read, in order.
    tag_ids: Vec<String>,
    /// The competencies' `as_of` when the update began.
    tags_since: Option<(i64, String)>,
    /// The end of the competencies' window (`until` of their queries), if fixed.
    tags_until: Option<String>,
    /// The newest `stored` time among the competencies' statements read.
    tags_newest: Option<(i64, String)>,
    /// Statements read by [`Update::add_competency_page`].
    tags_read: u64,
    /// Competency facts left out: read by an earlier competency's query in this window.
    skipped: HashSet<usize>,
    /// Sampled learners whose entry is rebuilt from their answers read again.
    rebuild: HashSet<Sym>,
    /// The competencies' sample as the update began.
    sample: Competencies,
    /// Statements voided by voiding statements that were summarised before.
    old_voided: HashSet<String>,
}

impl Update {
    /// An update of `summary` for the module of `outline`.
    pub fn new(summary: &Summary, outline: &Outline) -> Update {
        let mut collector = Collector::new(&outline.activity_id, &outline.module_iri);
        collector.know_competencies(outline.competencies.iter().map(|c| c.id.as_str()));
        let mut tags = Collector::new(&outline.activity_id, &outline.module_iri);
        tags.know_competencies(outline.competencies.iter().map(|c| c.id.as_str()));
        let stamp = |t: &Option<String>| {
            t.as_ref()
                .and_then(|t| Some((parse_timestamp(t)?, t.clone())))
        };
        Update {
            tags,
            tag_ids: outline.competencies.iter().map(|c| c.id.clone()).collect(),
            tags_since: stamp(&summary.competencies.as_of),
            tags_until: None,
            tags_newest: None,
            skipped: HashSet::new(),
            rebuild: HashSet::new(),
            sample: summary.competencies.clone(),
            old_voided: HashSet::new(),
            collector,
            outline: Outline {
                pages: vec![],
                questions: vec![],
                competencies: vec![],
                ..outline.clone()
            },
            since: summary
                .as_of
                .as_ref()
                .and_then(|t| Some((parse_timestamp(t)?, t.clone()))),
            newest: None,
            read: 0,
            baseline: HashSet::new(),
            asked: HashSet::new(),
            tags_read: 0,
        }
    }

    /// Reads a page of the statements stored after the summary's `as_of` (in any order);
    /// returns its `more` link.
    pub fn add_page(&mut self, text: &str) -> Result<Option<String>, StatsError> {
        let before = self.collector.read;
        let more = self.collector.add_page(text)?;
        self.read += (self.collector.read - before) as u64;
        if let Some(n) = newest_stored(text) {
            if self.newest.as_ref().is_none_or(|m| n.0 > m.0) {
                self.newest = Some(n);
            }
        }
        Ok(more)
    }

    /// Statements read so far by [`Update::add_page`].
    pub fn read(&self) -> u64 {
        self.read
    }

    /// The competencies whose `answered` statements the update reads (the module's), in
    /// the order [`Update::add_competency_page`] numbers them.
    pub fn competencies(&self) -> &[String] {
        &self.tag_ids
    }

    /// The `since` of the competencies' queries (their part of the summary's `as_of`).
    pub fn competencies_since(&self) -> Option<&str> {
        self.tags_since.as_ref().map(|s| s.1.as_str())
    }

    /// Fixes the end of the competencies' window: every competency's query is read with
    /// `until` this time, and the competencies' part of the summary is then as of it. With
    /// a window, a statement tagged with several competencies is read once, by the first
    /// one's query. Without one (the report), duplicates are dropped by id.
    pub fn set_competencies_until(&mut self, until: Option<String>) {
        self.tags_until = until;
    }

    /// Reads a page of the `answered` statements tagged with the competency numbered `tag`
    /// in [`Update::competencies`] (`activity=<its IRI>&related_activities=true&verb=answered`,
    /// stored after [`Update::competencies_since`]); returns its `more` link.
    pub fn add_competency_page(
        &mut self,
        text: &str,
        tag: usize,
    ) -> Result<Option<String>, StatsError> {
        let from = self.tags.facts.len();
        let before = self.tags.read;
        let more = self.tags.add_page(text)?;
        self.tags_read += (self.tags.read - before) as u64;
        if let Some(n) = newest_stored(text) {
            if self.tags_newest.as_ref().is_none_or(|m| n.0 > m.0) {
                self.tags_newest = Some(n);
            }
        }
        if self.tags_until.is_some() && tag > 0 {
            let earlier: Vec<Sym> = self.tag_ids[..tag.min(self.tag_ids.len())]
                .iter()
                .filter_map(|t| self.tags.find(t))
                .collect();
            for i in from..self.tags.facts.len() {
                if self.tags.facts[i]
                    .competencies
                    .iter()
                    .any(|c| earlier.contains(c))
                {
                    self.skipped.insert(i);
                }
            }
        }
        Ok(more)
    }

    /// Statements read so far by [`Update::add_competency_page`].
    pub fn competencies_read(&self) -> u64 {
        self.tags_read
    }

    /// Reads a page of a learner's answers read again for [`Need::Learner`]; returns its
    /// `more` link.
    pub fn add_learner(&mut self, text: &str) -> Result<Option<String>, StatsError> {
        self.tags.add_page(text)
    }

    /// The newest `stored` time read so far.
    pub fn newest(&self) -> Option<&str> {
        self.newest.as_ref().map(|n| n.1.as_str())
    }

    /// What the update still needs from the LRS (each asked once; call again after
    /// answering, as a fetched voided statement can make its attempt needed).
    pub fn needs(&mut self) -> Vec<Need> {
        let mut needs = self.competency_needs();
        let Some((_, until)) = self.since.clone() else {
            // Nothing was summarised before: every attempt is new.
            needs.retain(|n| self.asked.insert(n.clone()));
            return needs;
        };
        needs.extend(voided_needs(&self.collector.voided_early));
        let mut fresh: HashSet<u32> = HashSet::new();
        let module = self.collector.find(self.collector.activity_id());
        for (i, f) in self.collector.facts.iter().enumerate() {
            if f.in_module
                && !self.baseline.contains(&i)
                && f.verb == Verb::Initialized
                && Some(f.object) == module
            {
                fresh.insert(f.attempt);
            }
        }
        let mut attempts: Vec<(String, Option<String>, Option<String>)> = Vec::new();
        let mut seen = HashSet::new();
        for f in self.collector.facts.iter().filter(|f| f.in_module) {
            if fresh.contains(&f.attempt) || !seen.insert(f.attempt) {
                continue;
            }
            let key = self.collector.text(f.attempt).to_string();
            if f.attempt == f.learner {
                let agent = agent_json(&key);
                attempts.push((key, None, agent));
            } else {
                attempts.push((key.clone(), Some(key), None));
            }
        }
        attempts.sort();
        for (_, registration, agent) in attempts {
            needs.push(Need::Attempt {
                registration,
                agent,
                until: until.clone(),
            });
        }
        needs.retain(|n| self.asked.insert(n.clone()));
        needs
    }

    /// The competencies' needs: voided targets not among the statements read, and the
    /// sampled learners to read again (an answer not newer than their newest kept of its
    /// competency, or a voided answer summarised before).
    fn competency_needs(&mut self) -> Vec<Need> {
        let mut needs = Vec::new();
        if self.tags_since.is_none() {
            // Nothing was summarised before: every learner's answers are new.
            return needs;
        }
        needs.extend(voided_needs(&self.tags.voided_early));
        let sample = &self.sample;
        for (i, f) in self.tags.facts.iter().enumerate() {
            if self.skipped.contains(&i)
                || f.verb != Verb::Answered
                || f.competencies.is_empty()
                || self.rebuild.contains(&f.learner)
            {
                continue;
            }
            let h = hash(self.tags.text(f.learner));
            let Some(kept) = sample.learners.get(&competency::key(h)) else {
                continue;
            };
            let late = f.competencies.iter().any(|c| {
                let tag = self.tags.text(*c);
                sample
                    .tags
                    .iter()
                    .position(|t| t == tag)
                    .is_some_and(|t| kept.newest(t as u32) >= f.at_ms)
            });
            if late {
                self.rebuild.insert(f.learner);
            }
        }
        let mut learners: Vec<String> = self
            .rebuild
            .iter()
            .map(|l| self.tags.text(*l).to_string())
            .collect();
        learners.sort();
        let tags = if self.tag_ids.is_empty() {
            sample.tags.clone()
        } else {
            self.tag_ids.clone()
        };
        for key in learners {
            let Some(agent) = agent_json(&key) else {
                continue;
            };
            for tag in &tags {
                needs.push(Need::Learner {
                    agent: agent.clone(),
                    tag: tag.clone(),
                    until: self.tags_until.clone(),
                });
            }
        }
        needs
    }

    /// Reads a page of an attempt read again for [`Need::Attempt`]; returns its `more`.
    pub fn add_reread(&mut self, text: &str) -> Result<Option<String>, StatsError> {
        let since_ms = self.since.as_ref().map_or(i64::MIN, |s| s.0);
        let mut page: serde_json::Value =
            serde_json::from_str(text).map_err(|e| StatsError::NotAStatementResult {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        // Only what was stored up to `as_of` was summarised: an LRS that ignored `until`
        // would otherwise have new statements counted as old.
        if let Some(list) = page
            .get_mut("statements")
            .and_then(serde_json::Value::as_array_mut)
        {
            list.retain(|s| {
                s.get("stored")
                    .and_then(serde_json::Value::as_str)
                    .and_then(parse_timestamp)
                    .is_none_or(|t| t <= since_ms)
            });
        }
        // A voiding statement read again was summarised: its target was taken out then
        // (an LRS returns it with its target's attempt, xAPI's StatementRef rule), so the
        // target is in neither the old contribution nor the new.
        if let Some(list) = page.get("statements").and_then(serde_json::Value::as_array) {
            for s in list {
                if s.pointer("/object/objectType")
                    .and_then(serde_json::Value::as_str)
                    == Some("StatementRef")
                {
                    if let Some(id) = s.pointer("/object/id").and_then(serde_json::Value::as_str) {
                        self.old_voided.insert(id.to_string());
                    }
                }
            }
        }
        let from = self.collector.facts.len();
        let more = self.collector.add_page(&page.to_string())?;
        self.baseline.extend(from..self.collector.facts.len());
        Ok(more)
    }

    /// Reads the answer to [`Need::Voided`]: the voided statement (a single Statement), or
    /// `None` when the LRS has none by that id.
    pub fn add_voided(&mut self, text: Option<&str>) -> Result<(), StatsError> {
        let Some(text) = text else {
            return Ok(());
        };
        let statement: serde_json::Value =
            serde_json::from_str(text).map_err(|e| StatsError::NotAStatementResult {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        // A sampled learner's answer voided after it was summarised: their entry is
        // rebuilt from their answers read again.
        let id = statement.get("id").and_then(serde_json::Value::as_str);
        if id.is_some_and(|id| self.tags.voided_early.contains(id)) {
            let key = crate::collect::learner_key(statement.get("actor"));
            let h = hash(&key);
            if self.sample.samples(h) && self.sample.learners.contains_key(&competency::key(h)) {
                let sym = self.tags.sym(&key);
                self.rebuild.insert(sym);
            }
        }
        let stored = statement
            .get("stored")
            .and_then(serde_json::Value::as_str)
            .and_then(parse_timestamp);
        let summarised = match (&self.since, stored) {
            (Some((since, _)), Some(stored)) => stored <= *since,
            _ => false,
        };
        // Only a target the module's own statements voided concerns the module's figures
        // (one the competencies' statements voided is theirs alone, above).
        let voided_here = id.is_some_and(|id| self.collector.voided_early.contains(id));
        if summarised && voided_here && !id.is_some_and(|id| self.old_voided.contains(id)) {
            let from = self.collector.facts.len();
            let page = serde_json::json!({ "statements": [statement] }).to_string();
            self.collector.add_page(&page)?;
            self.baseline.extend(from..self.collector.facts.len());
        }
        Ok(())
    }

    /// Folds what was read into `summary`: each attempt touched, its old contribution
    /// out and its new one in; `as_of` moves to the newest statement read.
    pub fn finish(self, summary: &mut Summary) {
        let c = &self.collector;
        let mut units: HashMap<u32, (Vec<&Fact>, Vec<&Fact>)> = HashMap::new();
        for (i, f) in c.facts.iter().enumerate().filter(|(_, f)| f.in_module) {
            let unit = units.entry(f.attempt).or_default();
            if self.baseline.contains(&i) {
                unit.0.push(f);
            }
            if !f.voided {
                unit.1.push(f);
            }
        }
        let mut keys: Vec<u32> = units.keys().copied().collect();
        keys.sort_unstable();
        let question_prefix = format!("{}question/", c.prefix());
        for key in keys {
            let (old, new) = &units[&key];
            if !old.is_empty() {
                let r = c.report_over(old, &self.outline, "en");
                summary.apply(&r, -1);
            }
            let r = c.report_over(new, &self.outline, "en");
            summary.apply(&r, 1);
            for f in new {
                summary.learners.add(c.text(f.learner));
            }
            // The attempt's last answer per question, for the sample.
            let mut ordered: Vec<&Fact> = new.clone();
            // By time; equal times in the order read, as the report orders them.
            let order_key = |f: &&Fact| (f.at_ms, *f as *const Fact as usize);
            sort_by(&mut ordered, |x, y| order_key(x) < order_key(y));
            let mut last: Vec<(&str, &Fact)> = Vec::new();
            for f in ordered {
                let id = c.text(f.object);
                if f.verb != Verb::Answered || !id.starts_with(&question_prefix) {
                    continue;
                }
                match last.iter_mut().find(|(q, _)| *q == id) {
                    Some(slot) => slot.1 = f,
                    None => last.push((id, f)),
                }
            }
            let mut answers = Vec::new();
            for (id, f) in last {
                let kind = r
                    .questions
                    .iter()
                    .find(|q| q.id == id)
                    .map(|q| q.kind.clone())
                    .unwrap_or_default();
                let by_option = matches!(kind.as_str(), "choice" | "true-false");
                let index = summary.question_index(id, &kind) as u32;
                answers.push(Answer(
                    index,
                    item_score(f),
                    match f.success {
                        Some(true) => 1,
                        Some(false) => 0,
                        None => -1,
                    },
                    if by_option {
                        f.response.as_deref().unwrap_or("").to_string()
                    } else {
                        String::new()
                    },
                ));
            }
            summary.sample.put(hash(c.text(key)), answers);
        }
        // The competencies: each sampled learner touched, their new answers folded in (or
        // their entry rebuilt from all their answers, read again).
        let t = &self.tags;
        let mut by_learner: HashMap<Sym, Vec<&Fact>> = HashMap::new();
        // A learner rebuilt may have no answer left (their only one was voided).
        for l in &self.rebuild {
            by_learner.entry(*l).or_default();
        }
        for (i, f) in t.facts.iter().enumerate() {
            if !self.skipped.contains(&i) {
                by_learner.entry(f.learner).or_default().push(f);
            }
        }
        let mut learners: Vec<(&str, Sym)> = by_learner.keys().map(|l| (t.text(*l), *l)).collect();
        learners.sort_unstable();
        for (key, sym) in learners {
            let h = hash(key);
            let part = &mut summary.competencies;
            if !part.samples(h) {
                continue;
            }
            let mut entry = if self.rebuild.contains(&sym) {
                Learner::default()
            } else {
                part.learners
                    .get(&competency::key(h))
                    .cloned()
                    .unwrap_or_default()
            };
            part.fold(t, &mut entry, &by_learner[&sym]);
            part.put(h, entry);
        }
        let part = &mut summary.competencies;
        part.read += self.tags_read;
        let end = match (&self.tags_until, self.tags_newest) {
            (Some(u), _) => parse_timestamp(u).map(|ms| (ms, u.clone())),
            (None, newest) => newest,
        };
        if let Some((ms, text)) = end {
            if part
                .as_of
                .as_deref()
                .and_then(parse_timestamp)
                .is_none_or(|old| ms > old)
            {
                part.as_of = Some(text);
            }
        }
        summary.read += self.read;
        if let Some((ms, text)) = self.newest {
            if summary.as_of_ms().is_none_or(|old| ms > old) {
                summary.as_of = Some(text);
            }
        }
    }
}
