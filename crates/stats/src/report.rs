//! The report: every figure the report view shows, computed from collected facts.

use crate::collect::{pick, Collector, Definition, Fact, Sym, Verb};
use crate::numbers::{correlation, median, share, sort_by};
use std::collections::{HashMap, HashSet};

/// A page, question or competency as the report lists it: its IRI and its title.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The activity IRI.
    pub id: String,
    /// Its title in the report's language.
    pub title: String,
}

/// What the report knows of the module besides its statements: the order and titles of
/// its pages and questions, its competencies, its mastery score.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// The module's activity id (the launcher's `activity_id`, else the module id).
    pub activity_id: String,
    /// The module's own IRI, under which its page and question IRIs are.
    pub module_iri: String,
    /// The pages in reading order.
    pub pages: Vec<Entry>,
    /// The questions in reading order.
    pub questions: Vec<Entry>,
    /// The questions' interaction definitions (type, choices, correct responses), as the
    /// player reports them: what the report uses when statements come without
    /// definitions (`format=ids`, which makes the LRS's answers less than half as large).
    pub definitions: Vec<(String, Definition)>,
    /// The competencies the module declares.
    pub competencies: Vec<Entry>,
    /// The share of points that counts as mastery (the module's mastery score).
    pub mastery: f64,
}

impl Outline {
    /// The outline of `module` with titles in `lang`; `activity_id` is the launcher's, if
    /// it gave one.
    pub fn of(module: &pelita_lesson::Module, activity_id: Option<&str>, lang: &str) -> Outline {
        let fallback = module.default_language();
        let mut pages = Vec::new();
        for lesson in &module.lessons {
            for page in &lesson.pages {
                pages.push(Entry {
                    id: module.page_iri(lesson, page),
                    title: page.title.text(lang, fallback).to_string(),
                });
            }
        }
        Outline {
            activity_id: activity_id.unwrap_or(&module.id).to_string(),
            module_iri: module.id.clone(),
            pages,
            questions: module
                .questions()
                .map(|(_, _, q)| Entry {
                    id: module.question_iri(q),
                    title: q.prompt.text(lang, fallback).to_string(),
                })
                .collect(),
            definitions: module
                .questions()
                .map(|(_, _, q)| {
                    let choices = match &q.kind {
                        pelita_lesson::QuestionKind::Choice { choices, .. } => choices
                            .iter()
                            .map(|c| {
                                let names = c.text.iter().map(|(k, v)| (k.clone(), v.clone()));
                                (c.id.clone(), names.collect())
                            })
                            .collect(),
                        _ => vec![],
                    };
                    let definition = Definition {
                        kind: pelita_xapi::interaction_type(q).to_string(),
                        choices,
                        correct: pelita_xapi::correct_responses_pattern(q).unwrap_or_default(),
                    };
                    (module.question_iri(q), definition)
                })
                .collect(),
            competencies: module
                .competencies
                .iter()
                .map(|c| Entry {
                    id: c.id.clone(),
                    title: c.label.text(lang, fallback).to_string(),
                })
                .collect(),
            mastery: module.mastery_score,
        }
    }
}

/// One UTC day of the module's use.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    /// The start of the day (UTC), in milliseconds since the epoch.
    pub day_ms: i64,
    /// Attempts that began that day.
    pub attempts: usize,
    /// Of those, the ones completed.
    pub completions: usize,
    /// Of those, the ones judged (passed or failed).
    pub judged: usize,
    /// Of those, the ones passed.
    pub passed: usize,
    /// The median time to complete of the completed ones, in milliseconds.
    pub median_ms: Option<f64>,
}

/// A bin of the score histogram: scores from `from` (included) to `to` (excluded, but
/// 100% falls in the last bin), in percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// The lowest score of the bin, in percent.
    pub from: u32,
    /// The end of the bin, in percent.
    pub to: u32,
    /// How many attempts scored in it.
    pub count: usize,
}

/// Why an answer option deserves the author's look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// A wrong option that nobody chose: it distracts no one.
    NobodyPicks,
    /// A wrong option that most of the strongest learners chose: perhaps it is right, or
    /// the question is misleading.
    StrongPick,
}

