//! The player's state and its reducer.
//!
//! The reducer only delegates: learner actions go to `Session::apply`, the events it
//! returns go to `Reporter::report`, the statements to `Outbox::push`, LRS answers to
//! `Outbox::settle`, and what storage holds to `Outbox::merge`. What the player adds is
//! the bookkeeping of where the outbox is stored, whether this tab is the one that sends,
//! and which batch is on its way.

use crate::glue::browser_env::BrowserEnv;
use crate::glue::cmi5::Cmi5Context;
use crate::glue::scorm::{LmsProblem, ScormContext};
use crate::glue::storage::{Backend, Restored};
use pelita_lesson::{Command, Module, Phase, Session};
use pelita_xapi::cmi5::Cmi5Rules;
use pelita_xapi::{
    Agent, Batch, Entry, Env, Launch, Outbox, Reporter, SavedAttempt, SendOutcome, Statement,
    Verdict,
};
use serde_json::Value;
use std::rc::Rc;
use uuid::Uuid;
use yew::prelude::*;

/// Everything the player shows and reports.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayerState {
    /// The module being played.
    pub module: Rc<Module>,
    /// Its path relative to the player, for resolving images.
    pub module_path: Rc<str>,
    /// The launch parameters.
    pub launch: Rc<Launch>,
    /// The learner's progress.
    pub session: Session,
    /// Turns events into statements.
    pub reporter: Reporter,
    /// Every statement and its delivery state.
    pub outbox: Outbox,
    /// Where the outbox is stored; `None` until the stored outbox has been read.
    pub backend: Option<Backend>,
    /// Whether this tab sends the module's statements (see `glue::tabs`).
    pub sender: bool,
    /// Bumped when the stored outbox should be read again (another tab changed it, or
    /// this tab just became the sender).
    pub sync: u64,
    /// The language shown.
    pub lang: String,
    /// Bumped whenever the outbox changes, so it is saved.
    pub revision: u64,
    /// The batch being sent now.
    pub batch: Option<Rc<Batch>>,
    /// How many batches were taken for sending: names each send, so that a batch taken
    /// again at once with the same statements (a retry) is still sent again.
    pub sends: u64,
    /// Whether the next send waits for the retry delay.
    pub waiting_retry: bool,
    /// Whether an immediate send was asked for (back online, page hidden) while a batch
    /// was in flight: if that batch must be retried, it is retried at once, not after the
    /// delay, since a hidden page on a phone may never run again.
    pub send_asked: bool,
    /// Why the record could not be saved or restored, if so.
    pub storage_problem: Option<String>,
    /// The last refused learner action, shown to the learner.
    pub notice: Option<String>,
    /// Whether the check for a saved attempt is done; the session starts only then.
    pub resume_checked: bool,
    /// A saved attempt the learner may continue, until they choose.
    pub offer: Option<Rc<SavedAttempt>>,
    /// Whether the LRS showed it has no State API (a saving write answered 404 or 405):
    /// the attempt is then saved only in the browser for the rest of the session.
    pub no_state_api: bool,
    /// The cmi5 session, when an LMS launched the module as a cmi5 AU.
    pub cmi5: Option<Rc<Cmi5Context>>,
    /// Which cmi5 statements this session has sent (what it may still send).
    pub cmi5_rules: Option<Cmi5Rules>,
    /// The SCORM session, when the player runs inside a SCORM LMS.
    pub scorm: Option<Rc<ScormContext>>,
    /// What the learner must know about the SCORM LMS (its last error, or that none is
    /// recording the attempt).
    pub lms_problem: Option<LmsProblem>,
}

