// The report from a summary plus fresh statements, end to end. A script writes the
// statements of eight attempts at the phishing module straight into the LRS (the last
// one still in progress), `pelita stats update` summarises them, and the script then
// writes more: the rest of the unfinished attempt, two new attempts, an answer of an
// attempt already summarised voided. The report, opened in Chromium, reads the summary
// (one request), then only the newer statements, and every number it shows is checked
// against what the script implies. The answers carry the phishing module's competency
// tags, and another module that shares one of them (kata-sandi) has answers too, before
// and after the summary (one of them voided after it was summarised): the competencies'
// figures come from the summary's sample of learners plus the tagged answers stored
// after it, and are checked against the script's own count of learners, masters and
// weakest questions.
//
// Against the reference LRS (Learning Locker's xapi-statements, which has no Activity
// Profile API) the command first says so, then writes the summary to a file, which the
// report reads by URL (`summary=`); against `pelita serve` (PELITA_E2E_LRS=embedded) the
// summary is stored in the LRS as an activity profile document.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { startLrs } from '../support/lrs.mjs';
import { pelitaBinary } from '../support/pelita-serve.mjs';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { DIST, ROOT, MODULE_ID, VERB, requireDist, playerUrl } from './helpers.mjs';
import { axeViolations } from '../support/axe.mjs';

const EMBEDDED = process.env.PELITA_E2E_LRS === 'embedded';
const KEY = { 'q-pin': ['false'], 'q-url': ['b'], 'q-signs': ['a', 'c', 'd'], 'q-attachment': ['true'], 'q-report': ['c'] };
const POINTS = { 'q-pin': 1, 'q-url': 1, 'q-signs': 2, 'q-attachment': 1, 'q-report': 1 };
const OPTIONS = { 'q-pin': ['true', 'false'], 'q-url': ['a', 'b', 'c', 'd'], 'q-signs': ['a', 'b', 'c', 'd', 'e'], 'q-attachment': ['true', 'false'], 'q-report': ['a', 'b', 'c'] };
const ORDER = ['q-pin', 'q-url', 'q-signs', 'q-attachment', 'q-report'];
const PAGES = ['kenali/page/pengantar', 'kenali/page/tanda', 'kenali/page/tautan', 'tindak/page/langkah', 'tindak/page/kuis'];
// Where each question is answered: after which page.
const AFTER_PAGE = { 'q-pin': 0, 'q-url': 2, 'q-signs': 4, 'q-attachment': 4, 'q-report': 4 };
const W = (q) => OPTIONS[q].filter((o) => !KEY[q].includes(o));
const SIBER = 'https://pelita.example.org/competencies/keamanan-siber';
const LITERASI = 'https://pelita.example.org/competencies/literasi-digital';
const COMPETENCY_TYPE = 'https://pelita.example.org/xapi/activity-types/competency';
// The competency of each question: its lesson's (kenali: literasi-digital, tindak:
// keamanan-siber).
const TAG = { 'q-pin': LITERASI, 'q-url': LITERASI, 'q-signs': SIBER, 'q-attachment': SIBER, 'q-report': SIBER };
const OTHER = 'https://pelita.example.org/modules/kata-sandi';
const MASTERY = 0.8;
// Ten attempts; each answer list is the attempt's answers to that question in order (the
// last counts). Totals after the voiding below: 6 6 5 | 4 4 3 3 | 2 1 0, so the upper
// and lower 27% (three attempts each) are the same whichever way ties are broken.
const PLANS = [
  { 'q-pin': [KEY['q-pin']], 'q-url': [KEY['q-url']], 'q-signs': [KEY['q-signs']], 'q-attachment': [KEY['q-attachment']], 'q-report': [KEY['q-report']] },
  { 'q-pin': [KEY['q-pin']], 'q-url': [KEY['q-url']], 'q-signs': [KEY['q-signs']], 'q-attachment': [KEY['q-attachment']], 'q-report': [KEY['q-report']] },
  { 'q-pin': [KEY['q-pin']], 'q-url': [KEY['q-url']], 'q-signs': [KEY['q-signs']], 'q-attachment': [KEY['q-attachment']], 'q-report': [KEY['q-report']] },
  { 'q-pin': [['true']], 'q-url': [['b'], ['a']], 'q-signs': [KEY['q-signs']], 'q-attachment': [KEY['q-attachment']], 'q-report': [KEY['q-report']] },
  { 'q-pin': [KEY['q-pin']], 'q-url': [KEY['q-url']], 'q-signs': [['a', 'c']], 'q-attachment': [KEY['q-attachment']], 'q-report': [KEY['q-report']] },
  { 'q-pin': [['true']], 'q-url': [['c']], 'q-signs': [KEY['q-signs']], 'q-attachment': [KEY['q-attachment']], 'q-report': [['a']] },
  { 'q-pin': [KEY['q-pin']], 'q-url': [KEY['q-url']], 'q-signs': [['b']], 'q-attachment': [['false']], 'q-report': [KEY['q-report']] },
  { 'q-pin': [['true']], 'q-url': [KEY['q-url']], 'q-signs': [['a', 'e']], 'q-attachment': [KEY['q-attachment']], 'q-report': [['b']] },
  { 'q-pin': [['true']], 'q-url': [['d']], 'q-signs': [['b']], 'q-attachment': [KEY['q-attachment']], 'q-report': [['a']] },
  { 'q-pin': [['true']], 'q-url': [['d']], 'q-signs': [['b', 'e']], 'q-attachment': [['false']], 'q-report': [['b']] },
];
const DAY1 = Date.parse('2026-02-02T08:00:00.000Z');
const DAY2 = Date.parse('2026-02-03T09:00:00.000Z');

