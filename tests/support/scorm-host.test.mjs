// These tests prove that the SCORM host (scorm-host.mjs, scorm-host.html) can judge the
// player's SCORM bridge before any player test relies on it. A tiny hand-written SCO
// (fixtures/scorm-content.html) finds the API by walking its parents and makes the calls
// each test lists, for SCORM 1.2 and 2004; the host must record each call with the result
// and error code scorm-again gave, receive the commits (the final one too, which
// scorm-again sends by sendBeacon), refuse invalid values with scorm-again's codes (405,
// 406, 407, 123), pass a failed commit on to the content, and relaunch with the suspend
// data and location of the previous launch (resume). Run with
// `node --test tests/support/scorm-host.test.mjs`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

import { launchBrowser } from './browser.mjs';
import { startScormHost, readHarness, scormErrors, resumeCmi, limitProblems } from './scorm-host.mjs';

let browser;
let host;

before(async () => {
  [browser, host] = await Promise.all([launchBrowser(), startScormHost()]);
});
after(async () => {
  await Promise.all([browser?.close(), host?.close()]);
});

/** A fresh tab for one test, with its console errors collected. */
async function tab(t) {
  const page = await browser.newPage();
  const problems = browser.watch(page);
  t.after(() => page.close());
  return { page, problems };
}

/** Launches the fixture SCO with `steps` and waits until it made every call. */
async function play(page, { version, steps, nest = false, ...options }) {
  const q = new URLSearchParams({ version, steps: JSON.stringify(steps) });
  if (nest) q.set('nest', '1');
  const run = host.launch({ version, content: `/fixtures/scorm-content.html?${q}`, ...options });
  await page.goto(run.url);
  const sco = await contentResult(page);
  return { run, sco };
}

/** window.sco of the SCO's frame (the innermost one when nested), once it is done. */
async function contentResult(page, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (!frame.url().includes('/fixtures/scorm-content.html')) continue;
      const sco = await frame.evaluate(() => (window.sco && !window.sco.nested && (window.sco.done || window.sco.problem) ? window.sco : null)).catch(() => null);
      if (sco) {
        if (sco.problem) throw new Error(`the SCO failed: ${sco.problem}`);
        return sco;
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the SCO did not finish in time');
}

/** The calls of the harness log without the GetLastError the SCO asks after each. */
const calls = (log) => log.filter((e) => !/GetLastError$/.test(e.fn)).map((e) => [e.fn, ...e.args, '=>', e.result, e.error]);

test('scorm-again is installed with its minified build', async () => {
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('scorm-again'));
  await access(path.join(dist, 'scorm-again.min.js'));
  const res = await fetch(`${host.url}/scorm-again/scorm-again.min.js`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/javascript/);
  assert.match(await res.text(), /Scorm12API/);
});

