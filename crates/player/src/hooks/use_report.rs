//! Reading a module's statements from the LRS for the report, a page at a time.
//!
//! One query asks for the module's statements (`activity` = the module's activity id,
//! `related_activities=true`, so every statement with the module in its context comes
//! too); one more per competency the module declares asks for the `answered` statements
//! tagged with it in any module, which the competency figures read. The module's query is
//! split into time slices (see [`read`]); all run side by side, each asks for its next
//! page while reading one (`format=ids`: definitions come from the module), each page is
//! folded into one [`Collector`] and dropped, and `more` links are followed to the end.
//!
//! For the whole period, the report first asks for the module's summary (one request:
//! the activity profile document `pelita stats update` keeps in the LRS, or the file that
//! `summary=` in the address names, for an LRS without that API). With one, it reads only
//! the module's statements stored after the summary's time and folds them in with
//! `pelita_stats::Update`, the same code the command runs, so the figures are live; the
//! competencies come from the summary too (its sample of learners) plus the `answered`
//! statements tagged with them stored after its part of them. Without one, or for a
//! chosen period, it reads everything as before.

use crate::error::PlayerError;
use crate::glue::http;
use pelita_stats::{
    activity_url, encode, first_stored, guess_more, pick, resolve_more, split_period,
    statements_url, Collector, Need, Outline, Report, Summary, Update, PAGE_SIZE, PROFILE_ID,
    SLICES,
};
use pelita_xapi::Launch;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

const ANSWERED: &str = "http://adlnet.gov/expapi/verbs/answered";
/// How long one page may take before the report gives up (a large page on a slow link).
const PAGE_TIMEOUT_MS: u32 = 60_000;

/// The period asked for: `since` and `until` as the LRS takes them; and the page size.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Period {
    /// Statements stored from this moment.
    pub since: Option<String>,
    /// Statements stored before this moment.
    pub until: Option<String>,
    /// Statements per page (the `limit` parameter); by default [`PAGE_SIZE`].
    pub limit: Option<usize>,
}

/// Why the report could not be made.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportFailure {
    /// The LRS refused the credentials (401 or 403).
    Auth(u16),
    /// The LRS answered with another error status.
    Status {
        /// The URL asked for.
        url: String,
        /// The status.
        status: u16,
        /// Its text.
        reason: String,
    },
    /// The LRS could not be reached.
    Network {
        /// The URL asked for.
        url: String,
        /// The browser's reason.
        reason: String,
    },
    /// The LRS's answer is not a statement result.
    Answer {
        /// The URL asked for.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Where the report is.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportState {
    /// The launch names no LRS.
    NoLrs,
    /// Reading: statements read so far, and how many of the queries (which run side by
    /// side) are done.
    Reading {
        /// Statements read so far.
        statements: usize,
        /// The queries finished, plus one (the one being waited for), at most `queries`.
        query: usize,
        /// How many queries there are.
        queries: usize,
    },
    /// It could not be made.
    Failed(ReportFailure),
    /// The report, and the summary it started from, if any.
    Ready(Rc<Report>, Option<Basis>),
}

/// What a report made from a summary rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Basis {
    /// The summary's time (the `stored` time of the newest statement in it), in ms.
    pub as_of_ms: Option<f64>,
    /// Statements stored after it, read and added.
    pub newer: u64,
    /// Attempts in the sample the discrimination figures come from.
    pub sample: usize,
    /// Attempts in all.
    pub attempts: usize,
    /// Learners in the sample the competencies' figures come from.
    pub learners_sampled: usize,
    /// Whether that sample holds every learner (the competencies' figures are exact).
    pub competencies_exact: bool,
}