/// How often one option (or, for questions without options, one whole response) was
/// given.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionCount {
    /// The option's id (or the response as sent).
    pub id: String,
    /// Its label; `None` where the id says it all (`true`/`false`, a response).
    pub label: Option<String>,
    /// Attempts whose last answer included it.
    pub count: usize,
    /// Whether it is (part of) the correct answer.
    pub correct: bool,
    /// A reason to look at it again.
    pub flag: Option<Flag>,
}

/// The item analysis of one question.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionStats {
    /// The question's IRI.
    pub id: String,
    /// Its prompt.
    pub title: String,
    /// Its interaction type.
    pub kind: String,
    /// Attempts that answered it (their last answer counts).
    pub answered: usize,
    /// Of those, the ones answered correctly.
    pub correct: usize,
    /// The share correct (the item's "difficulty", higher is easier).
    pub difficulty: Option<f64>,
    /// The correlation of the item's score with the rest of the attempt's score.
    pub discrimination: Option<f64>,
    /// Share correct in the upper 27% of attempts minus that in the lower 27%.
    pub upper_lower: Option<f64>,
    /// The options (or responses) and how often each was given.
    pub options: Vec<OptionCount>,
    /// The median time from the attempt's previous statement to the answer, in ms.
    pub median_ms: Option<f64>,
}

/// One step of the page funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct PageStats {
    /// The page's IRI.
    pub id: String,
    /// Its title.
    pub title: String,
    /// How often it was viewed (every `experienced`).
    pub views: usize,
    /// Attempts that reached it.
    pub reached: usize,
    /// The share of the previous page's attempts that did not reach this one (never
    /// below 0: a branch can lead more attempts to a page than the page before it).
    pub drop_off: Option<f64>,
}

/// A question that learners of a competency found hard.
#[derive(Debug, Clone, PartialEq)]
pub struct Weak {
    /// The question's IRI.
    pub id: String,
    /// Its prompt.
    pub title: String,
    /// Learners whose latest answer is counted.
    pub answered: usize,
    /// The share of them whose latest answer was correct.
    pub share_correct: f64,
}

/// Keeps the three questions with the lowest share correct, hardest first (ties by id),
/// as both the full read and the summary's sample list them.
pub(crate) fn keep_weakest(weakest: &mut Vec<Weak>) {
    sort_by(weakest, |x, y| {
        x.share_correct
            .total_cmp(&y.share_correct)
            .then(x.id.cmp(&y.id))
            .is_lt()
    });
    weakest.truncate(3);
}

/// One competency across every module that tags it.
#[derive(Debug, Clone, PartialEq)]
pub struct CompetencyStats {
    /// The competency's IRI.
    pub id: String,
    /// Its label.
    pub title: String,
    /// Learners with a scored answer to a question tagged with it.
    pub learners: usize,
    /// Learners who earned at least the mastery share of those questions' points.
    pub mastered: usize,
    /// The hardest questions tagged with it (lowest share correct first), at most three.
    pub weakest: Vec<Weak>,
}

/// Every figure of the report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// Statements read (duplicates included).
    pub read: usize,
    /// Statements about the module that count (not voided, not duplicates).
    pub used: usize,
    /// Attempts (registrations).
    pub attempts: usize,
    /// Learners.
    pub learners: usize,
    /// Attempts completed.
    pub completions: usize,
    /// Attempts passed or failed.
    pub judged: usize,
    /// Attempts passed.
    pub passed: usize,
    /// Passed of judged.
    pub pass_rate: Option<f64>,
    /// The median time to complete, in milliseconds.
    pub median_completion_ms: Option<f64>,
    /// The module's use per UTC day, oldest first.
    pub days: Vec<Day>,
    /// The score histogram: ten bins of ten percentage points.
    pub scores: Vec<Bin>,
    /// Per question, in the module's order.
    pub questions: Vec<QuestionStats>,
    /// Per page, in the module's order.
    pub pages: Vec<PageStats>,
    /// Per competency.
    pub competencies: Vec<CompetencyStats>,
}

