//! The player's state and its reducer.
//!
//! The reducer only delegates: learner actions go to `Session::apply`, the events it
//! returns go to `Reporter::report`, the statements to `Outbox::push`, and LRS answers to
//! `Outbox::settle`. What the player adds is the bookkeeping of which batch is on its way.

use crate::glue::browser_env::BrowserEnv;
use pelita_lesson::{Command, Module, Session};
use pelita_xapi::{Agent, Batch, Launch, Outbox, Reporter, SendOutcome};
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
    /// The language shown.
    pub lang: String,
    /// Bumped whenever the outbox changes, so it is saved.
    pub revision: u64,
    /// The batch being sent now.
    pub batch: Option<Rc<Batch>>,
    /// Whether the next send waits for the retry delay.
    pub waiting_retry: bool,
    /// Why the record could not be saved or restored, if so.
    pub storage_problem: Option<String>,
    /// The last refused learner action, shown to the learner.
    pub notice: Option<String>,
}

/// What can happen to the player.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A learner action for the session.
    Learner(Command),
    /// The learner switched language.
    SetLanguage(String),
    /// The LRS answered the batch with these ids.
    Delivered(Vec<Uuid>, SendOutcome),
    /// The retry delay is over, or the browser came back online.
    RetryNow,
    /// Saving the record failed.
    StorageFailed(String),
}

impl PlayerState {
    /// A fresh state for a module, with the outbox restored from the browser.
    pub fn new(
        module: Rc<Module>,
        module_path: Rc<str>,
        launch: Rc<Launch>,
        actor: Agent,
        outbox: Outbox,
        lang: String,
        storage_problem: Option<String>,
    ) -> PlayerState {
        let reporter = Reporter::new(
            actor,
            activity_id(&module, &launch),
            launch.registration,
            lang.clone(),
        );
        let session = Session::new(&module);
        let mut state = PlayerState {
            module,
            module_path,
            launch,
            session,
            reporter,
            outbox,
            lang,
            revision: 0,
            batch: None,
            waiting_retry: false,
            storage_problem,
            notice: None,
        };
        state.take_batch();
        state
    }

    /// Whether statements go to an LRS.
    pub fn has_lrs(&self) -> bool {
        self.launch.endpoint.is_some()
    }

    /// The module's activity id as reported.
    pub fn activity_id(&self) -> String {
        activity_id(&self.module, &self.launch)
    }

    fn take_batch(&mut self) {
        if !self.has_lrs() || self.batch.is_some() || self.waiting_retry {
            return;
        }
        if let Some(batch) = self.outbox.next_batch() {
            self.batch = Some(Rc::new(batch));
            self.revision += 1;
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
                    let has_lrs = next.has_lrs();
                    let mut env = BrowserEnv;
                    for event in &events {
                        for statement in next.reporter.report(&next.module, event, &mut env) {
                            next.outbox.push(&statement, has_lrs);
                            next.revision += 1;
                        }
                    }
                    next.take_batch();
                }
                Err(e) => next.notice = Some(e.to_string()),
            },
            Action::SetLanguage(lang) => {
                next.reporter.set_language(&lang);
                next.lang = lang;
            }
            Action::Delivered(ids, outcome) => {
                next.outbox.settle(&ids, outcome);
                next.batch = None;
                next.revision += 1;
                next.waiting_retry = next.outbox.pending() > 0 && next.outbox.retry_delay_ms() > 0;
                next.take_batch();
            }
            Action::RetryNow => {
                next.waiting_retry = false;
                next.take_batch();
            }
            Action::StorageFailed(problem) => next.storage_problem = Some(problem),
        }
        Rc::new(next)
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