/// Reads the statements again whenever `period`, `lang` or `attempt` changes (a
/// newer read wins over one still running).
#[hook]
pub fn use_report(
    outline: Rc<Outline>,
    launch: Rc<Launch>,
    period: Period,
    lang: String,
    attempt: u32,
    summary_url: Option<String>,
) -> ReportState {
    let state = use_state(|| ReportState::Reading {
        statements: 0,
        query: 1,
        queries: 1,
    });
    let generation = use_mut_ref(|| 0u32);
    {
        let state = state.clone();
        use_effect_with((period, lang, attempt), move |(period, lang, _)| {
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            let current = move || *generation.borrow() == mine;
            match launch.endpoint.clone() {
                None => state.set(ReportState::NoLrs),
                Some(endpoint) => {
                    let (period, lang) = (period.clone(), lang.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        let progress = |statements, query, queries| {
                            if current() {
                                state.set(ReportState::Reading {
                                    statements,
                                    query,
                                    queries,
                                });
                            }
                        };
                        let auth = launch.auth.as_deref();
                        let whole = period.since.is_none() && period.until.is_none();
                        let summary = if whole {
                            load_summary(&endpoint, auth, &outline, summary_url.as_deref()).await
                        } else {
                            Ok(None)
                        };
                        let limit = period.limit.unwrap_or(PAGE_SIZE);
                        let result = match summary {
                            Err(failure) => Err(failure),
                            Ok(Some(summary)) => from_summary(
                                &endpoint, auth, &outline, summary, limit, &lang, &progress,
                            )
                            .await
                            .map(|(report, basis)| (report, Some(basis))),
                            Ok(None) => read(&endpoint, auth, &outline, &period, &progress)
                                .await
                                .map(|collector| (collector.report(&outline, &lang), None)),
                        };
                        let result = match result {
                            Ok((mut report, basis)) => {
                                name_other_questions(&endpoint, auth, &lang, &mut report).await;
                                Ok((report, basis))
                            }
                            Err(failure) => Err(failure),
                        };
                        if current() {
                            state.set(match result {
                                Ok((report, basis)) => ReportState::Ready(Rc::new(report), basis),
                                Err(failure) => ReportState::Failed(failure),
                            });
                        }
                    });
                }
            }
        });
    }
    (*state).clone()
}

/// The module's summary: from `summary_url` when the address gives one (its absence is an
/// error: it was asked for), else the LRS's activity profile document, whose absence (or
/// an LRS without that API, or a summary this build cannot read) means reading
/// everything, as without a summary.
async fn load_summary(
    endpoint: &str,
    auth: Option<&str>,
    outline: &Outline,
    summary_url: Option<&str>,
) -> Result<Option<Summary>, ReportFailure> {
    let activity = outline.activity_id.as_str();
    match summary_url {
        Some(url) => {
            let text = http::text_of(http::start_get(url))
                .await
                .map_err(failure)?
                .ok_or_else(|| ReportFailure::Status {
                    url: url.to_string(),
                    status: 404,
                    reason: "Not Found".into(),
                })?;
            Summary::from_json(&text, activity)
                .map(Some)
                .map_err(|e| ReportFailure::Answer {
                    url: url.to_string(),
                    reason: e.to_string(),
                })
        }
        None => {
            let url = format!(
                "{endpoint}activities/profile?activityId={}&profileId={}",
                encode(activity),
                encode(PROFILE_ID)
            );
            let document = http::get_state(&url, auth, PAGE_TIMEOUT_MS).await;
            Ok(document
                .ok()
                .and_then(|d| d.text)
                .and_then(|text| Summary::from_json(&text, activity).ok()))
        }
    }
}

