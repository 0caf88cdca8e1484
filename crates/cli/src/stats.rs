//! `pelita stats update`: keeps a module's report summary up to date next to its LRS.
//!
//! A run reads only the statements the LRS stored after the summary's time (`since` on
//! the stored time, `ascending`, `format=ids`, every `more` page), folds them with
//! `pelita_stats::Update` (the report's own reading of statements), asks the LRS for what
//! the fold needs (attempts summarised before and read again, voided statements) and
//! stores the summary back: as the module's activity profile document
//! (`pelita_stats::PROFILE_ID`) written with `If-Match` (or `If-None-Match: *` for the
//! first), so that two runs cannot overwrite each other; a run that loses that race
//! starts again from the document the other run stored. An LRS without the Activity
//! Profile API is named as such, and `--output FILE` keeps the summary in a file instead.
//!
//! Memory stays flat on a long first run: the statements are folded a chunk at a time
//! (`--chunk`, 100,000 by default), each chunk an update of its own on top of the
//! summary so far, so a run holds one chunk's facts, not the LRS's. Nothing is written
//! before every page was read: an LRS error leaves the stored summary as it was.

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use pelita_stats::{
    newest_stored, resolve_more, statements_url, Need, Outline, Summary, Update, ANSWERED,
    PROFILE_ID,
};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What `pelita stats update` was asked to do.
#[derive(Debug)]
pub struct Options {
    /// The LRS's xAPI endpoint (ending in `/` or not).
    pub endpoint: String,
    /// `key:secret` for Basic auth, or a whole `Authorization` value (`Basic ...`).
    pub auth: Option<String>,
    /// The module file.
    pub module: PathBuf,
    /// The launcher's activity id, when it is not the module's id.
    pub activity_id: Option<String>,
    /// Keep the summary in this file instead of the LRS.
    pub output: Option<PathBuf>,
    /// Start again from nothing (another format version, or a summary in doubt).
    pub rebuild: bool,
    /// Statements per page asked of the LRS.
    pub page_size: usize,
    /// Statements folded per chunk.
    pub chunk: u64,
}

/// How many times a run starts again after losing the race to store the document.
const ATTEMPTS: usize = 5;

/// The answer of an LRS: status, `ETag`, body.
struct Answer {
    status: u16,
    etag: Option<String>,
    body: String,
}

/// An LRS's xAPI endpoint with its credentials.
struct Lrs {
    agent: ureq::Agent,
    endpoint: String,
    auth: Option<String>,
}

impl Lrs {
    fn new(endpoint: &str, auth: Option<&str>) -> Lrs {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build();
        let auth = auth.map(|a| {
            if a.starts_with("Basic ") || a.starts_with("Bearer ") {
                a.to_string()
            } else {
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(a)
                )
            }
        });
        let mut endpoint = endpoint.to_string();
        if !endpoint.ends_with('/') {
            endpoint.push('/');
        }
        Lrs {
            agent: config.into(),
            endpoint,
            auth,
        }
    }

    fn answer(
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        what: &str,
    ) -> Result<Answer> {
        let mut response = response.map_err(|e| anyhow!("cannot reach the LRS ({what}): {e}"))?;
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response
            .body_mut()
            .with_config()
            .limit(512 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| anyhow!("the LRS's answer to {what} could not be read: {e}"))?;
        Ok(Answer { status, etag, body })
    }

    fn get(&self, url: &str) -> Result<Answer> {
        let mut request = self
            .agent
            .get(url)
            .header("X-Experience-API-Version", "1.0.3");
        if let Some(a) = &self.auth {
            request = request.header("Authorization", a);
        }
        Lrs::answer(request.call(), &format!("GET {url}"))
    }

    /// A GET that must succeed.
    fn get_ok(&self, url: &str) -> Result<String> {
        let answer = self.get(url)?;
        if !(200..300).contains(&answer.status) {
            bail!("{}", refused("GET", url, &answer));
        }
        Ok(answer.body)
    }

    fn put(&self, url: &str, body: &str, etag: Option<&str>) -> Result<Answer> {
        let mut request = self
            .agent
            .put(url)
            .header("X-Experience-API-Version", "1.0.3")
            .header("Content-Type", "application/json");
        request = match etag {
            Some(tag) => request.header("If-Match", tag),
            None => request.header("If-None-Match", "*"),
        };
        if let Some(a) = &self.auth {
            request = request.header("Authorization", a);
        }
        Lrs::answer(request.send(body), &format!("PUT {url}"))
    }

    fn profile_url(&self, activity: &str) -> String {
        format!(
            "{}activities/profile?activityId={}&profileId={}",
            self.endpoint,
            pelita_stats::encode(activity),
            pelita_stats::encode(PROFILE_ID)
        )
    }
}

