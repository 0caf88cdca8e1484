//! From session events to statements: the one place that decides what Pelita reports.

use crate::pattern::{correct_responses_pattern, interaction_type, response_pattern};
use crate::statement::*;
use crate::time::{format_duration, format_timestamp};
use crate::verbs;
use pelita_lesson::{Event, LangMap, Lesson, Module, QuestionKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The outside world a reporter needs: the time and fresh UUIDs. The player implements it
/// with the browser's clock and crypto; tests implement it with fixed values.
pub trait Env {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&mut self) -> i64;
    /// A fresh random (version 4) UUID.
    fn uuid(&mut self) -> Uuid;
}

const TYPE_MODULE: &str = "http://adlnet.gov/expapi/activities/module";
const TYPE_LESSON: &str = "http://adlnet.gov/expapi/activities/lesson";
const TYPE_PAGE: &str = "http://activitystrea.ms/schema/1.0/page";
const TYPE_INTERACTION: &str = "http://adlnet.gov/expapi/activities/cmi.interaction";
const PLATFORM: &str = "Pelita";
/// The activity type of a competency in `contextActivities.category` (documented in
/// docs/module-format.md), so that any LRS can group statements by competency.
pub const TYPE_COMPETENCY: &str = "https://pelita.example.org/xapi/activity-types/competency";

/// Turns session events into statements for one learner and one module.
///
/// It keeps the little state reporting needs: the registration of the current attempt and
/// when the attempt started (for durations). A registration fixed by the launcher is used
/// for every attempt; otherwise each attempt gets a new one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reporter {
    actor: Agent,
    activity_id: String,
    fixed_registration: Option<Uuid>,
    registration: Option<Uuid>,
    attempt_started_ms: i64,
    language: String,
}

impl Reporter {
    /// A reporter for `actor`; `activity_id` is the module's activity (the module id unless
    /// the launcher gave another); `registration` is the launcher's, if any.
    pub fn new(
        actor: Agent,
        activity_id: String,
        registration: Option<Uuid>,
        language: String,
    ) -> Reporter {
        Reporter {
            actor,
            activity_id,
            fixed_registration: registration,
            registration,
            attempt_started_ms: 0,
            language,
        }
    }

    /// The learner.
    pub fn actor(&self) -> &Agent {
        &self.actor
    }

    /// The registration of the current attempt.
    pub fn registration(&self) -> Option<Uuid> {
        self.registration
    }

    /// How long the current attempt has run, in milliseconds, at `now_ms`.
    pub fn elapsed_ms(&self, now_ms: i64) -> i64 {
        (now_ms - self.attempt_started_ms).max(0)
    }

    /// Takes up a saved attempt: its registration (unless the launcher fixed one) and its
    /// running time so far, so that durations count only the time spent in the module.
    pub fn resume_attempt(&mut self, registration: Option<Uuid>, elapsed_ms: i64, now_ms: i64) {
        self.registration = self.fixed_registration.or(registration);
        self.attempt_started_ms = now_ms - elapsed_ms.max(0);
    }

    /// The language statements record as the learner's (changes when the learner switches).
    pub fn set_language(&mut self, language: &str) {
        self.language = language.to_string();
    }

    /// The statements that report `event`, in order, each tagged with the competencies it
    /// is about (see [`Module::competencies_of`]) in `contextActivities.category`.
    pub fn report(&mut self, module: &Module, event: &Event, env: &mut dyn Env) -> Vec<Statement> {
        let mut statements = self.statements_for(module, event, env);
        let (lesson, question) = match event {
            Event::PageViewed { at } => (module.lessons.get(at.lesson), None),
            Event::Chose { branch, .. } => (
                module
                    .branches()
                    .find(|(_, b)| b.id == *branch)
                    .map(|(l, _)| l),
                None,
            ),
            Event::Answered { question, .. } => module
                .questions()
                .find(|(_, _, q)| &q.id == question)
                .map_or((None, None), |(l, _, q)| (Some(l), Some(q))),
            _ => (None, None),
        };
        let tags: Vec<Activity> = module
            .competencies_of(lesson, question)
            .into_iter()
            .map(|c| Activity::defined(c.id.clone(), text(&c.label), TYPE_COMPETENCY))
            .collect();
        if !tags.is_empty() {
            for statement in &mut statements {
                if let Some(context) = statement.context.as_mut() {
                    let activities = context
                        .context_activities
                        .get_or_insert_with(ContextActivities::default);
                    activities
                        .category
                        .get_or_insert_with(Vec::new)
                        .extend(tags.iter().cloned());
                }
            }
        }
        statements
    }