/// The report from `summary` and the statements stored after it: the module's, and the
/// `answered` statements tagged with its competencies (of every module), with what the
/// fold needs (attempts and sampled learners summarised before, read again, and voided
/// statements).
async fn from_summary(
    endpoint: &str,
    auth: Option<&str>,
    outline: &Outline,
    mut summary: Summary,
    limit: usize,
    lang: &str,
    progress: &dyn Fn(usize, usize, usize),
) -> Result<(Report, Basis), ReportFailure> {
    let activity = outline.activity_id.as_str();
    let update = RefCell::new(Update::new(&summary, outline));
    let read = || update.borrow().read() as usize;
    let answer = |url: &str| {
        let url = url.to_string();
        move |e: pelita_stats::StatsError| ReportFailure::Answer {
            url,
            reason: e.to_string(),
        }
    };
    let newer = async {
        let mut url = format!(
            "{}&ascending=true",
            statements_url(
                endpoint,
                activity,
                None,
                summary.as_of.as_deref(),
                None,
                limit
            )
        );
        loop {
            progress(read(), 1, 1);
            let text = http::start_xapi_get(&url, auth, PAGE_TIMEOUT_MS)
                .text()
                .await
                .map_err(failure)?;
            let more = update.borrow_mut().add_page(&text).map_err(answer(&url))?;
            match more
                .map(|m| resolve_more(endpoint, &m))
                .filter(|m| *m != url)
            {
                Some(m) => url = m,
                None => break,
            }
        }
        // The competencies' statements since the summary's part of them, each query to
        // its end (a statement tagged with two is read twice and counted once, by id).
        let tags = update.borrow().competencies().to_vec();
        let since = update.borrow().competencies_since().map(str::to_string);
        for (j, tag) in tags.iter().enumerate() {
            let mut url = format!(
                "{}&ascending=true",
                statements_url(endpoint, tag, Some(ANSWERED), since.as_deref(), None, limit)
            );
            loop {
                progress(read(), 1, 1);
                let text = http::start_xapi_get(&url, auth, PAGE_TIMEOUT_MS)
                    .text()
                    .await
                    .map_err(failure)?;
                let more = update
                    .borrow_mut()
                    .add_competency_page(&text, j)
                    .map_err(answer(&url))?;
                match more
                    .map(|m| resolve_more(endpoint, &m))
                    .filter(|m| *m != url)
                {
                    Some(m) => url = m,
                    None => break,
                }
            }
        }
        loop {
            let needs = update.borrow_mut().needs();
            if needs.is_empty() {
                break;
            }
            for need in needs {
                let mut url = format!("{endpoint}statements?{}", need.query(activity));
                match need {
                    Need::Voided { .. } => {
                        match http::start_xapi_get(&url, auth, PAGE_TIMEOUT_MS)
                            .text()
                            .await
                        {
                            Ok(text) => update
                                .borrow_mut()
                                .add_voided(Some(&text))
                                .map_err(answer(&url))?,
                            Err(PlayerError::Status { status: 404, .. }) => {
                                update.borrow_mut().add_voided(None).map_err(answer(&url))?
                            }
                            Err(e) => return Err(failure(e)),
                        }
                    }
                    Need::Attempt { .. } | Need::Learner { .. } => loop {
                        let text = http::start_xapi_get(&url, auth, PAGE_TIMEOUT_MS)
                            .text()
                            .await
                            .map_err(failure)?;
                        let more = if matches!(need, Need::Learner { .. }) {
                            update.borrow_mut().add_learner(&text)
                        } else {
                            update.borrow_mut().add_reread(&text)
                        }
                        .map_err(answer(&url))?;
                        match more
                            .map(|m| resolve_more(endpoint, &m))
                            .filter(|m| *m != url)
                        {
                            Some(m) => url = m,
                            None => break,
                        }
                    },
                }
            }
        }
        Ok::<(), ReportFailure>(())
    };
    newer.await?;
    let update = update.into_inner();
    let newer = update.read();
    update.finish(&mut summary);
    let report = summary.report(outline, lang);
    let basis = Basis {
        as_of_ms: summary.as_of_ms().map(|ms| ms as f64),
        newer,
        sample: summary.sample.attempts.len(),
        attempts: report.attempts,
        learners_sampled: summary.competencies.learners.len(),
        competencies_exact: summary.competencies.threshold == u64::MAX,
    };
    Ok((report, basis))
}

fn failure(e: PlayerError) -> ReportFailure {
    match e {
        PlayerError::Status { status, .. } if matches!(status, 401 | 403) => {
            ReportFailure::Auth(status)
        }
        PlayerError::Status {
            url,
            status,
            status_text,
        } => ReportFailure::Status {
            url,
            status,
            reason: status_text,
        },
        PlayerError::Fetch { url, reason } => ReportFailure::Network { url, reason },
        PlayerError::Storage(reason) => ReportFailure::Network {
            url: String::new(),
            reason,
        },
    }
}