/// The share of attempts in each of the upper and lower groups.
pub const GROUP_SHARE: f64 = 0.27;
/// The fewest ranked attempts for the upper and lower groups: with four, each group has
/// one attempt and the two never overlap.
pub const MIN_FOR_GROUPS: usize = 4;
/// The fewest answers to a question before its options are flagged: with fewer, an
/// option nobody chose says little.
pub const MIN_FOR_FLAGS: usize = 5;
const DAY_MS: i64 = 86_400_000;

/// One attempt's facts about the module, in time order.
struct Attempt<'a> {
    facts: Vec<&'a Fact>,
}

/// An item's score in 0..=1 within its statement: raw/max when scored, else success.
pub(crate) fn item_score(f: &Fact) -> Option<f64> {
    match (f.raw, f.max) {
        (Some(raw), Some(max)) if max > 0.0 => Some(raw),
        _ => f.success.map(|s| if s { 1.0 } else { 0.0 }),
    }
}

/// An attempt's score in 0..=1 from its passed or failed statement.
fn scaled(f: &Fact) -> Option<f64> {
    f.scaled.or(match (f.raw, f.max) {
        (Some(raw), Some(max)) if max > 0.0 => Some(raw / max),
        _ => None,
    })
}

impl Collector {
    /// The report on what was collected, with titles from `outline` or, for what it does
    /// not list, from the statements' own names in `lang`.
    pub fn report(&self, outline: &Outline, lang: &str) -> Report {
        let facts: Vec<&Fact> = self.facts().map(|(_, f)| f).collect();
        self.report_over(&facts, outline, lang)
    }

    /// [`Collector::report`] on some of the facts only (the summary folds one attempt at a
    /// time through it, so that its figures and the full read's are one interpretation).
    pub(crate) fn report_over(&self, facts: &[&Fact], outline: &Outline, lang: &str) -> Report {
        let title = |sym: Option<Sym>, id: &str, listed: &[Entry]| -> String {
            listed
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.title.clone())
                .or_else(|| {
                    sym.and_then(|s| self.names.get(&s))
                        .and_then(|n| pick(n, lang))
                        .map(str::to_string)
                })
                .unwrap_or_else(|| id.to_string())
        };
        let module = self.find(self.activity_id());
        let question_prefix = format!("{}question/", self.prefix());
        let page_prefix = format!("{}lesson/", self.prefix());

        // Attempts, their facts in time order.
        let mut attempts: HashMap<Sym, Attempt> = HashMap::new();
        let mut learners = HashSet::new();
        let mut used = 0;
        for f in facts.iter().copied().filter(|f| f.in_module) {
            used += 1;
            learners.insert(f.learner);
            attempts
                .entry(f.attempt)
                .or_insert_with(|| Attempt { facts: vec![] })
                .facts
                .push(f);
        }
        let mut order: Vec<Sym> = attempts.keys().copied().collect();
        sort_by(&mut order, |a, b| a < b);
        for a in attempts.values_mut() {
            // By time; equal times keep the order the LRS gave (the facts' order in memory).
            let key = |f: &&Fact| (f.at_ms, *f as *const Fact as usize);
            sort_by(&mut a.facts, |x, y| key(x) < key(y));
        }