test('SCORM 1.2: the SCO finds window.API, every call is recorded, the final commit holds the data', async (t) => {
  const { page, problems } = await tab(t);
  const { run, sco } = await play(page, {
    version: '1.2',
    masteryScore: 0.8,
    steps: [
      ['LMSInitialize', ''],
      ['LMSGetValue', 'cmi.core.entry'],
      ['LMSGetValue', 'cmi.student_data.mastery_score'],
      ['LMSSetValue', 'cmi.core.lesson_location', 'page-3'],
      ['LMSSetValue', 'cmi.suspend_data', 'v1|p=3|q1=a'],
      ['LMSSetValue', 'cmi.core.score.raw', '85'],
      ['LMSSetValue', 'cmi.core.score.min', '0'],
      ['LMSSetValue', 'cmi.core.score.max', '100'],
      ['LMSSetValue', 'cmi.core.lesson_status', 'passed'],
      ['LMSSetValue', 'cmi.core.session_time', '0000:00:12.34'],
      ['LMSSetValue', 'cmi.core.exit', 'suspend'],
      ['LMSCommit', ''],
      ['LMSFinish', ''],
    ],
  });
  assert.equal(sco.version, '1.2');
  assert.equal(sco.depth, 1, 'the API is one parent up');
  assert.deepEqual(sco.results.map((r) => r.error), Array(13).fill('0'));
  assert.equal(sco.results[1].result, '', 'a first launch has no entry');
  assert.equal(sco.results[2].result, '80', 'the mastery score the host set');

  const h = await readHarness(page);
  assert.equal(h.version, '1.2');
  assert.equal(h.initialized, true);
  assert.equal(h.finished, true);
  assert.deepEqual(calls(h.log), [
    ['LMSInitialize', '', '=>', 'true', '0'],
    ['LMSGetValue', 'cmi.core.entry', '=>', '', '0'],
    ['LMSGetValue', 'cmi.student_data.mastery_score', '=>', '80', '0'],
    ['LMSSetValue', 'cmi.core.lesson_location', 'page-3', '=>', 'true', '0'],
    ['LMSSetValue', 'cmi.suspend_data', 'v1|p=3|q1=a', '=>', 'true', '0'],
    ['LMSSetValue', 'cmi.core.score.raw', '85', '=>', 'true', '0'],
    ['LMSSetValue', 'cmi.core.score.min', '0', '=>', 'true', '0'],
    ['LMSSetValue', 'cmi.core.score.max', '100', '=>', 'true', '0'],
    ['LMSSetValue', 'cmi.core.lesson_status', 'passed', '=>', 'true', '0'],
    ['LMSSetValue', 'cmi.core.session_time', '0000:00:12.34', '=>', 'true', '0'],
    ['LMSSetValue', 'cmi.core.exit', 'suspend', '=>', 'true', '0'],
    ['LMSCommit', '', '=>', 'true', '0'],
    ['LMSFinish', '', '=>', 'true', '0'],
  ]);
  // Each call is followed by the SCO's own GetLastError, recorded too.
  assert.equal(h.log.filter((e) => e.fn === 'LMSGetLastError').length, 13);
  assert.deepEqual(scormErrors(h.log), []);
  assert.deepEqual(h.log.map((e) => e.seq), h.log.map((_, i) => i + 1));

  // The commits as scorm-again made them, and as the host (the LMS) received them.
  assert.deepEqual(h.commits.map((c) => [c.trigger, c.final]), [['manual', false], ['terminate', true]]);
  const final = await host.waitForCommit(run.id, { final: true });
  assert.equal(final.status, 200);
  const cmi = final.data.cmi;
  assert.equal(cmi.core.lesson_status, 'passed');
  assert.equal(cmi.core.lesson_location, 'page-3');
  assert.equal(cmi.suspend_data, 'v1|p=3|q1=a');
  assert.deepEqual(cmi.core.score, { raw: '85', min: '0', max: '100' });
  assert.equal(cmi.core.exit, 'suspend');
  assert.equal(cmi.core.session_time, '00:00:12.34', 'scorm-again rewrites HHHH:MM:SS.SS as HH:MM:SS.SS');
  assert.equal(cmi.core.total_time, '00:00:12.34');
  assert.deepEqual(host.commits(run.id).map((c) => c.final), [false, true]);
  assert.deepEqual(host.committed(run.id), final.data);
  assert.equal(h.cmi.cmi.core.lesson_status, 'passed');
  assert.deepEqual(problems, []);
});

test('SCORM 1.2: invalid values are refused with scorm-again\'s error codes, and recorded', async (t) => {
  const { page } = await tab(t);
  const { sco } = await play(page, {
    version: '1.2',
    steps: [
      ['LMSSetValue', 'cmi.core.lesson_location', 'too early'],
      ['LMSInitialize', ''],
      ['LMSSetValue', 'cmi.core.lesson_status', 'bogus'],
      ['LMSSetValue', 'cmi.core.session_time', '12 seconds'],
      ['LMSSetValue', 'cmi.core.student_name', 'Someone'],
      ['LMSSetValue', 'cmi.core.lesson_location', { repeat: 'x', times: 256 }],
      ['LMSSetValue', 'cmi.suspend_data', { repeat: 'x', times: 64001 }],
      ['LMSSetValue', 'cmi.suspend_data', { repeat: 'x', times: 4097 }],
      ['LMSGetValue', 'cmi.core.nonsense'],
      ['LMSSetValue', 'cmi.core.lesson_status', 'incomplete'],
      ['LMSFinish', ''],
    ],
  });
  const h = await readHarness(page);
  const errors = scormErrors(h.log).map((e) => [e.fn, e.args[0], e.result, e.error]);
  assert.deepEqual(errors, [
    ['LMSSetValue', 'cmi.core.lesson_location', 'false', '301'],
    ['LMSSetValue', 'cmi.core.lesson_status', 'false', '405'],
    ['LMSSetValue', 'cmi.core.session_time', 'false', '405'],
    ['LMSSetValue', 'cmi.core.student_name', 'false', '403'],
    ['LMSSetValue', 'cmi.core.lesson_location', 'false', '405'],
    ['LMSSetValue', 'cmi.suspend_data', 'false', '405'],
    ['LMSGetValue', 'cmi.core.nonsense', '', '401'],
  ]);
  // The SCO saw the same codes through GetLastError.
  assert.deepEqual(sco.results.filter((r) => r.error !== '0').map((r) => r.error), ['301', '405', '405', '403', '405', '405', '401']);
  const final = await host.waitForCommit(h.launchId, { final: true });
  assert.equal(final.data.cmi.core.lesson_status, 'incomplete', 'the refused value was not stored');
  // scorm-again took 4,097 characters of 1.2 suspend data (its limit is 64,000, on
  // purpose); SCORM 1.2 allows 4,096, which limitProblems checks.
  assert.equal(final.data.cmi.suspend_data.length, 4097);
  assert.deepEqual(limitProblems('1.2', final.data.cmi), [{ element: 'cmi.suspend_data', length: 4097, limit: 4096 }]);
  assert.deepEqual(limitProblems('1.2', { suspend_data: 'x'.repeat(4096), core: { lesson_location: 'x'.repeat(255) } }), []);
  assert.deepEqual(limitProblems('2004', { suspend_data: 'x'.repeat(64001), location: 'x'.repeat(1001) }).map((p) => p.element), ['cmi.suspend_data', 'cmi.location']);
});