async fn read(
    endpoint: &str,
    auth: Option<&str>,
    outline: &Outline,
    period: &Period,
    progress: &dyn Fn(usize, usize, usize),
) -> Result<Collector, ReportFailure> {
    let mut collector = Collector::new(&outline.activity_id, &outline.module_iri);
    collector.know_competencies(outline.competencies.iter().map(|c| c.id.as_str()));
    let collector = RefCell::new(collector);
    let (since, until) = (period.since.as_deref(), period.until.as_deref());
    let limit = period.limit.unwrap_or(PAGE_SIZE);
    // The module's statements, the bulk of the work, are read in time slices side by
    // side: the first and the last statement stored (two one-statement pages) give the
    // span, split into periods that share no moment and leave none out (`since` is
    // exclusive, `until` inclusive), each followed to its last page. The LRS works on
    // several pages at once instead of one after another.
    let activity = outline.activity_id.as_str();
    let bound = |ascending: bool| {
        let mut url = statements_url(endpoint, activity, None, since, until, 1);
        if ascending {
            url.push_str("&ascending=true");
        }
        http::start_xapi_get(&url, auth, PAGE_TIMEOUT_MS).text()
    };
    let (oldest, newest) = futures::future::try_join(bound(true), bound(false))
        .await
        .map_err(failure)?;
    let slices = match (first_stored(&oldest), first_stored(&newest)) {
        (Some(oldest), Some(newest)) => split_period(since, until, oldest, newest, SLICES),
        _ => vec![(period.since.clone(), period.until.clone())],
    };
    // Each query counts as done when all its chains are.
    let mut chains = slices
        .iter()
        .map(|(s, u)| {
            (
                0,
                statements_url(endpoint, activity, None, s.as_deref(), u.as_deref(), limit),
            )
        })
        .collect::<Vec<_>>();
    chains.extend(outline.competencies.iter().enumerate().map(|(i, c)| {
        (
            i + 1,
            statements_url(endpoint, &c.id, Some(ANSWERED), since, until, limit),
        )
    }));
    let total = 1 + outline.competencies.len();
    let remaining: Vec<Cell<usize>> = (0..total)
        .map(|q| Cell::new(chains.iter().filter(|(c, _)| *c == q).count()))
        .collect();
    let done = Cell::new(0);
    // The chains run side by side (the LRS answers them in parallel); each page is
    // folded into the one collector between awaits, so no borrow spans a request.
    let chains = chains.into_iter().map(|(query, first)| {
        let finished = &remaining[query];
        let done = &done;
        let collector = &collector;
        async move {
            chain(endpoint, auth, first, collector, done, total, progress).await?;
            finished.set(finished.get() - 1);
            if finished.get() == 0 {
                done.set(done.get() + 1);
            }
            progress(collector.borrow().read, (done.get() + 1).min(total), total);
            Ok::<(), ReportFailure>(())
        }
    });
    futures::future::try_join_all(chains).await?;
    Ok(collector.into_inner())
}

/// Reads one query to its last page, asking for the next page before reading one.
async fn chain(
    endpoint: &str,
    auth: Option<&str>,
    first: String,
    collector: &RefCell<Collector>,
    done: &Cell<usize>,
    total: usize,
    progress: &dyn Fn(usize, usize, usize),
) -> Result<(), ReportFailure> {
    let report_progress = || progress(collector.borrow().read, (done.get() + 1).min(total), total);
    let mut pending = Some(http::start_xapi_get(&first, auth, PAGE_TIMEOUT_MS));
    while let Some(this) = pending.take() {
        report_progress();
        let url = this.url().to_string();
        let text = this.text().await.map_err(failure)?;
        // The next page is asked for before this one is read, so the LRS and the page
        // work side by side; the guess is checked against the parsed result.
        let guess = guess_more(&text).map(|m| resolve_more(endpoint, m));
        let mut next = guess
            .as_deref()
            .filter(|g| *g != url)
            .map(|g| http::start_xapi_get(g, auth, PAGE_TIMEOUT_MS));
        let more = collector
            .borrow_mut()
            .add_page(&text)
            .map_err(|e| ReportFailure::Answer {
                url: url.clone(),
                reason: e.to_string(),
            })?;
        drop(text);
        let more = more.map(|m| resolve_more(endpoint, &m));
        // A `more` link to the page just read would never end.
        let more = more.filter(|m| *m != url);
        if more != guess || more.is_none() {
            next = more.map(|m| http::start_xapi_get(&m, auth, PAGE_TIMEOUT_MS));
        }
        pending = next;
    }
    Ok(())
}

/// Questions of other modules among the weakest of a competency are named by their IRI
/// until the LRS says their names (`GET /activities`, one request per question); a
/// question the LRS does not know keeps its IRI.
async fn name_other_questions(endpoint: &str, auth: Option<&str>, lang: &str, report: &mut Report) {
    for competency in &mut report.competencies {
        for weak in competency.weakest.iter_mut().filter(|w| w.title == w.id) {
            let url = activity_url(endpoint, &weak.id);
            let Ok(text) = http::start_xapi_get(&url, auth, PAGE_TIMEOUT_MS)
                .text()
                .await
            else {
                continue;
            };
            let names = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|a| {
                    let map = a.get("definition")?.get("name")?.as_object()?.clone();
                    Some(
                        map.into_iter()
                            .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
                            .collect::<Vec<_>>(),
                    )
                });
            if let Some(name) = names.as_ref().and_then(|n| pick(n, lang)) {
                weak.title = name.to_string();
            }
        }
    }
}