        // Attempts, completions, judgements, by day.
        let mut report = Report {
            read: self.read,
            used,
            attempts: attempts.len(),
            learners: learners.len(),
            scores: (0..10)
                .map(|i| Bin {
                    from: i * 10,
                    to: i * 10 + 10,
                    count: 0,
                })
                .collect(),
            ..Report::default()
        };
        let mut days: HashMap<i64, (Day, Vec<f64>)> = HashMap::new();
        let mut completion_times = Vec::new();
        for a in attempts.values() {
            let start = a.facts.first().map_or(0, |f| f.at_ms);
            let day_ms = start.div_euclid(DAY_MS) * DAY_MS;
            let (day, times) = days.entry(day_ms).or_insert_with(|| {
                (
                    Day {
                        day_ms,
                        attempts: 0,
                        completions: 0,
                        judged: 0,
                        passed: 0,
                        median_ms: None,
                    },
                    vec![],
                )
            });
            day.attempts += 1;
            let on_module = |f: &&&Fact| Some(f.object) == module;
            if let Some(c) = a
                .facts
                .iter()
                .filter(on_module)
                .rfind(|f| f.verb == Verb::Completed)
            {
                report.completions += 1;
                day.completions += 1;
                if let Some(ms) = c.duration_ms {
                    completion_times.push(ms);
                    times.push(ms);
                }
            }
            let judgement = a
                .facts
                .iter()
                .filter(on_module)
                .rfind(|f| matches!(f.verb, Verb::Passed | Verb::Failed));
            if let Some(j) = judgement {
                report.judged += 1;
                day.judged += 1;
                if j.verb == Verb::Passed {
                    report.passed += 1;
                    day.passed += 1;
                }
                if let Some(s) = scaled(j) {
                    let bin = ((s * 10.0).floor().max(0.0) as usize).min(9);
                    report.scores[bin].count += 1;
                }
            }
        }
        report.pass_rate = share(report.passed, report.judged);
        report.median_completion_ms = median(&completion_times);
        let mut days: Vec<Day> = days
            .into_values()
            .map(|(mut d, times)| {
                d.median_ms = median(&times);
                d
            })
            .collect();
        sort_by(&mut days, |a, b| a.day_ms < b.day_ms);
        report.days = days;

        // Each attempt's last answer per question, and the time it took.
        let mut questions: Vec<String> = outline.questions.iter().map(|e| e.id.clone()).collect();
        let mut seen: HashSet<&str> = questions.iter().map(String::as_str).collect();
        let mut extra = Vec::new();
        // answers[attempt][question] = (fact, time since the attempt's previous statement)
        let mut answers: HashMap<Sym, HashMap<Sym, (&Fact, Option<f64>)>> = HashMap::new();
        for key in &order {
            let a = &attempts[key];
            for (i, f) in a.facts.iter().enumerate() {
                if f.verb != Verb::Answered || !self.text(f.object).starts_with(&question_prefix) {
                    continue;
                }
                let id = self.text(f.object);
                if seen.insert(id) {
                    extra.push(id.to_string());
                }
                let time = i
                    .checked_sub(1)
                    .and_then(|p| a.facts.get(p))
                    .map(|p| (f.at_ms - p.at_ms) as f64);
                answers.entry(*key).or_default().insert(f.object, (f, time));
            }
        }
        sort_by(&mut extra, |a, b| a < b);
        questions.extend(extra);