test('SCORM 1.2: a relaunch resumes with the suspend data, location, status and total time', async (t) => {
  const { page } = await tab(t);
  const first = await play(page, {
    version: '1.2',
    steps: [
      ['LMSInitialize', ''],
      ['LMSSetValue', 'cmi.core.lesson_location', 'page-7'],
      ['LMSSetValue', 'cmi.suspend_data', '{"p":7,"a":["b","c"]}'],
      ['LMSSetValue', 'cmi.core.lesson_status', 'incomplete'],
      ['LMSSetValue', 'cmi.core.session_time', '0000:01:00'],
      ['LMSSetValue', 'cmi.core.exit', 'suspend'],
      ['LMSFinish', ''],
    ],
  });
  await host.waitForCommit(first.run.id, { final: true });
  const second = await play(page, {
    version: '1.2',
    resume: first.run.id,
    steps: [
      ['LMSInitialize', ''],
      ['LMSGetValue', 'cmi.core.entry'],
      ['LMSGetValue', 'cmi.suspend_data'],
      ['LMSGetValue', 'cmi.core.lesson_location'],
      ['LMSGetValue', 'cmi.core.lesson_status'],
      ['LMSGetValue', 'cmi.core.student_id'],
      ['LMSSetValue', 'cmi.core.session_time', '0000:00:30'],
      ['LMSSetValue', 'cmi.core.exit', ''],
      ['LMSFinish', ''],
    ],
  });
  assert.deepEqual(second.sco.results.slice(1, 6).map((r) => r.result), ['resume', '{"p":7,"a":["b","c"]}', 'page-7', 'incomplete', 'learner-1']);
  const final = await host.waitForCommit(second.run.id, { final: true });
  assert.equal(final.data.cmi.core.total_time, '00:01:30');
  // Without exit "suspend" the next launch is no resume.
  assert.equal(resumeCmi('1.2', final.data.cmi).core.entry, '');
  assert.throws(() => host.launch({ version: '2004', content: '/x.html', resume: second.run.id }), /was SCORM 1.2/);
});