/// The message for an LRS's refusal: method, URL, status and the start of its body.
fn refused(method: &str, url: &str, answer: &Answer) -> String {
    let body: String = answer.body.chars().take(300).collect();
    format!(
        "the LRS answered {} to {method} {url}: {}",
        answer.status,
        body.trim()
    )
}

/// Where the summary is kept, and the version of it that was read.
enum Store {
    /// The activity profile document, with the `ETag` it had (none: no document yet).
    Profile { etag: Option<String> },
    /// A file.
    File(PathBuf),
}

/// What a finished run did.
pub struct Done {
    /// Statements read from the LRS in this run (not counting attempts read again).
    pub read: u64,
    /// Statements of the competencies read (every module's answers tagged with one).
    pub competencies: u64,
    /// The summary stored.
    pub summary: Summary,
    /// Its size in bytes.
    pub bytes: usize,
    /// Where it went.
    pub place: String,
    /// How long the run took.
    pub elapsed: Duration,
}

/// Runs `pelita stats update`.
pub fn update(options: &Options) -> Result<Done> {
    let started = Instant::now();
    let checked = crate::check::check(&options.module).map_err(|problems| {
        anyhow!(
            "the module has problems (see `pelita check`):\n{}",
            problems.join("\n")
        )
    })?;
    let outline = Outline::of(&checked.module, options.activity_id.as_deref(), "en");
    let activity = outline.activity_id.clone();
    let lrs = Lrs::new(&options.endpoint, options.auth.as_deref());
    if options.output.is_none() {
        // A conformant LRS lists a module's profile documents (an empty list when it has
        // none); one without the Activity Profile API answers something else.
        let url = format!(
            "{}activities/profile?activityId={}",
            lrs.endpoint,
            pelita_stats::encode(&activity)
        );
        let answer = lrs.get(&url)?;
        if answer.status == 401 || answer.status == 403 {
            bail!("{}", refused("GET", &url, &answer));
        }
        if answer.status != 200 || !answer.body.trim_start().starts_with('[') {
            bail!(
                "this LRS has no Activity Profile API (GET {url} answered {}), so the summary cannot be stored in it; \
                 give --output FILE to keep it in a file, and open the report with summary=<the file's URL>",
                answer.status
            );
        }
    }
    for _ in 0..ATTEMPTS {
        let (stored, store) = match &options.output {
            Some(path) => {
                let text = match std::fs::read_to_string(path) {
                    Ok(t) => Some(t),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => return Err(e).context(format!("cannot read {}", path.display())),
                };
                (text, Store::File(path.clone()))
            }
            None => {
                let url = lrs.profile_url(&activity);
                let answer = lrs.get(&url)?;
                match answer.status {
                    200 => (Some(answer.body), Store::Profile { etag: answer.etag }),
                    404 => (None, Store::Profile { etag: None }),
                    _ => bail!("{}", refused("GET", &url, &answer)),
                }
            }
        };
        let mut summary = match stored {
            Some(text) if !options.rebuild => Summary::from_json(&text, &activity)
                .context("the stored summary cannot be updated")?,
            _ => Summary::new(&activity),
        };
        let (read, competencies) = fold(&lrs, &mut summary, &outline, options)?;
        let text = summary.to_json();
        let place = match store {
            Store::File(path) => {
                let temporary = path.with_extension("partial");
                std::fs::write(&temporary, &text)
                    .with_context(|| format!("cannot write {}", temporary.display()))?;
                std::fs::rename(&temporary, &path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                path.display().to_string()
            }
            Store::Profile { etag } => {
                let url = lrs.profile_url(&activity);
                let answer = lrs.put(&url, &text, etag.as_deref())?;
                match answer.status {
                    200..=299 => format!("the LRS (profileId {PROFILE_ID})"),
                    412 => {
                        eprintln!(
                            "pelita stats: another run stored the summary meanwhile; starting again from its version"
                        );
                        continue;
                    }
                    _ => bail!("{}", refused("PUT", &url, &answer)),
                }
            }
        };
        return Ok(Done {
            read,
            competencies,
            bytes: text.len(),
            summary,
            place,
            elapsed: started.elapsed(),
        });
    }
    bail!("the summary changed {ATTEMPTS} times while this run read; try again later")
}

/// Reads every statement stored after the summary's time and folds it in, a chunk at a
/// time, then the competencies' statements; returns how many statements were read of each.
fn fold(
    lrs: &Lrs,
    summary: &mut Summary,
    outline: &Outline,
    options: &Options,
) -> Result<(u64, u64)> {
    let activity = outline.activity_id.clone();
    let mut url = format!(
        "{}&ascending=true",
        statements_url(
            &lrs.endpoint,
            &activity,
            None,
            summary.as_of.as_deref(),
            None,
            options.page_size
        )
    );
    let started = Instant::now();
    let mut last_report = Instant::now();
    let mut total = 0u64;
    let mut update = Update::new(summary, outline);
    loop {
        let text = lrs.get_ok(&url)?;
        let before = update.read();
        let more = update
            .add_page(&text)
            .with_context(|| format!("GET {url}"))?;
        total += update.read() - before;
        if last_report.elapsed() >= Duration::from_secs(1) {
            last_report = Instant::now();
            let rate = total as f64 / started.elapsed().as_secs_f64().max(1e-3);
            eprintln!("pelita stats: read {total} statements ({rate:.0}/s)");
        }
        if more.is_none() || update.read() >= options.chunk {
            answer_needs(lrs, &mut update, &activity)?;
            update.finish(summary);
            update = Update::new(summary, outline);
        }
        match more {
            Some(m) => url = resolve_more(&lrs.endpoint, &m),
            None => break,
        }
    }
    let rate = total as f64 / started.elapsed().as_secs_f64().max(1e-3);
    eprintln!("pelita stats: read {total} statements ({rate:.0}/s)");
    let tags = fold_competencies(lrs, summary, outline, options)?;
    Ok((total, tags))
}

/// Reads the `answered` statements tagged with the module's competencies (of every
/// module) stored after the competencies' part of the summary, up to the newest such
/// statement when the run began (one window for all competencies, so a statement tagged
/// with two is read once), and folds them in a chunk at a time; returns how many were read.
fn fold_competencies(
    lrs: &Lrs,
    summary: &mut Summary,
    outline: &Outline,
    options: &Options,
) -> Result<u64> {
    let tags: Vec<String> = outline.competencies.iter().map(|c| c.id.clone()).collect();
    let since = summary.competencies.as_of.clone();
    let mut until: Option<(i64, String)> = None;
    for tag in &tags {
        let url = statements_url(&lrs.endpoint, tag, Some(ANSWERED), None, None, 1);
        let text = lrs.get_ok(&url)?;
        if let Some(n) = newest_stored(&text) {
            if until.as_ref().is_none_or(|u| n.0 > u.0) {
                until = Some(n);
            }
        }
    }
    let Some((until_ms, until)) = until else {
        return Ok(0);
    };
    if summary
        .competencies
        .as_of_ms()
        .is_some_and(|s| s >= until_ms)
    {
        return Ok(0);
    }
    let started = Instant::now();
    let mut last_report = Instant::now();
    let mut total = 0u64;
    let fresh = |summary: &Summary| {
        let mut update = Update::new(summary, outline);
        update.set_competencies_until(Some(until.clone()));
        update
    };
    let mut update = fresh(summary);
    for (j, tag) in tags.iter().enumerate() {
        let mut url = format!(
            "{}&ascending=true",
            statements_url(
                &lrs.endpoint,
                tag,
                Some(ANSWERED),
                since.as_deref(),
                Some(&until),
                options.page_size
            )
        );
        loop {
            let text = lrs.get_ok(&url)?;
            let before = update.competencies_read();
            let more = update
                .add_competency_page(&text, j)
                .with_context(|| format!("GET {url}"))?;
            total += update.competencies_read() - before;
            if last_report.elapsed() >= Duration::from_secs(1) {
                last_report = Instant::now();
                let rate = total as f64 / started.elapsed().as_secs_f64().max(1e-3);
                eprintln!(
                    "pelita stats: read {total} statements of the competencies ({rate:.0}/s)"
                );
            }
            if update.competencies_read() >= options.chunk {
                answer_needs(lrs, &mut update, &outline.activity_id)?;
                update.finish(summary);
                update = fresh(summary);
            }
            match more {
                Some(m) => url = resolve_more(&lrs.endpoint, &m),
                None => break,
            }
        }
    }
    answer_needs(lrs, &mut update, &outline.activity_id)?;
    update.finish(summary);
    let rate = total as f64 / started.elapsed().as_secs_f64().max(1e-3);
    eprintln!("pelita stats: read {total} statements of the competencies ({rate:.0}/s)");
    Ok(total)
}

/// Answers what an update needs from the LRS until it needs nothing more.
fn answer_needs(lrs: &Lrs, update: &mut Update, activity: &str) -> Result<()> {
    loop {
        let needs = update.needs();
        if needs.is_empty() {
            return Ok(());
        }
        for need in needs {
            let mut url = format!("{}statements?{}", lrs.endpoint, need.query(activity));
            match need {
                Need::Voided { .. } => {
                    let answer = lrs.get(&url)?;
                    match answer.status {
                        200 => update
                            .add_voided(Some(&answer.body))
                            .with_context(|| format!("GET {url}"))?,
                        404 => update.add_voided(None)?,
                        _ => bail!("{}", refused("GET", &url, &answer)),
                    }
                }
                Need::Attempt { .. } => loop {
                    let text = lrs.get_ok(&url)?;
                    match update
                        .add_reread(&text)
                        .with_context(|| format!("GET {url}"))?
                    {
                        Some(m) => url = resolve_more(&lrs.endpoint, &m),
                        None => break,
                    }
                },
                Need::Learner { .. } => loop {
                    let text = lrs.get_ok(&url)?;
                    match update
                        .add_learner(&text)
                        .with_context(|| format!("GET {url}"))?
                    {
                        Some(m) => url = resolve_more(&lrs.endpoint, &m),
                        None => break,
                    }
                },
            }
        }
    }
}

/// The one line a run ends with.
pub fn line(done: &Done) -> String {
    let s = &done.summary;
    format!(
        "{}: {} new statements and {} of its competencies in {:.1} s; {} attempts, {} completed, {} passed, {} learners sampled for the competencies; as of {}; summary of {} bytes in {}",
        s.activity_id,
        done.read,
        done.competencies,
        done.elapsed.as_secs_f64(),
        s.attempts,
        s.completions,
        s.passed,
        s.competencies.learners.len(),
        s.as_of.as_deref().unwrap_or("(no statements yet)"),
        done.bytes,
        done.place
    )
}
