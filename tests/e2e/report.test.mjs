// The report view (?view=report), end to end: six learners play the phishing module in
// Chromium with scripted answers (five finish, one leaves after the second page), a
// seventh answers one question of the second module, all into the real LRS (Learning
// Locker's xapi-statements, behind the harness proxy that adds a State API). Then the
// report is opened with small pages (limit=7, so it follows many `more` links with its
// progress bar) and every number it shows is checked against what the script implies:
// attempts, completions, pass rate, share correct per question, the responses per
// choice with the flags, the page funnel, the competencies across both modules, and the
// CSV download. Also: an empty LRS, a period with no statements, refused credentials, an
// unreachable LRS and no LRS at all each give a clear message, and axe finds no
// violations.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { startLrs } from '../support/lrs.mjs';
import { startProxy } from '../support/proxy.mjs';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import {
  DIST, ROOT, MODULE_ID, requireDist, playerUrl, chooseByMouse, expectHeading, storedOutbox,
} from './helpers.mjs';
import { axeViolations } from '../support/axe.mjs';

const KATA_ID = 'https://pelita.example.org/modules/kata-sandi';
const COMPETENCY = (name) => `https://pelita.example.org/competencies/${name}`;
const actor = (n) => ({ objectType: 'Agent', name: `Learner ${n}`, mbox: `mailto:learner${n}@example.go.id` });

// The answer key of modules/phishing.json and each question's points (all or nothing).
const KEY = { 'q-pin': ['false'], 'q-url': ['b'], 'q-signs': ['a', 'c', 'd'], 'q-attachment': ['true'], 'q-report': ['c'] };
const POINTS = { 'q-pin': 1, 'q-url': 1, 'q-signs': 2, 'q-attachment': 1, 'q-report': 1 };
const OPTIONS = { 'q-pin': ['true', 'false'], 'q-url': ['a', 'b', 'c', 'd'], 'q-signs': ['a', 'b', 'c', 'd', 'e'], 'q-attachment': ['true', 'false'], 'q-report': ['a', 'b', 'c'] };
const ORDER = ['q-pin', 'q-url', 'q-signs', 'q-attachment', 'q-report'];
// Five learners finish; learner 6 answers q-pin and leaves on the second page.
const PLAN = [
  { 'q-pin': ['false'], 'q-url': ['b'], 'q-signs': ['a', 'c', 'd'], 'q-attachment': ['true'], 'q-report': ['c'] },
  { 'q-pin': ['false'], 'q-url': ['b'], 'q-signs': ['a', 'c', 'd'], 'q-attachment': ['true'], 'q-report': ['a'] },
  { 'q-pin': ['true'], 'q-url': ['b'], 'q-signs': ['a', 'c'], 'q-attachment': ['true'], 'q-report': ['c'] },
  { 'q-pin': ['true'], 'q-url': ['a'], 'q-signs': ['a', 'c', 'd'], 'q-attachment': ['false'], 'q-report': ['b'] },
  { 'q-pin': ['false'], 'q-url': ['c'], 'q-signs': ['a', 'b'], 'q-attachment': ['true'], 'q-report': ['c'] },
];
const LEAVER = { 'q-pin': ['true'] };
const PAGES = ['kenali/page/pengantar', 'kenali/page/tanda', 'kenali/page/tautan', 'tindak/page/langkah', 'tindak/page/kuis'];

const right = (q, given) => given.length === KEY[q].length && given.every((g) => KEY[q].includes(g));
const score = (plan) => ORDER.reduce((sum, q) => sum + (plan[q] && right(q, plan[q]) ? POINTS[q] : 0), 0);
const pct = (part, whole) => `${Math.round((100 * part) / whole)}%`;

let lrs, proxy, server, browser, page, errors, endpoint, phishing;

