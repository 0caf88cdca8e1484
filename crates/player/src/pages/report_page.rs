//! The report view (`?view=report`): a module's results from the LRS, for content teams.
//!
//! It takes the LRS the way the player does (launch query or `launch.json`), reads the
//! statements with [`use_report`] and shows the figures `pelita_stats` computes: each
//! chart is an SVG with its numbers in a table, and the per-question table can be
//! downloaded as CSV. Every figure that lacks data says so in words, never NaN. A report
//! made from the module's summary says so: the summary's time, the statements added since,
//! the sample the discrimination figures come from, and, once the competencies' sample of
//! learners is full, that their figures are scaled up from it (and within what error).

use crate::components::{bar_chart, Bar, CsvLink};
use crate::glue::{intl, location};
use crate::hooks::{use_report, Basis, Period, ReportFailure, ReportState};
use crate::i18n::{t, tf, Arg, Key, Msg};
use pelita_lesson::Module;
use pelita_stats::{day_bound, questions_csv, Flag, Outline, Report};
use pelita_xapi::Launch;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`ReportPage`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The module reported on.
    pub module: Rc<Module>,
    /// Where its statements are (the launch's endpoint and auth).
    pub launch: Rc<Launch>,
}

fn query_value(name: &str) -> String {
    location::query_pairs()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// The period from the date fields, with the page size the address asks for (`limit`,
/// 1 to 2,000; for an LRS that wants small pages).
fn period_of(since: &str, until: &str) -> Period {
    Period {
        since: day_bound(since, false),
        until: day_bound(until, true),
        limit: query_value("limit")
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=pelita_stats::PAGE_SIZE).contains(n)),
    }
}

/// A duration in milliseconds as `42 s` or `3 min 5 s`.
fn duration(lang: &str, ms: f64) -> String {
    let total = (ms / 1000.0).round().max(0.0);
    if total < 60.0 {
        tf(lang, Msg::ReportSeconds, &[("s", Arg::Num(total))])
    } else {
        tf(
            lang,
            Msg::ReportMinutes,
            &[
                ("m", Arg::Num((total / 60.0).floor())),
                ("s", Arg::Num(total % 60.0)),
            ],
        )
    }
}

/// The whole report page.
#[component]
pub fn ReportPage(props: &Props) -> Html {
    let module = &props.module;
    let lang = use_memo(module.clone(), |module| {
        crate::pages::player_page::choose_language(module, &props.launch)
    });
    let lang: String = (*lang).clone();
    let fallback = module.default_language().to_string();
    let title = module.title.text(&lang, &fallback).to_string();
    {
        let (lang, title) = (lang.clone(), title.clone());
        use_effect_with((lang, title), |(lang, title)| {
            let document = gloo::utils::document();
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", lang);
            }
            document.set_title(&format!("{} · {title} · Pelita", t(lang, Key::ReportTitle)));
        });
    }
    let outline = {
        let launch = props.launch.clone();
        use_memo((module.clone(), lang.clone()), move |(module, lang)| {
            Outline::of(module, launch.activity_id.as_deref(), lang)
        })
    };
    let since_ref = use_node_ref();
    let until_ref = use_node_ref();
    let initial = use_memo((), |_| (query_value("since"), query_value("until")));
    let period = use_state(|| period_of(&initial.0, &initial.1));
    let attempt = use_state(|| 0u32);
    let summary_url = use_memo((), |_| {
        Some(query_value("summary")).filter(|s| !s.is_empty())
    });
    let state = use_report(
        outline.clone(),
        props.launch.clone(),
        (*period).clone(),
        lang.clone(),
        *attempt,
        (*summary_url).clone(),
    );
    let onsubmit = {
        let (period, since_ref, until_ref) = (period.clone(), since_ref.clone(), until_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            period.set(period_of(&value(&since_ref), &value(&until_ref)));
        })
    };
    let onretry = {
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
    };
    let body = match &state {
        ReportState::NoLrs => {
            html! { <p class="report-error" role="alert">{ t(&lang, Key::ReportNoLrs) }</p> }
        }
        ReportState::Reading {
            statements,
            query,
            queries,
        } => html! {
            <div class="reading" aria-busy="true">
                <label for="report-progress">{ t(&lang, Key::ReportReading) }</label>
                <progress id="report-progress" max={queries.to_string()}
                    value={(query - 1).to_string()}></progress>
                <p class="progress-text" role="status">{ tf(&lang, Msg::ReportProgress, &[
                    ("n", Arg::Num(*statements as f64)),
                    ("query", Arg::Num(*query as f64)),
                    ("queries", Arg::Num(*queries as f64)),
                ]) }</p>
            </div>
        },
        ReportState::Failed(failure) => {
            let text = match failure {
                ReportFailure::Auth(status) => tf(
                    &lang,
                    Msg::ReportErrorAuth,
                    &[("status", Arg::Num(f64::from(*status)))],
                ),
                ReportFailure::Status {
                    url,
                    status,
                    reason,
                } => tf(
                    &lang,
                    Msg::ReportErrorStatus,
                    &[
                        ("url", Arg::Text(url)),
                        ("status", Arg::Num(f64::from(*status))),
                        ("reason", Arg::Text(reason)),
                    ],
                ),
                ReportFailure::Network { url, reason } => tf(
                    &lang,
                    Msg::ReportErrorNetwork,
                    &[("url", Arg::Text(url)), ("reason", Arg::Text(reason))],
                ),
                ReportFailure::Answer { url, reason } => tf(
                    &lang,
                    Msg::ReportErrorAnswer,
                    &[("url", Arg::Text(url)), ("reason", Arg::Text(reason))],
                ),
            };
            html! {
                <>
                    <p class="report-error" role="alert">{ text }</p>
                    <button type="button" class="primary" onclick={onretry}>{ t(&lang, Key::ReportRetry) }</button>
                </>
            }
        }
        ReportState::Ready(report, _) if report.used == 0 => {
            html! { <p class="report-empty" role="status">{ t(&lang, Key::ReportEmpty) }</p> }
        }
        ReportState::Ready(report, basis) => figures(&lang, report, basis.as_ref()),
    };
    html! {
        <div class="report">
            <header class="top">
                <p class="module-title">{ title }</p>
            </header>
            <main id="main">
                <h1>{ t(&lang, Key::ReportTitle) }</h1>
                <p>{ t(&lang, Key::ReportIntro) }</p>
                <form class="period" onsubmit={onsubmit}>
                    <fieldset>
                        <legend>{ t(&lang, Key::ReportPeriod) }</legend>
                        <label for="report-since">{ t(&lang, Key::ReportSince) }</label>
                        <input type="date" id="report-since" ref={since_ref} value={initial.0.clone()} />
                        <label for="report-until">{ t(&lang, Key::ReportUntil) }</label>
                        <input type="date" id="report-until" ref={until_ref} value={initial.1.clone()} />
                        <button type="submit">{ t(&lang, Key::ReportApply) }</button>
                    </fieldset>
                </form>
                { body }
            </main>
        </div>
    }
}