const right = (q, given) => given.length === KEY[q].length && given.every((g) => KEY[q].includes(g));
const iso = (ms) => new Date(ms).toISOString();
let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

/** The statements of attempt `i`, as the player writes them (what the report reads). */
function attempt(i) {
  const plan = PLANS[i];
  const registration = `10000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
  const actor = { objectType: 'Agent', name: `Learner ${i + 1}`, mbox: `mailto:learner${i + 1}@example.go.id` };
  let at = (i < 5 ? DAY1 : DAY2) + i * 3_600_000;
  const list = [];
  const push = (verb, object, result, step) => {
    at += step;
    const s = {
      id: uuid(), actor, verb: { id: VERB(verb), display: { en: verb } },
      object: { objectType: 'Activity', id: object },
      context: { registration, contextActivities: { grouping: [{ id: MODULE_ID }] } },
      timestamp: iso(at),
    };
    const q = object.split('/question/')[1];
    if (q) s.context.contextActivities.category = [{ id: TAG[q], objectType: 'Activity', definition: { type: COMPETENCY_TYPE } }];
    if (result) s.result = result;
    list.push(s);
  };
  push('initialized', MODULE_ID, null, 0);
  let total = 0;
  PAGES.forEach((p, k) => {
    push('experienced', `${MODULE_ID}/lesson/${p}`, null, 15_000 + 1000 * i);
    for (const q of ORDER.filter((q) => AFTER_PAGE[q] === k)) {
      plan[q].forEach((given, t) => {
        const ok = right(q, given);
        if (t === plan[q].length - 1 && ok) total += POINTS[q];
        push('answered', `${MODULE_ID}/question/${q}`, {
          response: given.join('[,]'), success: ok,
          score: { raw: ok ? POINTS[q] : 0, min: 0, max: POINTS[q] },
        }, 10_000 + 3000 * ORDER.indexOf(q) + 700 * i);
      });
    }
  });
  push('completed', MODULE_ID, { completion: true, duration: `PT${100 + 7 * i}S` }, 1000);
  const scaled = total / 6;
  const passed = scaled >= 0.8;
  push(passed ? 'passed' : 'failed', MODULE_ID, { success: passed, score: { scaled } }, 10);
  push('terminated', MODULE_ID, null, 10);
  return list;
}

const ATTEMPTS = PLANS.map((_, i) => attempt(i));
// The eighth attempt is still in progress when the summary is made: initialized, two
// pages and its first answer.
const FIRST = [...ATTEMPTS.slice(0, 7).flat(), ...ATTEMPTS[7].slice(0, 4)];
// The first attempt's answer to q-report, summarised, then voided.
const VOIDED = ATTEMPTS[0].find((s) => s.object.id.endsWith('/q-report'));
const VOIDING = {
  id: uuid(), actor: { objectType: 'Agent', mbox: 'mailto:admin@example.go.id' },
  verb: { id: VERB('voided'), display: { en: 'voided' } },
  object: { objectType: 'StatementRef', id: VOIDED.id }, timestamp: iso(DAY2 + 86_400_000),
};
const FRESH = [...ATTEMPTS[7].slice(4), ...ATTEMPTS[8], ...ATTEMPTS[9], VOIDING];

/** An answer in the other module (kata-sandi), tagged keamanan-siber, by learner `l`. */
function other(l, q, raw, max, at) {
  return {
    id: uuid(), actor: { objectType: 'Agent', name: `Learner ${l}`, mbox: `mailto:learner${l}@example.go.id` },
    verb: { id: VERB('answered'), display: { en: 'answered' } },
    object: { objectType: 'Activity', id: `${OTHER}/question/${q}` },
    context: {
      registration: `20000000-0000-4000-8000-${String(l).padStart(12, '0')}`,
      contextActivities: { grouping: [{ id: OTHER }], category: [{ id: SIBER, objectType: 'Activity', definition: { type: COMPETENCY_TYPE } }] },
    },
    result: { response: 'x', success: raw === max, score: { raw, min: 0, max } },
    timestamp: iso(at),
  };
}
// Learners 1-3 of the phishing module and learner 11 (only here) answer before the
// summary; after it, learner 2 answers again (the newer answer counts), learners 4 and 12
// answer, and learner 1's answer to q-otp-petugas is voided.
const OTHER_FIRST = [
  other(1, 'q-otp-petugas', 1, 1, DAY1 + 600_000), other(1, 'q-serangan', 1, 3, DAY1 + 660_000),
  other(2, 'q-otp-petugas', 0, 1, DAY1 + 700_000), other(2, 'q-serangan', 3, 3, DAY1 + 760_000),
  other(3, 'q-otp-petugas', 1, 1, DAY1 + 800_000), other(11, 'q-serangan', 3, 3, DAY1 + 900_000),
];
const OTHER_VOIDED = OTHER_FIRST[0];
const OTHER_FRESH = [
  other(2, 'q-otp-petugas', 1, 1, DAY2 + 7_200_000), other(4, 'q-serangan', 2, 3, DAY2 + 7_300_000),
  other(12, 'q-otp-petugas', 0, 1, DAY2 + 7_400_000),
  {
    id: uuid(), actor: { objectType: 'Agent', mbox: 'mailto:admin@example.go.id' },
    verb: { id: VERB('voided'), display: { en: 'voided' } },
    object: { objectType: 'StatementRef', id: OTHER_VOIDED.id }, timestamp: iso(DAY2 + 86_400_000 + 1000),
  },
];

let lrs, server, browser, page, summaryFile;

before(async () => {
  requireDist();
  lrs = await startLrs({ username: 'pelita', password: 'summary-secret' });
  server = await serveStatic({ root: DIST });
  browser = await launchBrowser({ viewport: { width: 360, height: 740 } });
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await server?.close();
  await lrs?.stop();
  if (summaryFile) await rm(summaryFile, { force: true });
});

async function post(statements) {
  for (let i = 0; i < statements.length; i += 40) {
    const res = await fetch(`${lrs.endpoint}statements`, {
      method: 'POST',
      headers: { Authorization: lrs.auth, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' },
      body: JSON.stringify(statements.slice(i, i + 40)),
    });
    assert.equal(res.status, 200, await res.text());
  }
}

function stats(args) {
  return new Promise((resolve) => {
    execFile(pelitaBinary(), ['stats', 'update', '--endpoint', lrs.endpoint, '--auth', lrs.auth, '--page-size', '9', ...args, path.join(ROOT, 'www/modules/phishing.json')],
      (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

/** Every figure the script implies, computed here independently of pelita-stats. */
function expected() {
  const all = [...FIRST, ...FRESH].filter((s) => s.id !== VOIDED.id && s.verb.id !== VERB('voided'));
  const byAttempt = new Map();
  for (const s of all) {
    const r = s.context.registration;
    if (!byAttempt.has(r)) byAttempt.set(r, []);
    byAttempt.get(r).push(s);
  }
  const attempts = [...byAttempt.values()].map((list) => list.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp)));
  const last = attempts.map((list) => {
    const answers = {};
    list.forEach((s, k) => {
      if (s.verb.id !== VERB('answered')) return;
      const q = s.object.id.split('/').pop();
      answers[q] = { s, ms: Date.parse(s.timestamp) - Date.parse(list[k - 1].timestamp) };
    });
    return answers;
  });
  const totals = last.map((a) => Object.values(a).reduce((t, { s }) => t + s.result.score.raw, 0));
  const ranked = totals.map((t, i) => [t, i]).sort((x, y) => y[0] - x[0]);
  const size = Math.max(1, Math.round(ranked.length * 0.27));
  assert.ok(ranked[size - 1][0] > ranked[size][0] && ranked.at(-size)[0] < ranked.at(-size - 1)[0], 'no ties at the group boundaries');
  const upper = new Set(ranked.slice(0, size).map((r) => r[1]));
  const lower = new Set(ranked.slice(-size).map((r) => r[1]));
  const median = (v) => {
    const s = [...v].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const pearson = (pairs) => {
    const mx = pairs.reduce((t, p) => t + p[0], 0) / pairs.length;
    const my = pairs.reduce((t, p) => t + p[1], 0) / pairs.length;
    let sxy = 0, sxx = 0, syy = 0;
    for (const [x, y] of pairs) { sxy += (x - mx) * (y - my); sxx += (x - mx) ** 2; syy += (y - my) ** 2; }
    return sxx > 1e-12 && syy > 1e-12 ? sxy / Math.sqrt(sxx * syy) : null;
  };
  const questions = ORDER.map((q) => {
    const given = last.map((a, i) => [i, a[q]]).filter(([, a]) => a);
    const responses = given.map(([, a]) => a.s.result.response.split('[,]'));
    const correct = given.filter(([, a]) => a.s.result.success).length;
    const share = (group) => {
      const g = given.filter(([i]) => group.has(i));
      return g.length ? g.filter(([, a]) => a.s.result.success).length / g.length : null;
    };
    const u = share(upper), l = share(lower);
    const upperGiven = given.filter(([i]) => upper.has(i));
    return {
      q, answered: given.length, correct,
      discrimination: pearson(given.map(([i, a]) => [a.s.result.score.raw, totals[i] - a.s.result.score.raw])),
      upperLower: u === null || l === null ? null : u - l,
      median: median(given.map(([, a]) => a.ms)),
      options: OPTIONS[q].map((o) => {
        const count = responses.filter((r) => r.includes(o)).length;
        const strong = upperGiven.filter(([, a]) => a.s.result.response.split('[,]').includes(o)).length;
        const wrong = !KEY[q].includes(o);
        const flag = wrong && given.length >= 5 ? (count === 0 ? 'nobody' : upperGiven.length && strong * 2 > upperGiven.length ? 'strong' : null) : null;
        return [o, count, !wrong, flag];
      }),
    };
  });
  const judged = attempts.map((list) => list.filter((s) => [VERB('passed'), VERB('failed')].includes(s.verb.id)).at(-1)).filter(Boolean);
  const completed = attempts.map((list) => list.filter((s) => s.verb.id === VERB('completed')).at(-1)).filter(Boolean);
  const seconds = (d) => Number(d.result.duration.slice(2, -1)) * 1000;
  const days = [DAY1, DAY2].map((day) => {
    const start = Math.floor(day / 86_400_000) * 86_400_000;
    const of = attempts.filter((list) => Math.floor(Date.parse(list[0].timestamp) / 86_400_000) * 86_400_000 === start);
    const c = of.map((l) => l.find((s) => s.verb.id === VERB('completed'))).filter(Boolean);
    const j = of.map((l) => l.find((s) => [VERB('passed'), VERB('failed')].includes(s.verb.id))).filter(Boolean);
    return { attempts: of.length, completions: c.length, passRate: j.filter((s) => s.verb.id === VERB('passed')).length / j.length, median: median(c.map(seconds)) };
  });
  const bins = new Array(10).fill(0);
  for (const j of judged) bins[Math.min(9, Math.floor(j.result.score.scaled * 10))] += 1;
  const pages = PAGES.map((p) => {
    const views = all.filter((s) => s.object.id === `${MODULE_ID}/lesson/${p}`);
    return [views.length, new Set(views.map((s) => s.context.registration)).size];
  });
  // The competencies: each learner's latest answer to each question tagged with one, in
  // any module; learners with a scored answer, those with at least the mastery share of
  // those answers' points, and per question the share of learners whose latest answer is
  // right (the three lowest, then by IRI).
  const voided = new Set([VOIDED.id, OTHER_VOIDED.id]);
  const answers = [...FIRST, ...FRESH, ...OTHER_FIRST, ...OTHER_FRESH]
    .filter((s) => s.verb.id === VERB('answered') && !voided.has(s.id));
  const competencies = [SIBER, LITERASI].map((c) => {
    const latest = new Map();
    for (const s of answers.filter((a) => a.context.contextActivities.category?.some((x) => x.id === c))) {
      const k = `${s.actor.mbox} ${s.object.id}`;
      if (!latest.has(k) || Date.parse(s.timestamp) > Date.parse(latest.get(k).timestamp)) latest.set(k, s);
    }
    const points = new Map();
    const perQuestion = new Map();
    for (const s of latest.values()) {
      const p = points.get(s.actor.mbox) ?? [0, 0];
      points.set(s.actor.mbox, [p[0] + s.result.score.raw, p[1] + s.result.score.max]);
      const q = perQuestion.get(s.object.id) ?? [0, 0];
      perQuestion.set(s.object.id, [q[0] + 1, q[1] + (s.result.success ? 1 : 0)]);
    }
    const weakest = [...perQuestion.entries()].map(([id, [n, r]]) => [id, r / n])
      .sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 3);
    return {
      learners: points.size,
      mastered: [...points.values()].filter(([r, m]) => r / m >= MASTERY - 1e-9).length,
      weakest,
    };
  });
  return {
    competencies,
    used: all.length, attempts: attempts.length, learners: new Set(all.map((s) => s.actor.mbox)).size,
    completions: completed.length, judged: judged.length, passed: judged.filter((s) => s.verb.id === VERB('passed')).length,
    median: median(completed.map(seconds)), days, bins, questions, pages,
  };
}

/** A duration as the report writes it ("42 s", "3 min 5 s") in ms. */
function ms(text) {
  const m = text.match(/^(?:(\d+) min )?(\d+) s$/);
  assert.ok(m, `a duration: ${text}`);
  return (Number(m[1] ?? 0) * 60 + Number(m[2])) * 1000;
}

/** Within the summary's sketch error (1%) and the display's rounding to a second. */
function near(shown, exact, what) {
  assert.ok(Math.abs(ms(shown) - exact) <= exact * 0.01 + 500, `${what}: ${shown} for ${exact} ms`);
}

const text = (selector) => page.$eval(selector, (e) => e.textContent.trim());
const pct = (share) => `${Math.round(100 * share)}%`;

test('the report shows a summary plus the statements stored after it, every number as the script implies', async () => {
  await post(FIRST);
  await post(OTHER_FIRST);
  let reportParams = {};
  if (EMBEDDED) {
    const run = await stats([]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`${MODULE_ID}: ${FIRST.length} new statements .*; 8 attempts, 7 completed, .*in the LRS \\(profileId `));
  } else {
    // The reference LRS has no Activity Profile API: the command says so and fails.
    const refused = await stats([]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /this LRS has no Activity Profile API \(GET .* answered 404\).*give --output FILE/);
    summaryFile = path.join(DIST, `summary-e2e-${process.pid}.json`);
    const run = await stats(['--output', summaryFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`${MODULE_ID}: ${FIRST.length} new statements .*; 8 attempts, 7 completed, `));
    assert.match(run.stderr, new RegExp(`read ${FIRST.length} statements`));
    const summary = JSON.parse(await readFile(summaryFile, 'utf8'));
    assert.equal(summary.version, 2);
    // The competencies' sample holds every learner with a tagged answer so far (of both
    // modules): learners 1-8 of the phishing module (the eighth has answered q-pin) and
    // learner 11 of kata-sandi.
    assert.equal(summary.competencies.threshold, 18446744073709552000);
    assert.equal(Object.keys(summary.competencies.learners).length, 9);
    reportParams = { summary: `${server.url}${path.basename(summaryFile)}` };
  }
  await post(FRESH);
  await post(OTHER_FRESH);

  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const started = Date.now();
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', view: 'report', endpoint: lrs.endpoint, auth: lrs.auth, lang: 'en', limit: '4', ...reportParams }));
  await page.waitForSelector('#report-ready', { timeout: 60_000 });
  console.log(`# report from the summary shown in ${Date.now() - started} ms`);
  page.removeAllListeners('request');

  // It read the summary, then only the module's statements stored after it (ascending,
  // since the summary's time), never the whole module.
  const moduleQueries = requests.filter((u) => u.includes('/statements?activity=') && u.includes(encodeURIComponent(MODULE_ID)));
  assert.ok(moduleQueries.length > 0 && moduleQueries.every((u) => u.includes('since=') && u.includes('ascending=true')), JSON.stringify(moduleQueries));
  assert.ok(requests.some((u) => (EMBEDDED ? u.includes('/activities/profile?') : u.includes('summary-e2e-'))), 'the summary was read');

  const e = expected();
  const asOf = await text('#report-as-of');
  assert.match(asOf, new RegExp(`^Figures from the module's summary as of .+, plus ${FRESH.length} statements stored since\\.$`));
  assert.equal(await text('#report-sample'), `Discrimination and the upper–lower index come from a uniform sample of ${e.attempts} of ${e.attempts} attempts; learners are estimated (within about 3%).`);

  assert.equal(await text('#stat-attempts'), String(e.attempts));
  assert.equal(await text('#stat-learners'), String(e.learners));
  assert.equal(await text('#stat-completions'), String(e.completions));
  assert.equal(await text('#stat-pass-rate'), pct(e.passed / e.judged));
  near(await text('#stat-median-time'), e.median, 'median time to complete');
  assert.equal(await text('#stat-statements'), String(e.used));

  const days = await page.$$eval('#table-days tbody tr', (rows) => rows.map((r) => [...r.cells].slice(1).map((c) => c.textContent)));
  assert.equal(days.length, 2);
  days.forEach((row, i) => {
    assert.deepEqual(row.slice(0, 3), [String(e.days[i].attempts), String(e.days[i].completions), pct(e.days[i].passRate)], `day ${i + 1}`);
    near(row[3], e.days[i].median, `day ${i + 1} median`);
  });
  assert.deepEqual(await page.$$eval('#chart-scores tbody tr td', (cells) => cells.map((c) => Number(c.textContent))), e.bins);

  for (const [i, q] of e.questions.entries()) {
    const row = `#table-questions tr[data-question="${MODULE_ID}/question/${q.q}"]`;
    assert.equal(await text(`${row} .answered`), String(q.answered), `${q.q} answered`);
    assert.equal(await text(`${row} .share-correct`), pct(q.correct / q.answered), `${q.q} share correct`);
    const number = async (cell, value, what) => {
      const shown = await text(`${row} ${cell}`);
      if (value === null) assert.equal(shown, 'not enough data', what);
      else assert.ok(Math.abs(Number(shown.replace('−', '-')) - value) <= 0.005 + 1e-9, `${what}: ${shown} for ${value}`);
    };
    await number('.discrimination', q.discrimination, `${q.q} discrimination`);
    await number('.upper-lower', q.upperLower, `${q.q} upper-lower`);
    near(await text(`${row} .median`), q.median, `${q.q} time to answer`);
    const shown = await page.$$eval(`#chart-q${i} tbody tr`, (rows) => rows.map((r) => [r.dataset.key, r.cells[0].textContent, Number(r.cells[1].textContent)]));
    assert.deepEqual(shown.map(([id, , c]) => [id, c]), q.options.map(([o, c]) => [o, c]), `${q.q} responses`);
    for (const [[, label], [o, , correct, flag]] of shown.map((s, k) => [s, q.options[k]])) {
      assert.equal(label.includes('(correct)'), correct, `${q.q} ${o} correct mark`);
      assert.equal(label.includes('nobody picks it'), flag === 'nobody', `${q.q} ${o} nobody flag`);
      assert.equal(label.includes('most strong learners pick it'), flag === 'strong', `${q.q} ${o} strong flag`);
    }
  }

  const funnel = await page.$$eval('#table-pages tbody tr', (rows) => rows.map((r) => [r.dataset.page, ...[...r.cells].slice(1).map((c) => c.textContent)]));
  assert.deepEqual(funnel, PAGES.map((p, i) => [
    `${MODULE_ID}/lesson/${p}`, String(e.pages[i][0]), String(e.pages[i][1]),
    i === 0 ? '–' : pct(Math.max(0, e.pages[i - 1][1] - e.pages[i][1]) / e.pages[i - 1][1]),
  ]));
  // The competencies come from the summary's sample of learners (every learner: no note
  // of a sample) and the tagged answers stored after it, across both modules; never from
  // every tagged statement (their queries ask only for what came after the summary).
  const competencyQueries = requests.filter((u) => u.includes('/statements?activity=') && (u.includes(encodeURIComponent(SIBER)) || u.includes(encodeURIComponent(LITERASI))));
  assert.ok(competencyQueries.length >= 2 && competencyQueries.every((u) => u.includes('since=')), JSON.stringify(competencyQueries));
  assert.equal(await page.$('#report-competencies-sample'), null);
  const prompts = Object.fromEntries(JSON.parse(await readFile(path.join(ROOT, 'www/modules/phishing.json'), 'utf8')).lessons
    .flatMap((l) => l.pages.flatMap((p) => p.blocks)).filter((b) => b.id?.startsWith('q-')).map((b) => [`${MODULE_ID}/question/${b.id}`, b.prompt.en]));
  const competencies = await page.$$eval('#table-competencies tbody tr', (rows) => rows.map((r) => ({
    id: r.dataset.competency, learners: r.querySelector('.learners').textContent, mastered: r.querySelector('.mastered').textContent,
    weakest: [...r.querySelectorAll('.weakest li')].map((li) => li.textContent),
  })));
  assert.deepEqual(competencies, [SIBER, LITERASI].map((id, k) => ({
    id, learners: String(e.competencies[k].learners), mastered: String(e.competencies[k].mastered),
    weakest: e.competencies[k].weakest.map(([q, share]) => `${prompts[q] ?? q} (${pct(share)})`),
  })));
  // The script's data reaches every case: the other module's questions are among the
  // weakest, and the voided and the replaced answers change the figures.
  assert.ok(e.competencies[0].weakest.some(([q]) => q.startsWith(OTHER)), JSON.stringify(e.competencies));
  assert.ok(e.competencies[0].learners >= 10 && e.competencies[0].mastered > 0, JSON.stringify(e.competencies));
  assert.deepEqual(await axeViolations(page), [], 'axe on the report from a summary');

  // In Indonesian, the note says the same.
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', view: 'report', endpoint: lrs.endpoint, auth: lrs.auth, lang: 'id', ...reportParams }));
  await page.waitForSelector('#report-ready');
  assert.match(await text('#report-as-of'), new RegExp(`ditambah ${FRESH.length} pernyataan`));
  assert.equal(await text('#stat-attempts'), String(e.attempts));

  // A chosen period reads every statement of it, as without a summary.
  await page.fill('#report-since', '2000-01-01');
  await page.click('.period button');
  await page.waitForFunction(() => !document.querySelector('#report-as-of') && document.querySelector('#report-ready'));
  assert.equal(await text('#stat-attempts'), String(e.attempts));
});

test('a summary= address that names no file is a clear error', async () => {
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', view: 'report', endpoint: lrs.endpoint, auth: lrs.auth, lang: 'en', summary: `${server.url}no-such-summary.json` }));
  await page.waitForSelector('.report-error');
  assert.match(await text('.report-error'), /no-such-summary\.json with HTTP 404/);
});