before(async () => {
  requireDist();
  lrs = await startLrs({ username: 'pelita', password: 'report-secret' });
  proxy = await startProxy({ target: lrs.endpoint, stateApi: { auth: lrs.auth } });
  endpoint = proxy.endpoint(lrs.endpoint);
  server = await serveStatic({ root: DIST });
  browser = await launchBrowser({ viewport: { width: 360, height: 740 }, acceptDownloads: true });
  page = browser.page;
  // Records whether a progress bar was ever shown, and its texts, from the first render on.
  await browser.context.addInitScript(() => {
    window.__progress = [];
    new MutationObserver(() => {
      const text = document.querySelector('.reading .progress-text')?.textContent;
      if (document.querySelector('progress#report-progress') && text && window.__progress.at(-1) !== text) {
        window.__progress.push(text);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  phishing = JSON.parse(await readFile(path.join(ROOT, 'www/modules/phishing.json'), 'utf8'));
});

after(async () => {
  await browser?.close();
  await server?.close();
  await proxy?.close();
  await lrs?.stop();
});

function reportUrl(params = {}) {
  return playerUrl(server.url, {
    module: 'modules/phishing.json', view: 'report', endpoint, auth: lrs.auth, lang: 'en', ...params,
  });
}

const violations = () => axeViolations(page);

async function waitForSent(count, activityId = MODULE_ID) {
  const deadline = Date.now() + 30_000;
  let last = [];
  while (Date.now() < deadline) {
    last = await storedOutbox(page, activityId);
    if (last.length >= count && last.every((e) => e.delivery === 'Sent')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not delivered: ${JSON.stringify(last.map((e) => e.delivery))}`);
}

/** Waits until the LRS holds an `answered` statement of `who` about `question`. */
async function untilStored(who, question) {
  const deadline = Date.now() + 20_000;
  let mine = [];
  while (Date.now() < deadline) {
    mine = await lrs.statements({ agent: JSON.stringify({ mbox: who.mbox }) });
    if (mine.some((s) => s.verb.id.endsWith('/answered') && s.object.id === question)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the LRS has no answer of ${who.name} to ${question}; it has ${mine.map((s) => `${s.verb.id.split('/').pop()} ${s.object.id}`).join(', ')}`);
}

const text = (selector) => page.$eval(selector, (e) => e.textContent.trim());

test('an empty LRS gives a clear empty state, not a blank page or zeros', async () => {
  await page.goto(reportUrl());
  await page.waitForSelector('.report-empty');
  assert.match(await text('.report-empty'), /no statements about this module yet/);
  assert.equal(await page.$('#report-ready'), null);
  assert.deepEqual(await violations(), [], 'axe on the empty report');
});

test('refused credentials, an unreachable LRS and no LRS at all are named', async () => {
  const wrong = 'Basic ' + Buffer.from('pelita:wrong').toString('base64');
  await page.goto(reportUrl({ auth: wrong }));
  await page.waitForSelector('.report-error');
  assert.match(await text('.report-error'), /refused the credentials \(HTTP 401\)/);
  assert.ok(await page.$('main button.primary'), 'a Try again button');

  // A port nothing listens on.
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
  await page.goto(reportUrl({ endpoint: `http://127.0.0.1:${port}/xAPI/` }));
  await page.waitForSelector('.report-error');
  assert.match(await text('.report-error'), new RegExp(`cannot be reached \\(http://127.0.0.1:${port}/xAPI/statements\\?activity=`));
  assert.deepEqual(await violations(), [], 'axe on the error');

  // No LRS at all: the report says how to name one.
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', view: 'report', lang: 'en' }));
  await page.waitForSelector('.report-error');
  assert.match(await text('.report-error'), /No LRS is configured: open the report with endpoint= and auth=/);
});

test('six learners play the phishing module, one the second module, and the report shows what they did', async () => {
  // Each learner opens the module with their own launch.
  for (const [i, plan] of PLAN.entries()) {
    await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', endpoint, auth: lrs.auth, actor: actor(i + 1), lang: 'en' }));
    await page.waitForSelector('#q-q-pin-true');
    const mouse = chooseByMouse(page);
    const answer = async (q) => (OPTIONS[q][0] === 'true' ? mouse.trueFalse(q, plan[q][0]) : mouse.choice(q, plan[q]));
    await answer('q-pin');
    await mouse.next();
    await mouse.next();
    await answer('q-url');
    await mouse.next();
    await mouse.next();
    await answer('q-signs');
    await answer('q-attachment');
    await answer('q-report');
    await page.click('.nav .finish button');
    await expectHeading(page, 'Your result');
    assert.match(await text('.score'), new RegExp(`^You scored ${score(plan)} of 6 points`));
    // initialized, 5 pages, 5 answers, completed, passed or failed, terminated.
    await waitForSent(14 * (i + 1));
  }
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', endpoint, auth: lrs.auth, actor: actor(6), lang: 'en' }));
  await page.waitForSelector('#q-q-pin-true');
  await chooseByMouse(page).trueFalse('q-pin', LEAVER['q-pin'][0]);
  await chooseByMouse(page).next();
  await waitForSent(14 * PLAN.length + 4);
  // And the LRS itself holds the leaver's answer (the outbox says sent once the LRS said so).
  await untilStored(actor(6), `${MODULE_ID}/question/q-pin`);

  // Learner 7 answers one question of the second module (its lesson is tagged with the
  // same cyber security competency) and leaves.
  await page.goto(playerUrl(server.url, { module: 'modules/kata-sandi.json', endpoint, auth: lrs.auth, actor: actor(7), lang: 'en' }));
  await page.waitForSelector('.flashcards');
  await chooseByMouse(page).next();
  await chooseByMouse(page).trueFalse('q-otp-petugas', 'false');
  await waitForSent(4, KATA_ID);

  // The report, with pages of 7 statements.
  await page.goto(reportUrl({ limit: '7' }));
  await page.waitForSelector('#report-ready', { timeout: 60_000 });
  assert.equal(await text('h1'), 'Module report');
  const progress = await page.evaluate(() => window.__progress);
  assert.ok(progress.length >= 10, `the progress bar showed the paging: ${JSON.stringify(progress)}`);
  assert.match(progress.at(-1), /statements read, query 3 of 3$/, 'the module, then each of its two competencies');

  // The overview: six attempts by six learners, five finished, two of them passed.
  const finished = PLAN.length;
  const passed = PLAN.filter((p) => score(p) / 6 >= phishing.masteryScore).length;
  assert.equal(passed, 2);
  assert.equal(await text('#stat-attempts'), '6');
  assert.equal(await text('#stat-learners'), '6');
  assert.equal(await text('#stat-completions'), String(finished));
  assert.equal(await text('#stat-pass-rate'), pct(passed, finished));
  assert.match(await text('#stat-median-time'), /^\d+ s$|^\d+ min \d+ s$/);
  assert.deepEqual(
    await page.$$eval('#table-days tbody tr', (rows) => rows.map((r) => [...r.cells].slice(1, 4).map((c) => c.textContent))),
    [['6', '5', '40%']],
    'all on one day',
  );

  // Score distribution: 6, 5, 3, 2, 3 of 6 points.
  const bins = new Array(10).fill(0);
  for (const p of PLAN) bins[Math.min(9, Math.floor((score(p) / 6) * 10))] += 1;
  assert.deepEqual(
    await page.$$eval('#chart-scores tbody tr td', (cells) => cells.map((c) => Number(c.textContent))),
    bins,
  );

  // Per question: answered and share correct; each choice's count with the right one and
  // the flags marked.
  const everyone = [...PLAN, LEAVER];
  for (const [i, q] of ORDER.entries()) {
    const given = everyone.filter((p) => p[q]).map((p) => p[q]);
    const row = `#table-questions tr[data-question="${MODULE_ID}/question/${q}"]`;
    assert.equal(await text(`${row} .answered`), String(given.length), `${q} answered`);
    assert.equal(await text(`${row} .share-correct`), pct(given.filter((g) => right(q, g)).length, given.length), `${q} share correct`);
    assert.doesNotMatch(await text(row), /NaN/);
    const shown = await page.$$eval(`#chart-q${i} tbody tr`, (rows) => rows.map((r) => [r.dataset.key, r.cells[0].textContent, Number(r.cells[1].textContent)]));
    const expected = OPTIONS[q].map((o) => [o, given.filter((g) => g.includes(o)).length]);
    assert.deepEqual(shown.map(([id, , n]) => [id, n]), expected, `${q} responses`);
    for (const [id, label, n] of shown) {
      assert.equal(label.includes('(correct)'), KEY[q].includes(id), `${q} ${id} marked correct or not`);
      const nobody = !KEY[q].includes(id) && n === 0;
      assert.equal(label.includes('nobody picks it'), nobody, `${q} ${id}: flagged when nobody picks a wrong option`);
      assert.ok(!label.includes('most strong learners'), 'the strongest learner chose right everywhere');
    }
  }

  // The funnel: six attempts reached the first two pages, five the rest.
  const funnel = await page.$$eval('#table-pages tbody tr', (rows) => rows.map((r) => [r.dataset.page, ...[...r.cells].slice(1).map((c) => c.textContent)]));
  assert.deepEqual(funnel, PAGES.map((p, i) => [
    `${MODULE_ID}/lesson/${p}`,
    String(i < 2 ? 6 : 5),
    String(i < 2 ? 6 : 5),
    i === 0 ? '–' : i === 2 ? '17%' : '0%',
  ]));

  // Competencies across both modules. Cyber security (the "tindak" lesson: q-signs 2
  // points, q-attachment, q-report; and the second module's q-otp-petugas): learner 1
  // has 4 of 4 points, learner 7 1 of 1; the others at most 3 of 4 (75%, under 80%).
  // Digital literacy (q-pin, q-url): learners 1 and 2 have both right.
  const competency = async (name) => page.$$eval(`#table-competencies tr[data-competency="${COMPETENCY(name)}"] td`, (cells) => cells.map((c) => c.textContent));
  const prompt = (q) => phishing.lessons.flatMap((l) => l.pages).flatMap((p) => p.blocks).find((b) => b.id === q).prompt.en;
  const [learners, mastered, weakest] = await competency('keamanan-siber');
  assert.deepEqual([learners, mastered], ['6', '2']);
  assert.equal(weakest, `${prompt('q-report')} (60%)${prompt('q-signs')} (60%)${prompt('q-attachment')} (80%)`);
  assert.deepEqual((await competency('literasi-digital')).slice(0, 2), ['6', '2']);

  // The CSV download holds the same per-question table.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.csv')]);
  assert.equal(download.suggestedFilename(), 'questions.csv');
  const csv = parseCsv(await readFile(await download.path(), 'utf8'));
  assert.deepEqual(csv[0], ['question_id', 'question', 'answered', 'correct', 'share_correct', 'discrimination', 'upper_lower_index', 'median_seconds', 'responses']);
  assert.equal(csv.length, ORDER.length + 1);
  for (const [i, q] of ORDER.entries()) {
    const given = everyone.filter((p) => p[q]).map((p) => p[q]);
    const correct = given.filter((g) => right(q, g)).length;
    const row = csv[i + 1];
    assert.deepEqual(row.slice(0, 5), [
      `${MODULE_ID}/question/${q}`, prompt(q), String(given.length), String(correct),
      String(Number((correct / given.length).toFixed(4))),
    ]);
    const responses = OPTIONS[q].map((o) => {
      const n = given.filter((g) => g.includes(o)).length;
      return `${o}: ${n}${KEY[q].includes(o) ? ' (correct)' : ''}${!KEY[q].includes(o) && n === 0 ? ' [nobody picks it]' : ''}`;
    });
    assert.equal(row[8], responses.join('; '), `${q} responses in the CSV`);
    assert.match(row[5], /^(-?\d(\.\d+)?)?$/, 'discrimination: a number or empty, never NaN');
  }

  // Readable on a phone, and clean for screen readers.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the report is ${overflow}px wider than the 360px screen`);
  assert.deepEqual(await violations(), [], 'axe on the full report');
  for (const svg of await page.$$('.chart svg')) {
    assert.ok((await svg.$eval('title', (t) => t.textContent)).length > 0, 'every chart has a title');
  }

  // In Indonesian, the same numbers in the reader's language.
  await page.goto(reportUrl({ lang: 'id' }));
  await page.waitForSelector('#report-ready');
  assert.equal(await text('h1'), 'Laporan modul');
  assert.equal(await text('#stat-attempts'), '6');
  assert.equal(await page.getAttribute('html', 'lang'), 'id');
  assert.deepEqual(await violations(), [], 'axe on the report in Indonesian');

  // A period with no statements: the date fields, then Show.
  await page.fill('#report-since', '2099-01-01');
  await page.click('.period button');
  await page.waitForSelector('.report-empty');
  assert.match(await text('.report-empty'), /belum memiliki pernyataan/);
});

/** Reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(input) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && input[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  assert.equal(field + row.join(''), '', 'the CSV ends with CRLF');
  return rows;
}