        // Attempts ranked by total score, for the upper and lower groups.
        let totals: HashMap<Sym, f64> = answers
            .iter()
            .map(|(a, qs)| (*a, qs.values().filter_map(|(f, _)| item_score(f)).sum()))
            .collect();
        let mut ranked: Vec<(Sym, f64)> = totals.iter().map(|(a, t)| (*a, *t)).collect();
        sort_by(&mut ranked, |x, y| {
            y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)).is_lt()
        });
        let (upper, lower): (HashSet<Sym>, HashSet<Sym>) = if ranked.len() >= MIN_FOR_GROUPS {
            let size = ((ranked.len() as f64 * GROUP_SHARE).round() as usize).max(1);
            (
                ranked.iter().take(size).map(|r| r.0).collect(),
                ranked.iter().rev().take(size).map(|r| r.0).collect(),
            )
        } else {
            (HashSet::new(), HashSet::new())
        };

        for id in &questions {
            let sym = self.find(id);
            let given: Vec<(Sym, &Fact, Option<f64>)> = match sym {
                Some(s) => order
                    .iter()
                    .filter_map(|a| {
                        answers
                            .get(a)
                            .and_then(|qs| qs.get(&s))
                            .map(|(f, t)| (*a, *f, *t))
                    })
                    .collect(),
                None => vec![],
            };
            let answered = given.len();
            let correct = given.iter().filter(|g| g.1.success == Some(true)).count();
            let pairs: Vec<(f64, f64)> = given
                .iter()
                .filter_map(|(a, f, _)| {
                    let x = item_score(f)?;
                    Some((x, totals.get(a).copied().unwrap_or(0.0) - x))
                })
                .collect();
            let group_share = |group: &HashSet<Sym>| {
                let in_group: Vec<_> = given.iter().filter(|g| group.contains(&g.0)).collect();
                share(
                    in_group
                        .iter()
                        .filter(|g| g.1.success == Some(true))
                        .count(),
                    in_group.len(),
                )
            };
            let upper_lower = match (group_share(&upper), group_share(&lower)) {
                (Some(u), Some(l)) => Some(u - l),
                _ => None,
            };
            // The statements' own definition (what learners were shown), else the module's.
            let definition = sym.and_then(|s| self.definitions.get(&s)).or_else(|| {
                outline
                    .definitions
                    .iter()
                    .find(|(q, _)| q == id)
                    .map(|(_, d)| d)
            });
            let kind = definition.map(|d| d.kind.clone()).unwrap_or_default();
            let correct_ids = correct_ids(definition);
            let mut options: Vec<OptionCount> = Vec::new();
            let by_option = matches!(kind.as_str(), "choice" | "true-false");
            if by_option {
                for (id, label) in listed_options(&kind, definition, lang) {
                    let correct = correct_ids.contains(&id.as_str());
                    options.push(OptionCount {
                        id,
                        label,
                        count: 0,
                        correct,
                        flag: None,
                    });
                }
            }
            let correct_patterns: Vec<&str> = definition
                .map(|d| d.correct.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let mut upper_picks: HashMap<String, usize> = HashMap::new();
            let mut upper_answered = 0;
            for (a, f, _) in &given {
                let response = f.response.as_deref().unwrap_or("");
                let parts: Vec<&str> = if by_option {
                    response.split("[,]").filter(|p| !p.is_empty()).collect()
                } else {
                    vec![response]
                };
                if upper.contains(a) {
                    upper_answered += 1;
                }
                for part in parts {
                    if upper.contains(a) {
                        *upper_picks.entry(part.to_string()).or_default() += 1;
                    }
                    match options.iter_mut().find(|o| o.id == part) {
                        Some(o) => o.count += 1,
                        None => options.push(OptionCount {
                            id: part.to_string(),
                            label: None,
                            count: 1,
                            correct: if by_option {
                                correct_ids.contains(&part)
                            } else {
                                correct_patterns.contains(&part)
                            },
                            flag: None,
                        }),
                    }
                }
            }
            if !by_option {
                // Whole responses: the most frequent first.
                sort_by(&mut options, |x, y| {
                    y.count.cmp(&x.count).then(x.id.cmp(&y.id)).is_lt()
                });
            }
            if by_option && answered >= MIN_FOR_FLAGS {
                for o in options.iter_mut().filter(|o| !o.correct) {
                    let strong = upper_picks.get(&o.id).copied().unwrap_or(0);
                    o.flag = if o.count == 0 {
                        Some(Flag::NobodyPicks)
                    } else if upper_answered > 0 && strong * 2 > upper_answered {
                        Some(Flag::StrongPick)
                    } else {
                        None
                    };
                }
            }
            let times: Vec<f64> = given.iter().filter_map(|g| g.2).collect();
            report.questions.push(QuestionStats {
                id: id.clone(),
                title: title(sym, id, &outline.questions),
                kind,
                answered,
                correct,
                difficulty: share(correct, answered),
                discrimination: correlation(&pairs),
                upper_lower,
                options,
                median_ms: median(&times),
            });
        }

        // The page funnel.
        let mut pages: Vec<String> = outline.pages.iter().map(|e| e.id.clone()).collect();
        let mut page_set: HashSet<String> = pages.iter().cloned().collect();
        let mut views: HashMap<Sym, (usize, HashSet<Sym>)> = HashMap::new();
        let mut extra = Vec::new();
        for f in facts
            .iter()
            .copied()
            .filter(|f| f.in_module && f.verb == Verb::Experienced)
        {
            let id = self.text(f.object);
            if !id.starts_with(&page_prefix) {
                continue;
            }
            if page_set.insert(id.to_string()) {
                extra.push(id.to_string());
            }
            let entry = views.entry(f.object).or_default();
            entry.0 += 1;
            entry.1.insert(f.attempt);
        }
        sort_by(&mut extra, |a, b| a < b);
        pages.extend(extra);
        let mut previous: Option<usize> = None;
        for id in &pages {
            let sym = self.find(id);
            let (count, reached) = sym
                .and_then(|s| views.get(&s))
                .map_or((0, 0), |(c, r)| (*c, r.len()));
            let drop_off = previous.and_then(|p| share(p.saturating_sub(reached), p));
            report.pages.push(PageStats {
                id: id.clone(),
                title: title(sym, id, &outline.pages),
                views: count,
                reached,
                drop_off,
            });
            previous = Some(reached);
        }

        // Competencies, across every module whose statements were read.
        let mut tags: Vec<String> = outline.competencies.iter().map(|e| e.id.clone()).collect();
        if tags.is_empty() {
            let mut found: Vec<String> = facts
                .iter()
                .flat_map(|f| f.competencies.iter())
                .map(|c| self.text(*c).to_string())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            sort_by(&mut found, |a, b| a < b);
            tags = found;
        }
        for tag in &tags {
            let sym = self.find(tag);
            // The latest answer of each learner to each question tagged with it.
            let mut latest: HashMap<(Sym, Sym), &Fact> = HashMap::new();
            if let Some(c) = sym {
                for f in facts.iter().copied() {
                    if f.verb != Verb::Answered || !f.competencies.contains(&c) {
                        continue;
                    }
                    let slot = latest.entry((f.learner, f.object)).or_insert(f);
                    if f.at_ms > slot.at_ms {
                        *slot = f;
                    }
                }
            }
            let mut points: HashMap<Sym, (f64, f64)> = HashMap::new();
            let mut per_question: HashMap<Sym, (usize, usize)> = HashMap::new();
            for ((learner, question), f) in &latest {
                if let (Some(raw), Some(max)) = (f.raw, f.max) {
                    if max > 0.0 {
                        let p = points.entry(*learner).or_default();
                        p.0 += raw;
                        p.1 += max;
                    }
                }
                if f.success.is_some() {
                    let q = per_question.entry(*question).or_default();
                    q.0 += 1;
                    if f.success == Some(true) {
                        q.1 += 1;
                    }
                }
            }
            let mastered = points
                .values()
                .filter(|(raw, max)| raw / max >= outline.mastery - 1e-9)
                .count();
            let mut weakest: Vec<Weak> = per_question
                .iter()
                .map(|(q, (n, right))| {
                    let id = self.text(*q).to_string();
                    Weak {
                        title: title(Some(*q), &id, &outline.questions),
                        id,
                        answered: *n,
                        share_correct: *right as f64 / *n as f64,
                    }
                })
                .collect();
            keep_weakest(&mut weakest);
            report.competencies.push(CompetencyStats {
                id: tag.clone(),
                title: title(sym, tag, &outline.competencies),
                learners: points.len(),
                mastered,
                weakest,
            });
        }
        report
    }
}

/// The ids of the first correct response pattern (a choice question's right options).
pub(crate) fn correct_ids(definition: Option<&Definition>) -> Vec<&str> {
    definition
        .and_then(|d| d.correct.first())
        .map(|p| p.split("[,]").collect())
        .unwrap_or_default()
}

/// The options a true/false or choice question lists, in the definition's order, with
/// their labels in `lang` (true and false have none: the report names them itself).
pub(crate) fn listed_options(
    kind: &str,
    definition: Option<&Definition>,
    lang: &str,
) -> Vec<(String, Option<String>)> {
    if kind == "true-false" {
        return vec![("true".into(), None), ("false".into(), None)];
    }
    definition
        .map(|d| {
            d.choices
                .iter()
                .map(|(id, n)| (id.clone(), pick(n, lang).map(str::to_string)))
                .collect()
        })
        .unwrap_or_default()
}
