//! The player around a loaded module: header, the current page or the result, and the
//! learning record.

use crate::chunks::{self, ResultProps, RECORD, RESULT, RESUME};
use crate::components::{lms_notice, sync_status, top_bar, Lazy, Shown, TopBar};
use crate::glue::cmi5::Cmi5Context;
use crate::glue::scorm::LmsProblem;
use crate::glue::scorm::ScormContext;
use crate::glue::{self, browser_env::BrowserEnv, location, storage};
use crate::hooks::{check_at_hand, use_delivery, use_embed, use_exit, use_resume, use_scorm};
use crate::pages::{loading_page, LessonPage};
use crate::state::{Action, PlayerContext, PlayerState};
use pelita_lesson::{Module, Phase};
use pelita_xapi::{Account, Agent, Env, Launch};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`PlayerPage`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The module to play.
    pub module: Rc<Module>,
    /// Where it was loaded from, relative to the player.
    pub module_path: Rc<str>,
    /// The launch parameters.
    pub launch: Rc<Launch>,
    /// The cmi5 session, when an LMS launched the module as a cmi5 AU.
    #[prop_or_default]
    pub cmi5: Option<Rc<Cmi5Context>>,
    /// The SCORM session, when the player runs inside a SCORM LMS.
    #[prop_or_default]
    pub scorm: Option<Rc<ScormContext>>,
    /// Launched from a SCORM package, but no SCORM API was found.
    #[prop_or_default]
    pub scorm_missing: bool,
}

/// Chooses the language, among the module's, from in order: the launch parameter (or, in
/// a cmi5 launch without one, the learner's cmi5 preference), the learner's own earlier
/// switch in this browser, the module's declared default, the browser's languages, and
/// last the module's first language.
pub(crate) fn choose_language(module: &Module, launch: &Launch) -> String {
    let navigator = gloo::utils::window().navigator();
    let browser: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|l| l.as_string())
        .chain(navigator.language())
        .collect();
    let declared = module.declared_default.clone();
    let stored = storage::language();
    let wanted: Vec<&str> = [&launch.lang, &stored, &declared]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(browser.iter().map(String::as_str))
        .collect();
    module
        .best_language(&wanted)
        .unwrap_or_else(|| module.default_language())
        .to_string()
}

/// The learner when the launch names none: an anonymous account of this browser.
fn local_learner() -> Agent {
    let name = storage::learner_id(|| BrowserEnv.uuid().to_string());
    Agent {
        object_type: "Agent".into(),
        account: Some(Account {
            home_page: location::origin(),
            name,
        }),
        ..Agent::default()
    }
}

/// Plays a module.
#[component]
pub fn PlayerPage(props: &Props) -> Html {
    let state = {
        let module = props.module.clone();
        let module_path = props.module_path.clone();
        let launch = props.launch.clone();
        let cmi5 = props.cmi5.clone();
        let scorm = props.scorm.clone();
        let scorm_missing = props.scorm_missing;
        use_reducer(move || {
            let actor = launch.actor.clone().unwrap_or_else(local_learner);
            let lang = choose_language(&module, &launch);
            let cmi5 = cmi5.map(|context| {
                let rules = glue::cmi5::rules(&context);
                (context, rules)
            });
            let mut state = PlayerState::new(module, module_path, launch, actor, lang, cmi5);
            state.lms_problem = match &scorm {
                Some(s) => s.start_problem.clone().map(LmsProblem::Failed),
                None if scorm_missing => Some(LmsProblem::NoApi),
                None => None,
            };
            state.scorm = scorm;
            // With no LRS to ask, whether to offer a saved attempt is known now, and the
            // first render already shows the first page.
            match check_at_hand(&state) {
                Some(offer) => {
                    Rc::unwrap_or_clone(Rc::new(state).reduce(Action::ResumeChecked(offer)))
                }
                None => state,
            }
        })
    };
    use_delivery(&state);
    {
        // The portal's look: set once, before the learner sees much.
        use_effect_with(state.launch.clone(), |launch| glue::theme::apply(launch));
    }
    use_embed(&state);
    // The chunks the first page does not need are fetched once it is shown, while the
    // learner reads, so that the rest of the module also plays offline.
    use_effect_with((), |_| chunks::preload_at_idle());
    // The session starts once the check for a saved attempt is done (at once when there
    // is no LRS to ask), or when the learner chose.
    let etag = use_resume(&state);
    use_exit(&state, &etag);
    use_scorm(&state);
    {
        // The cmi5 bookkeeping survives a reload: the LMS remembers what was sent too.
        let context = state.cmi5.clone();
        use_effect_with(state.cmi5_rules.clone(), move |rules| {
            if let (Some(context), Some(rules)) = (context, rules) {
                glue::cmi5::save_rules(&context, rules);
            }
        });
    }
    {
        // The page's language and title follow the learner's language, for screen readers,
        // browser tabs and history.
        let lang = state.lang.clone();
        let fallback = state.module.default_language().to_string();
        let title = state.module.title.text(&lang, &fallback).to_string();
        use_effect_with((lang, title), |(lang, title)| {
            let document = gloo::utils::document();
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", lang);
                // Arabic, Hebrew and the like read right to left; the style sheet uses
                // logical properties, so the layout mirrors with this one attribute.
                let dir = if crate::i18n::is_rtl(lang) {
                    "rtl"
                } else {
                    "ltr"
                };
                let _ = root.set_attribute("dir", dir);
            }
            document.set_title(&format!("{title} · Pelita"));
        });
    }
    let onlanguage = {
        let dispatcher = state.dispatcher();
        Callback::from(move |lang: String| {
            storage::set_language(&lang);
            dispatcher.dispatch(Action::SetLanguage(lang));
        })
    };
    let onresume = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Resume))
    };
    let lang = state.lang.clone();
    let fallback = state.module.default_language().to_string();
    let title = state.module.title.text(&lang, &fallback).to_string();
    let body = match state.session.phase() {
        Phase::Finished(outcome) => html! {
            <Lazy shows={Shown::new(&RESULT, ResultProps(*outcome))} />
        },
        Phase::NotStarted if state.offer.is_some() => html! {
            <Lazy shows={Shown::new(&RESUME, ())} />
        },
        Phase::NotStarted => loading_page(),
        Phase::InProgress => html! { <LessonPage /> },
    };
    html! {
        <ContextProvider<PlayerContext> context={state.clone()}>
            <div class="player">
                { top_bar(TopBar {
                    logo: state.launch.logo.clone(),
                    title,
                    languages: &state.module.languages,
                    lang: &lang,
                    onlanguage: &onlanguage,
                    status: sync_status(&state, &onresume),
                }) }
                { lms_notice(&state) }
                { body }
                <Lazy shows={Shown::new(&RECORD, ())} quiet=true />
            </div>
        </ContextProvider<PlayerContext>>
    }
}