    fn statements_for(
        &mut self,
        module: &Module,
        event: &Event,
        env: &mut dyn Env,
    ) -> Vec<Statement> {
        let now = env.now_ms();
        match event {
            Event::AttemptStarted { .. } => {
                self.registration = self.fixed_registration.or_else(|| Some(env.uuid()));
                self.attempt_started_ms = now;
                let object = self.module_activity(module);
                vec![self.statement(env, now, verbs::initialized(), object, None, None)]
            }
            Event::Resumed { .. } => {
                if self.registration.is_none() {
                    self.registration = self.fixed_registration.or_else(|| Some(env.uuid()));
                }
                let object = self.module_activity(module);
                vec![self.statement(env, now, verbs::resumed(), object, None, None)]
            }
            Event::Suspended { .. } => {
                let result = XResult {
                    duration: Some(format_duration(now - self.attempt_started_ms)),
                    ..XResult::default()
                };
                let object = self.module_activity(module);
                vec![self.statement(env, now, verbs::suspended(), object, Some(result), None)]
            }
            Event::PageViewed { at } => {
                let (Some(lesson), Some(page)) = (
                    module.lessons.get(at.lesson),
                    module
                        .lessons
                        .get(at.lesson)
                        .and_then(|l| l.pages.get(at.page)),
                ) else {
                    return vec![];
                };
                let object =
                    Activity::defined(module.page_iri(lesson, page), text(&page.title), TYPE_PAGE);
                let parents = self.parents(module, lesson);
                vec![self.statement(env, now, verbs::experienced(), object, None, Some(parents))]
            }
            Event::Chose { branch, option } => {
                let Some((lesson, b)) = module.branches().find(|(_, b)| b.id == *branch) else {
                    return vec![];
                };
                // The path taken through a scenario: a choice with no right answer, so no
                // score and no correct pattern; `success` says a decision was made.
                let object = Activity {
                    object_type: "Activity".into(),
                    id: module.branch_iri(b),
                    definition: Some(ActivityDefinition {
                        name: Some(text(&b.prompt)),
                        description: Some(text(&b.prompt)),
                        kind: Some(TYPE_INTERACTION.into()),
                        interaction_type: Some("choice".into()),
                        choices: Some(
                            b.options
                                .iter()
                                .map(|o| component(&o.id, &o.text))
                                .collect(),
                        ),
                        ..ActivityDefinition::default()
                    }),
                };
                let result = XResult {
                    success: Some(true),
                    response: Some(option.clone()),
                    ..XResult::default()
                };
                self.answered(env, now, module, lesson, object, result)
            }
            Event::Answered { question, answer } => {
                let Some((lesson, _, q)) = module.questions().find(|(_, _, q)| &q.id == question)
                else {
                    return vec![];
                };
                let components = |items: &[pelita_lesson::Item]| {
                    Some(items.iter().map(|i| component(&i.id, &i.text)).collect())
                };
                let (choices, source, target) = match &q.kind {
                    QuestionKind::Choice { choices, .. } => (
                        Some(choices.iter().map(|c| component(&c.id, &c.text)).collect()),
                        None,
                        None,
                    ),
                    QuestionKind::Sequencing { items, .. } => (components(items), None, None),
                    QuestionKind::Matching {
                        sources, targets, ..
                    } => (None, components(sources), components(targets)),
                    _ => (None, None, None),
                };
                let scale = match &q.kind {
                    QuestionKind::Likert { scale } => components(scale),
                    _ => None,
                };
                let steps = match &q.kind {
                    QuestionKind::Performance { steps, .. } => {
                        Some(steps.iter().map(|s| component(&s.id, &s.label)).collect())
                    }
                    _ => None,
                };
                let object = Activity {
                    object_type: "Activity".into(),
                    id: module.question_iri(q),
                    definition: Some(ActivityDefinition {
                        name: Some(text(&q.prompt)),
                        description: Some(text(&q.prompt)),
                        kind: Some(TYPE_INTERACTION.into()),
                        interaction_type: Some(interaction_type(q).into()),
                        correct_responses_pattern: correct_responses_pattern(q),
                        choices,
                        source,
                        target,
                        scale,
                        steps,
                    }),
                };
                // An unscored question (a survey, a free answer) has no score; its
                // `success` says the learner gave an answer, which is all that was asked.
                let result = XResult {
                    score: q.is_scored().then(|| {
                        pelita_lesson::Score {
                            raw: answer.points,
                            min: 0,
                            max: answer.max_points,
                        }
                        .into()
                    }),
                    success: Some(answer.correct),
                    response: Some(response_pattern(q, &answer.response)),
                    ..XResult::default()
                };
                self.answered(env, now, module, lesson, object, result)
            }
            Event::Finished { outcome, .. } => {
                let duration = Some(format_duration(now - self.attempt_started_ms));
                let object = self.module_activity(module);
                let completed = XResult {
                    completion: Some(true),
                    duration: duration.clone(),
                    ..XResult::default()
                };
                let judged = XResult {
                    score: Some(outcome.score.into()),
                    success: Some(outcome.passed),
                    completion: Some(true),
                    duration: duration.clone(),
                    ..XResult::default()
                };
                let judgement = if outcome.passed {
                    verbs::passed()
                } else {
                    verbs::failed()
                };
                let terminated = XResult {
                    duration,
                    ..XResult::default()
                };
                vec![
                    self.statement(
                        env,
                        now,
                        verbs::completed(),
                        object.clone(),
                        Some(completed),
                        None,
                    ),
                    self.statement(env, now, judgement, object.clone(), Some(judged), None),
                    self.statement(
                        env,
                        now,
                        verbs::terminated(),
                        object,
                        Some(terminated),
                        None,
                    ),
                ]
            }
        }
    }