/// What can happen to the player.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A learner action for the session.
    Learner(Command),
    /// The learner switched language.
    SetLanguage(String),
    /// The stored outbox was read for the first time.
    Restored(Rc<Restored>),
    /// The sending chunk is in (`chunks::SEND`): the outbox gets its check, and what it
    /// kept meanwhile can be checked and sent.
    SendReady,
    /// Storage now holds these statements in these states.
    Written(Rc<Vec<(Uuid, &'static str)>>),
    /// Saving these statements failed: they are sent anyway, and the learner is told.
    StorageFailed(String, Rc<Vec<(Uuid, &'static str)>>),
    /// The stored outbox as it is now, which other tabs may have changed.
    Merged(Rc<Vec<Entry>>),
    /// Another tab changed the stored outbox.
    SyncNeeded,
    /// This tab is now the one that sends.
    BecameSender,
    /// This tab gave up sending (its credentials were refused).
    StoppedSending,
    /// The LRS answered the batch with these ids.
    Delivered(Vec<Uuid>, SendOutcome),
    /// The retry delay is over, the browser came back online, or the page is being hidden.
    RetryNow,
    /// Try again after refused credentials.
    Resume,
    /// The SCORM LMS reported an error.
    LmsProblem(LmsProblem),
    /// The SCORM LMS stored everything after an earlier error.
    LmsSaved,
    /// The check for a saved attempt is done: offer this one, or start a new attempt.
    ResumeChecked(Option<Rc<SavedAttempt>>),
    /// The LRS has no State API: saving the attempt there stopped for the session.
    NoStateApi,
    /// The learner continues the offered attempt.
    ContinueSaved,
    /// The learner starts over instead.
    StartOver,
}

impl PlayerState {
    /// A fresh state for a module, with the outbox restored from the browser.
    pub fn new(
        module: Rc<Module>,
        module_path: Rc<str>,
        launch: Rc<Launch>,
        actor: Agent,
        lang: String,
        cmi5: Option<(Rc<Cmi5Context>, Cmi5Rules)>,
    ) -> PlayerState {
        let reporter = Reporter::new(
            actor,
            activity_id(&module, &launch),
            launch.registration,
            lang.clone(),
        );
        let session = Session::with_case_fold(&module, crate::glue::intl::CASE_FOLD);
        // The validation is in the sending chunk: statements are kept and stored until it
        // comes (`Action::SendReady`).
        let outbox = Outbox::awaiting_check(launch.policy());
        PlayerState {
            module,
            module_path,
            launch,
            session,
            reporter,
            outbox,
            backend: None,
            sender: false,
            sync: 0,
            lang,
            revision: 0,
            batch: None,
            sends: 0,
            waiting_retry: false,
            send_asked: false,
            storage_problem: None,
            notice: None,
            resume_checked: false,
            offer: None,
            no_state_api: false,
            cmi5_rules: cmi5.as_ref().map(|(_, rules)| rules.clone()),
            cmi5: cmi5.map(|(context, _)| context),
            scorm: None,
            lms_problem: None,
        }
    }

    /// The statement as it is sent: as built, or, in a cmi5 session, dressed by the cmi5
    /// rules, which may also forbid it (for instance anything but initialized and
    /// terminated in a Browse launch); a forbidden statement is not sent at all.
    fn admit(
        cmi5: Option<&Cmi5Context>,
        rules: Option<&mut Cmi5Rules>,
        statement: &Statement,
    ) -> Option<Value> {
        // Serialising our own types to a JSON value cannot fail: every map key is a string.
        let mut value = serde_json::to_value(statement).unwrap_or(Value::Null);
        match (cmi5, rules) {
            (Some(context), Some(rules)) => {
                match (context.glue.admit)(context, rules, &mut value) {
                    Ok(()) => Some(value),
                    Err(forbidden) => {
                        web_sys::console::info_1(&format!("cmi5: not sent: {forbidden}").into());
                        None
                    }
                }
            }
            _ => Some(value),
        }
    }

    /// The attempt as it should be saved now, for resuming later (a finished or not yet
    /// started session saves "nothing to continue").
    pub fn saved_attempt(&self, now_ms: i64) -> SavedAttempt {
        SavedAttempt {
            module_id: self.module.id.clone(),
            snapshot: self.session.snapshot(),
            registration: self.reporter.registration(),
            elapsed_ms: self.reporter.elapsed_ms(now_ms),
            saved_at_ms: now_ms,
        }
    }

    /// The statements to send as the page goes away (`suspended`, when an attempt is in
    /// progress, and in a cmi5 session `terminated` after it: the session ends with the
    /// page), as ids and JSON, with the cmi5 bookkeeping as it is after them. The state
    /// itself does not change; the page is leaving.
    pub fn exit_statements(&self) -> (Vec<(uuid::Uuid, Value)>, Option<Cmi5Rules>) {
        let mut rules = self.cmi5_rules.clone();
        if self.session.phase() != &Phase::InProgress {
            return (vec![], rules);
        }
        let mut session = self.session.clone();
        let mut reporter = self.reporter.clone();
        let mut env = BrowserEnv;
        let mut out: Vec<(uuid::Uuid, Value)> = session
            .apply(&self.module, Command::Suspend)
            .unwrap_or_default()
            .iter()
            .flat_map(|event| reporter.report(&self.module, event, &mut env))
            .filter_map(|statement| {
                Self::admit(self.cmi5.as_deref(), rules.as_mut(), &statement)
                    .map(|value| (statement.id, value))
            })
            .collect();
        if let (Some(context), Some(rules)) = (self.cmi5.as_deref(), rules.as_mut()) {
            let suspended = out.last().map(|(_, value)| value.clone());
            if let Some(suspended) = suspended {
                let id = env.uuid();
                let mut terminated = (context.glue.terminated_after)(&suspended, id);
                if (context.glue.admit)(context, rules, &mut terminated).is_ok() {
                    out.push((id, terminated));
                }
            }
        }
        (out, rules)
    }

    /// Reports events the session produced.
    fn record(&mut self, events: &[pelita_lesson::Event]) {
        let has_lrs = self.has_lrs();
        let mut env = BrowserEnv;
        for event in events {
            let statements = self.reporter.report(&self.module, event, &mut env);
            if let pelita_lesson::Event::AttemptStarted { attempt } = event {
                // The attempt's pools and shuffles come from its registration (known now
                // that the reporter has started the attempt), so they are the same on
                // every device the attempt is resumed on.
                let seed = attempt_seed(self.reporter.registration(), *attempt);
                self.session.set_seed(&self.module, seed);
            }
            for statement in statements {
                if let Some(value) =
                    Self::admit(self.cmi5.as_deref(), self.cmi5_rules.as_mut(), &statement)
                {
                    self.outbox
                        .push_value(statement.id, value, has_lrs, js_sys::Date::now());
                }
            }
        }
        self.changed();
    }

    /// Whether statements go to an LRS.
    pub fn has_lrs(&self) -> bool {
        self.launch.endpoint.is_some()
    }

    /// The module's activity id as reported.
    pub fn activity_id(&self) -> String {
        activity_id(&self.module, &self.launch)
    }

    /// After any change: where nothing can be stored, statements count as saved at once
    /// (sending them is then the only way to keep them); then send what is ready.
    fn changed(&mut self) {
        self.revision += 1;
        if self.backend == Some(Backend::Memory) {
            let ids: Vec<Uuid> = self.outbox.unsaved().map(|e| e.id).collect();
            self.outbox.mark_saved(&ids);
        }
        self.take_batch();
    }

    fn take_batch(&mut self) {
        if !self.has_lrs() || !self.sender || self.batch.is_some() || self.waiting_retry {
            return;
        }
        if let Some(batch) = self.outbox.next_batch() {
            self.batch = Some(Rc::new(batch));
            self.sends += 1;
        }
    }
}

impl Reducible for PlayerState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Learner(command) => match next.session.apply(&next.module, command) {
                Ok(events) => {
                    next.notice = None;
                    next.record(&events);
                }
                Err(e) => next.notice = Some(e.to_string()),
            },
            Action::SetLanguage(lang) => {
                next.reporter.set_language(&lang);
                next.lang = lang;
            }
            Action::Restored(restored) => {
                next.outbox.merge(restored.entries.clone());
                next.backend = Some(restored.backend);
                next.storage_problem = restored.problem.clone();
                next.changed();
            }
            Action::SendReady => {
                if let Some(glue) = crate::chunks::SEND.ready() {
                    next.outbox.set_checker(glue.check);
                }
                next.changed();
            }
            Action::Written(written) => {
                next.outbox.mark_written(&written);
                next.changed();
            }
            Action::StorageFailed(problem, written) => {
                next.storage_problem = Some(problem);
                next.outbox.mark_unstored(&written);
                next.changed();
            }
            Action::Merged(entries) => {
                next.outbox.merge(entries.to_vec());
                next.changed();
            }
            Action::SyncNeeded => next.sync += 1,
            Action::BecameSender => {
                next.sender = true;
                // What other tabs stored meanwhile must be read again, unless the first
                // read of the stored outbox is still to come (then it brings it all, and a
                // long queue is not read twice while the page starts).
                if next.backend.is_some() {
                    next.sync += 1;
                }
                next.take_batch();
            }
            Action::StoppedSending => next.sender = false,
            Action::Delivered(ids, outcome) => {
                let verdict = next.outbox.settle(&ids, outcome, js_sys::Math::random());
                next.batch = None;
                next.waiting_retry =
                    matches!(verdict, Verdict::Retry(ms) if ms > 0) && !next.send_asked;
                next.send_asked = false;
                next.outbox
                    .prune_delivered(crate::glue::storage::KEEP_DELIVERED);
                next.changed();
            }
            Action::RetryNow => {
                next.waiting_retry = false;
                next.send_asked = next.batch.is_some();
                next.take_batch();
            }
            Action::ResumeChecked(offer) => {
                next.resume_checked = true;
                match offer {
                    Some(offer) => next.offer = Some(offer),
                    None => start(&mut next),
                }
            }
            Action::ContinueSaved => {
                let Some(offer) = next.offer.take() else {
                    return self;
                };
                let resumed = offer.snapshot.as_ref().map(|snapshot| {
                    Session::resume_with(&next.module, snapshot, crate::glue::intl::CASE_FOLD)
                });
                match resumed {
                    Some(Ok((session, events))) => {
                        next.session = session;
                        let now = BrowserEnv.now_ms();
                        next.reporter
                            .resume_attempt(offer.registration, offer.elapsed_ms, now);
                        next.record(&events);
                    }
                    // The module changed since: the saved attempt no longer fits, so a new
                    // attempt starts and the learner is told why.
                    Some(Err(problems)) => {
                        start(&mut next);
                        next.notice = problems.first().map(|p| p.to_string());
                    }
                    None => start(&mut next),
                }
            }
            Action::NoStateApi => next.no_state_api = true,
            Action::StartOver => {
                next.offer = None;
                start(&mut next);
            }
            Action::LmsProblem(problem) => next.lms_problem = Some(problem),
            Action::LmsSaved => {
                if matches!(next.lms_problem, Some(LmsProblem::Failed(_))) {
                    next.lms_problem = None;
                }
            }
            Action::Resume => {
                next.outbox.resume();
                next.waiting_retry = false;
                next.take_batch();
            }
        }
        Rc::new(next)
    }
}

/// The seed of an attempt: its registration's bits mixed with its number (a launcher may
/// fix one registration for every attempt, which must still differ).
fn attempt_seed(registration: Option<uuid::Uuid>, attempt: u32) -> u64 {
    let (hi, lo) = registration.map(|r| r.as_u64_pair()).unwrap_or((0, 0));
    hi ^ lo.rotate_left(17) ^ u64::from(attempt).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Starts the first attempt.
fn start(state: &mut PlayerState) {
    if let Ok(events) = state.session.apply(&state.module, Command::Start) {
        state.record(&events);
    }
}

/// The module's activity id as reported: the launcher's, or else the module's own id. It
/// also names the module's saved record.
pub fn activity_id(module: &Module, launch: &Launch) -> String {
    launch
        .activity_id
        .clone()
        .unwrap_or_else(|| module.id.clone())
}

/// The state as shared with every component below the player page.
pub type PlayerContext = UseReducerHandle<PlayerState>;