test('SCORM 2004: API_1484_11 found two frames up; data model errors 407, 406, 123; final commit; resume', async (t) => {
  const { page, problems } = await tab(t);
  const { run, sco } = await play(page, {
    version: '2004',
    nest: true,
    masteryScore: 0.75,
    steps: [
      ['Initialize', ''],
      ['GetValue', 'cmi.entry'],
      ['GetValue', 'cmi.scaled_passing_score'],
      ['SetValue', 'cmi.location', 'page-3'],
      ['SetValue', 'cmi.suspend_data', 'v1|p=3'],
      ['SetValue', 'cmi.score.scaled', '2'],
      ['SetValue', 'cmi.score.scaled', '0.85'],
      ['SetValue', 'cmi.score.raw', '17'],
      ['SetValue', 'cmi.score.min', '0'],
      ['SetValue', 'cmi.score.max', '20'],
      ['SetValue', 'cmi.completion_status', 'completed'],
      ['SetValue', 'cmi.success_status', 'passed'],
      ['SetValue', 'cmi.session_time', '12 seconds'],
      ['SetValue', 'cmi.session_time', 'PT12.34S'],
      ['SetValue', 'cmi.exit', 'suspend'],
      ['Commit', ''],
      ['Terminate', ''],
      ['GetValue', 'cmi.location'],
    ],
  });
  assert.equal(sco.version, '2004');
  assert.equal(sco.depth, 2, 'the API is two parents up');
  assert.equal(sco.results[2].result, '0.75');
  const h = await readHarness(page);
  assert.equal(h.finished, true);
  assert.deepEqual(scormErrors(h.log).map((e) => [e.fn, e.args.join(' '), e.result, e.error]), [
    ['SetValue', 'cmi.score.scaled 2', 'false', '407'],
    ['SetValue', 'cmi.session_time 12 seconds', 'false', '406'],
    ['GetValue', 'cmi.location', '', '123'],
  ]);
  assert.deepEqual(h.log.filter((e) => e.fn === 'GetLastError').map((e) => e.result), sco.results.map((r) => r.error));
  const final = await host.waitForCommit(run.id, { final: true });
  const cmi = final.data.cmi;
  assert.equal(cmi.location, 'page-3');
  assert.equal(cmi.suspend_data, 'v1|p=3');
  assert.equal(cmi.completion_status, 'completed');
  assert.equal(cmi.success_status, 'passed');
  assert.equal(cmi.score.scaled, '0.85');
  assert.equal(cmi.score.raw, '17');
  assert.equal(cmi.session_time, 'PT12.34S');
  assert.equal(cmi.exit, 'suspend');
  assert.deepEqual(problems, []);

  const again = await play(page, {
    version: '2004',
    resume: run.id,
    steps: [
      ['Initialize', ''],
      ['GetValue', 'cmi.entry'],
      ['GetValue', 'cmi.suspend_data'],
      ['GetValue', 'cmi.location'],
      ['GetValue', 'cmi.completion_status'],
      ['GetValue', 'cmi.learner_name'],
      ['Terminate', ''],
    ],
  });
  assert.deepEqual(again.sco.results.slice(1, 6).map((r) => r.result), ['resume', 'v1|p=3', 'page-3', 'completed', 'Learner, Test']);
});

test('a commit the LMS fails reaches the SCO as a Commit error (101, in 2004 too)', async (t) => {
  const { page } = await tab(t);
  for (const version of ['1.2', '2004']) {
    const [init, set, commit, finish, location] = version === '1.2'
      ? ['LMSInitialize', 'LMSSetValue', 'LMSCommit', 'LMSFinish', 'cmi.core.lesson_location']
      : ['Initialize', 'SetValue', 'Commit', 'Terminate', 'cmi.location'];
    host.failCommits(1, 500);
    const { run, sco } = await play(page, {
      version,
      steps: [[init, ''], [set, location, 'p1'], [commit, ''], [commit, ''], [finish, '']],
    });
    assert.deepEqual(sco.results.map((r) => [r.fn, r.result, r.error]), [
      [init, 'true', '0'],
      [set, 'true', '0'],
      [commit, 'false', '101'],
      [commit, 'true', '0'],
      [finish, 'true', '0'],
    ], version);
    await host.waitForCommit(run.id, { final: true });
    assert.deepEqual(host.commits(run.id).map((c) => c.status), [500, 200, 200]);
    const h = await readHarness(page);
    assert.deepEqual(scormErrors(h.log).map((e) => e.fn), [commit]);
    assert.ok(h.messages.some((m) => /101/.test(m.message)), 'scorm-again logged the error');
  }
});

test('launch options are checked and paths outside the served folders are refused', async () => {
  assert.throws(() => host.launch({ version: '1.3', content: '/a.html' }), /version/);
  assert.throws(() => host.launch({ version: '1.2', content: 'http://127.0.0.1:9/a.html' }), /path on the host's origin/);
  assert.throws(() => host.launch({ version: '1.2', content: '/a.html', resume: 'nope' }), /no launch/);
  assert.throws(() => host.launch({ version: '1.2', content: '/a.html', mastery: 1 }), /unknown launch option/);
  const { port } = new URL(host.url);
  for (const p of ['/fixtures/../scorm-host.mjs', '/fixtures/%2e%2e/scorm-host.mjs', '/scorm-again/..%2f..%2fpackage.json', '/content/index.html']) {
    const status = await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: p }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
    });
    assert.ok([403, 404].includes(status), `${p} answered ${status}`);
  }
  assert.equal((await fetch(`${host.url}/commit/nope`, { method: 'POST', body: '{}' })).status, 404);
});