/// A share as a percentage, or "not enough data".
fn pct(lang: &str, share: Option<f64>) -> String {
    share.map_or_else(
        || t(lang, Key::ReportNone).to_string(),
        |s| intl::percent(lang, s),
    )
}

fn num(lang: &str, n: usize) -> String {
    intl::number(lang, n as f64)
}

/// Every section of a report with data.
fn figures(lang: &str, r: &Report, basis: Option<&Basis>) -> Html {
    let none = t(lang, Key::ReportNone);
    let median = r
        .median_completion_ms
        .map_or_else(|| none.to_string(), |ms| duration(lang, ms));
    let stat = |id: &str, key: Key, value: String| {
        html! { <div><dt>{ t(lang, key) }</dt><dd id={format!("stat-{id}")}>{ value }</dd></div> }
    };
    let as_of = basis.map(|b| {
        let time = b.as_of_ms.map_or_else(
            || t(lang, Key::ReportNone).to_string(),
            |ms| intl::date_time(lang, ms),
        );
        html! {
            <p id="report-as-of" class="hint">{ tf(lang, Msg::ReportAsOf, &[
                ("time", Arg::Text(&time)),
                ("n", Arg::Num(b.newer as f64)),
            ]) }</p>
        }
    });
    let sample = basis.map(|b| {
        html! {
            <p id="report-sample" class="hint">{ tf(lang, Msg::ReportSample, &[
                ("sample", Arg::Num(b.sample as f64)),
                ("attempts", Arg::Num(b.attempts as f64)),
            ]) }</p>
        }
    });
    let overview = html! {
        <section aria-labelledby="r-overview">
            <h2 id="r-overview">{ t(lang, Key::ReportOverview) }</h2>
            { for as_of }
            <dl class="figures">
                { stat("attempts", Key::ReportAttempts, num(lang, r.attempts)) }
                { stat("learners", Key::ReportLearners, num(lang, r.learners)) }
                { stat("completions", Key::ReportCompletions, num(lang, r.completions)) }
                { stat("pass-rate", Key::ReportPassRate, pct(lang, r.pass_rate)) }
                { stat("median-time", Key::ReportMedianTime, median) }
                { stat("statements", Key::ReportStatementsUsed, num(lang, r.used)) }
            </dl>
        </section>
    };

    let days: Vec<Bar> = r
        .days
        .iter()
        .map(|d| Bar {
            label: intl::utc_day(lang, d.day_ms as f64),
            value: d.attempts as f64,
            text: num(lang, d.attempts),
            note: String::new(),
            marked: false,
            key: d.day_ms.to_string(),
        })
        .collect();
    let day_rows = r.days.iter().map(|d| {
        html! {
            <tr>
                <th scope="row">{ intl::utc_day(lang, d.day_ms as f64) }</th>
                <td>{ num(lang, d.attempts) }</td>
                <td>{ num(lang, d.completions) }</td>
                <td>{ pct(lang, pelita_stats::share(d.passed, d.judged)) }</td>
                <td>{ d.median_ms.map_or_else(|| none.to_string(), |ms| duration(lang, ms)) }</td>
            </tr>
        }
    });
    let over_time = html! {
        <section aria-labelledby="r-time">
            <h2 id="r-time">{ t(lang, Key::ReportOverTime) }</h2>
            { bar_chart("chart-days", t(lang, Key::ReportAttemptsPerDay),
                [t(lang, Key::ReportDay), t(lang, Key::ReportAttempts)], &days) }
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="r-time">
                <table id="table-days">
                    <thead><tr>
                        <th scope="col">{ t(lang, Key::ReportDay) }</th>
                        <th scope="col">{ t(lang, Key::ReportAttempts) }</th>
                        <th scope="col">{ t(lang, Key::ReportCompletions) }</th>
                        <th scope="col">{ t(lang, Key::ReportPassRate) }</th>
                        <th scope="col">{ t(lang, Key::ReportMedianTime) }</th>
                    </tr></thead>
                    <tbody>{ for day_rows }</tbody>
                </table>
            </div>
        </section>
    };

    let bins: Vec<Bar> = r
        .scores
        .iter()
        .map(|b| Bar {
            label: tf(
                lang,
                Msg::ReportScoreBin,
                &[
                    ("from", Arg::Num(f64::from(b.from))),
                    ("to", Arg::Num(f64::from(b.to))),
                ],
            ),
            value: b.count as f64,
            text: num(lang, b.count),
            note: String::new(),
            marked: false,
            key: b.from.to_string(),
        })
        .collect();
    let scores = html! {
        <section aria-labelledby="r-scores">
            <h2 id="r-scores">{ t(lang, Key::ReportScores) }</h2>
            { bar_chart("chart-scores", t(lang, Key::ReportScores),
                [t(lang, Key::ReportScoreRange), t(lang, Key::ReportAttempts)], &bins) }
        </section>
    };

    let question_rows = r.questions.iter().map(|q| {
        html! {
            <tr data-question={q.id.clone()}>
                <th scope="row">{ &q.title }</th>
                <td class="answered">{ num(lang, q.answered) }</td>
                <td class="share-correct">{ pct(lang, q.difficulty) }</td>
                <td class="discrimination">{ q.discrimination.map_or_else(|| none.to_string(), |d| intl::decimal(lang, d, 2)) }</td>
                <td class="upper-lower">{ q.upper_lower.map_or_else(|| none.to_string(), |d| intl::decimal(lang, d, 2)) }</td>
                <td class="median">{ q.median_ms.map_or_else(|| none.to_string(), |ms| duration(lang, ms)) }</td>
            </tr>
        }
    });
    let csv: Rc<str> = questions_csv(r).into();
    let responses = r
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| !q.options.is_empty())
        .map(|(i, q)| {
            let bars: Vec<Bar> = q
                .options
                .iter()
                .map(|o| {
                    let label = match (o.id.as_str(), &o.label) {
                        (_, Some(label)) => format!("{} · {label}", o.id),
                        ("true", None) if q.kind == "true-false" => {
                            t(lang, Key::ReportTrue).to_string()
                        }
                        ("false", None) if q.kind == "true-false" => {
                            t(lang, Key::ReportFalse).to_string()
                        }
                        (id, None) => id.to_string(),
                    };
                    let mut note = String::new();
                    if o.correct {
                        note.push_str(t(lang, Key::ReportCorrectMark));
                    }
                    let flag = match o.flag {
                        Some(Flag::NobodyPicks) => Some(Key::ReportFlagNobody),
                        Some(Flag::StrongPick) => Some(Key::ReportFlagStrong),
                        None => None,
                    };
                    if let Some(flag) = flag {
                        note.push_str("⚠ ");
                        note.push_str(t(lang, flag));
                    }
                    Bar {
                        label,
                        note,
                        value: o.count as f64,
                        text: num(lang, o.count),
                        marked: o.correct,
                        key: o.id.clone(),
                    }
                })
                .collect();
            let title = tf(
                lang,
                Msg::ReportResponsesOf,
                &[("question", Arg::Text(&q.title))],
            );
            html! {
                { bar_chart(&format!("chart-q{i}"), &title,
                    [t(lang, Key::ReportResponse), t(lang, Key::ReportAnswered)], &bars) }
            }
        });
    let questions = html! {
        <section aria-labelledby="r-questions">
            <h2 id="r-questions">{ t(lang, Key::ReportQuestions) }</h2>
            <p class="hint">{ t(lang, Key::ReportQuestionsHelp) }</p>
            { for sample }
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="r-questions">
                <table id="table-questions">
                    <thead><tr>
                        <th scope="col">{ t(lang, Key::ReportQuestion) }</th>
                        <th scope="col">{ t(lang, Key::ReportAnswered) }</th>
                        <th scope="col">{ t(lang, Key::ReportShareCorrect) }</th>
                        <th scope="col">{ t(lang, Key::ReportDiscrimination) }</th>
                        <th scope="col">{ t(lang, Key::ReportUpperLower) }</th>
                        <th scope="col">{ t(lang, Key::ReportMedianAnswer) }</th>
                    </tr></thead>
                    <tbody>{ for question_rows }</tbody>
                </table>
            </div>
            <p><CsvLink csv={csv} filename="questions.csv" label={t(lang, Key::ReportDownloadCsv)} /></p>
            { for responses }
        </section>
    };

    let funnel: Vec<Bar> = r
        .pages
        .iter()
        .map(|p| Bar {
            label: p.title.clone(),
            value: p.reached as f64,
            text: num(lang, p.reached),
            note: String::new(),
            marked: false,
            key: p.id.clone(),
        })
        .collect();
    let page_rows = r.pages.iter().map(|p| {
        html! {
            <tr data-page={p.id.clone()}>
                <th scope="row">{ &p.title }</th>
                <td class="views">{ num(lang, p.views) }</td>
                <td class="reached">{ num(lang, p.reached) }</td>
                <td class="drop-off">{ p.drop_off.map_or_else(|| "–".to_string(), |d| intl::percent(lang, d)) }</td>
            </tr>
        }
    });
    let pages = html! {
        <section aria-labelledby="r-pages">
            <h2 id="r-pages">{ t(lang, Key::ReportPages) }</h2>
            { bar_chart("chart-funnel", t(lang, Key::ReportFunnel),
                [t(lang, Key::ReportPage), t(lang, Key::ReportReached)], &funnel) }
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="r-pages">
                <table id="table-pages">
                    <thead><tr>
                        <th scope="col">{ t(lang, Key::ReportPage) }</th>
                        <th scope="col">{ t(lang, Key::ReportViews) }</th>
                        <th scope="col">{ t(lang, Key::ReportReached) }</th>
                        <th scope="col">{ t(lang, Key::ReportDropOff) }</th>
                    </tr></thead>
                    <tbody>{ for page_rows }</tbody>
                </table>
            </div>
        </section>
    };

    let competency_rows = r.competencies.iter().map(|c| {
        let weakest = c.weakest.iter().map(|w| {
            html! { <li>{ format!("{} ({})", w.title, intl::percent(lang, w.share_correct)) }</li> }
        });
        html! {
            <tr data-competency={c.id.clone()}>
                <th scope="row">{ &c.title }</th>
                <td class="learners">{ num(lang, c.learners) }</td>
                <td class="mastered">{ num(lang, c.mastered) }</td>
                <td class="weakest"><ul>{ for weakest }</ul></td>
            </tr>
        }
    });
    // Competencies from a summary whose sample of learners is full are estimates: say
    // from how many learners, and the counts' error (two standard errors, 2/√n: a 95%
    // interval).
    let learner_sample = basis.filter(|b| !b.competencies_exact).map(|b| {
        let error = (200.0 / (b.learners_sampled.max(1) as f64).sqrt()).round();
        html! {
            <p id="report-competencies-sample" class="hint">{ tf(lang, Msg::ReportCompetenciesSample, &[
                ("sample", Arg::Num(b.learners_sampled as f64)),
                ("error", Arg::Num(error)),
            ]) }</p>
        }
    });
    let competencies = html! {
        <section aria-labelledby="r-competencies">
            <h2 id="r-competencies">{ t(lang, Key::ReportCompetencies) }</h2>
            <p class="hint">{ t(lang, Key::ReportCompetenciesHelp) }</p>
            { for learner_sample }
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="r-competencies">
                <table id="table-competencies">
                    <thead><tr>
                        <th scope="col">{ t(lang, Key::ReportCompetency) }</th>
                        <th scope="col">{ t(lang, Key::ReportLearners) }</th>
                        <th scope="col">{ t(lang, Key::ReportMastered) }</th>
                        <th scope="col">{ t(lang, Key::ReportWeakest) }</th>
                    </tr></thead>
                    <tbody>{ for competency_rows }</tbody>
                </table>
            </div>
        </section>
    };
    html! {
        <div class="figures-all" id="report-ready">
            { overview }
            { over_time }
            { scores }
            { questions }
            { pages }
            { competencies }
        </div>
    }
}