    fn module_activity(&self, module: &Module) -> Activity {
        let mut activity =
            Activity::defined(self.activity_id.clone(), text(&module.title), TYPE_MODULE);
        if let (Some(def), Some(description)) = (activity.definition.as_mut(), &module.description)
        {
            def.description = Some(text(description));
        }
        activity
    }

    /// An `answered` statement about an interaction (a question, or a decision of a
    /// scenario) of `lesson`.
    fn answered(
        &mut self,
        env: &mut dyn Env,
        now: i64,
        module: &Module,
        lesson: &pelita_lesson::Lesson,
        object: Activity,
        result: XResult,
    ) -> Vec<Statement> {
        let parents = self.parents(module, lesson);
        vec![self.statement(
            env,
            now,
            verbs::answered(),
            object,
            Some(result),
            Some(parents),
        )]
    }

    fn parents(&self, module: &Module, lesson: &Lesson) -> ContextActivities {
        ContextActivities {
            parent: Some(vec![Activity::defined(
                module.lesson_iri(lesson),
                text(&lesson.title),
                TYPE_LESSON,
            )]),
            grouping: Some(vec![Activity::new(self.activity_id.clone())]),
            category: None,
        }
    }

    fn statement(
        &self,
        env: &mut dyn Env,
        now: i64,
        verb: Verb,
        object: Activity,
        result: Option<XResult>,
        activities: Option<ContextActivities>,
    ) -> Statement {
        Statement {
            id: env.uuid(),
            actor: self.actor.clone(),
            verb,
            object,
            result,
            context: Some(Context {
                registration: self.registration,
                context_activities: activities,
                platform: Some(PLATFORM.into()),
                language: Some(self.language.clone()),
            }),
            timestamp: format_timestamp(now),
        }
    }
}

/// One component (choice, item, source, target, scale point) of an interaction.
fn component(id: &str, description: &LangMap<String>) -> InteractionComponent {
    InteractionComponent {
        id: id.to_string(),
        description: text(description),
    }
}

fn text(map: &LangMap<String>) -> LanguageMap {
    // Inserted one by one: collecting into a map sorts, and sorting code is large.
    let mut out = LanguageMap::new();
    for (k, v) in map.iter() {
        out.insert(k.clone(), v.clone());
    }
    out
}
