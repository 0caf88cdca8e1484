// This module plays a SCORM LMS for the Pelita tests. The player, run as SCORM 1.2 or 2004
// content, must find the LMS's API by walking its parent frames and report status, score,
// time and resume data through it; to check that, a test needs an LMS-side API that
// enforces the SCORM data model and records every call. That API is `scorm-again` (npm, an
// independent implementation, see ../shared/docs/test-judges.md); this module serves a host
// page (scorm-host.html) that creates it (`window.API = new Scorm12API(...)` or
// `window.API_1484_11 = new Scorm2004API(...)`), records each call with the error code
// scorm-again set, and loads the content in an iframe of the same origin (the API can only
// be found across frames of one origin). It uses node:http only and listens on 127.0.0.1
// only, on a port the OS picks.
//
// Usage:
//   const host = await startScormHost({ root: unpackedPackageDir });
//   const run = host.launch({ version: '1.2', content: '/content/index.html' });
//   await page.goto(run.url);
//   ... play the module in page.frameLocator('#content') ...
//   await page.waitForFunction(() => window.harness.finished);
//   const { log } = await readHarness(page);                 // every API call, in order
//   assert.deepEqual(scormErrors(log), []);                   // scorm-again reported no error
//   const final = await host.waitForCommit(run.id, { final: true });
//   assert.equal(final.data.cmi.core.lesson_status, 'passed');
//   const again = host.launch({ version: '1.2', content: '/content/index.html', resume: run.id });
//   await page.goto(again.url);                               // resumes from the suspend data
//   await host.close();
//
// What it serves:
//   /host.html?launch=<id>  the host page; it reads its launch from /launch/<id>.
//   /scorm-again/...        scorm-again's dist folder (scorm-again.min.js).
//   /fixtures/...           tests/support/fixtures (hand-written SCORM content for self-tests).
//   /content/...            the `root` folder given to startScormHost (an unpacked package).
//   POST /commit/<id>       scorm-again's lmsCommitUrl: each commit is recorded here, as an
//                           LMS would receive it, and answered {"result": true, "errorCode": 0}.
//
// startScormHost({ root }) resolves to:
// - url: the origin ("http://127.0.0.1:41234").
// - launch({ version, content, cmi, resume, masteryScore, learner, settings }) -> { id, url }:
//   registers a launch. version '1.2' or '2004'; content a path on this origin ("/content/
//   index.html"); cmi a partial CMI object for scorm-again's loadFromJSON before Initialize
//   (e.g. { core: { lesson_location: 'p3' }, suspend_data: '...' } for 1.2); resume the id
//   of an earlier launch whose last commit is carried over, the way an LMS resumes an
//   attempt (see resumeCmi); masteryScore 0..1 (1.2: student_data.mastery_score 0..100,
//   2004: scaled_passing_score); learner { id, name }; settings extra scorm-again settings.
// - commits(id): every commit the host received for a launch: { seq, time, final (the
//   terminate commit), contentType, data }. committed(id): the data of the last one.
//   waitForCommit(id, { final } = {}, timeoutMs = 10000): resolves with the first commit of
//   that launch (with final: true, the terminate commit) once it arrives. scorm-again sends
//   the terminate commit with navigator.sendBeacon, so it can arrive after LMSFinish /
//   Terminate returned: wait for it rather than reading commits() at once.
// - failCommits(count = 1, status = 500): the next `count` commits are answered with that
//   status; scorm-again then fails the Commit with error 101, in 2004 too (its response
//   handler turns any non-2xx answer into 101, not 2004's 391 "General Commit Failure"), and
//   the content must handle it.
// - close().
//
// In the page, window.harness holds:
//   version, launchId, log (every API call: { seq, time, fn, args, result, error }, error
//   being scorm-again's lastErrorCode right after the call, "0" for none), commits (what
//   scorm-again handed to its commit request: { trigger, final, sequence, data }), messages
//   (scorm-again's own warnings and errors: { level, message }), initialized, finished (set
//   once Initialize/LMSInitialize and Terminate/LMSFinish succeeded), cmi() (the current
//   CMI data as JSON), and `ready`, a promise resolved once the API is in place.
// readHarness(page) returns { version, log, commits, messages, initialized, finished, cmi }.
// scormErrors(log) is the list of calls that set an error (not counting GetLastError,
// GetErrorString and GetDiagnostic, which only report one).
// limitProblems(version, cmi) checks the SCORM size limits strictly (SCORM_LIMITS):
// scorm-again lets a 1.2 cmi.suspend_data grow to 64,000 characters, SCORM 1.2 says 4,096.

import http from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { contentTypeFor } from './serve.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const HOST_PAGE = path.join(HERE, 'scorm-host.html');
const FIXTURES = path.join(HERE, 'fixtures');
const require = createRequire(import.meta.url);
// The package's "exports" hide package.json; its main file lives in dist/.
const SCORM_AGAIN_DIST = path.dirname(require.resolve('scorm-again'));
const VERSIONS = new Set(['1.2', '2004']);
const MAX_BODY = 4 * 1024 * 1024;

/**
 * Starts the SCORM host.
 *
 * @param {object} [options]
 * @param {string} [options.root] A folder served at /content/ (e.g. an unpacked package).
 */
export async function startScormHost({ root = null } = {}) {
  const mounts = [
    ['/scorm-again/', await realpath(SCORM_AGAIN_DIST)],
    ['/fixtures/', await realpath(FIXTURES)],
  ];
  if (root) mounts.push(['/content/', await realpath(path.resolve(root))]);

  const launches = new Map();
  const commitLog = [];
  const waiters = new Set();
  let failing = { count: 0, status: 500 };
  let seq = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) text(res, 500, `SCORM host bug: ${err.message}`);
      else res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const origin = `http://127.0.0.1:${server.address().port}`;

  async function handle(req, res) {
    const url = new URL(req.url, origin);
    if (url.pathname === '/host.html' || url.pathname === '/') {
      if (req.method !== 'GET') return text(res, 405, 'GET only');
      const page = await readFile(HOST_PAGE);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': page.length });
      return res.end(page);
    }
    if (url.pathname.startsWith('/launch/')) {
      const launch = launches.get(url.pathname.slice('/launch/'.length));
      if (!launch) return text(res, 404, 'no such launch');
      const body = Buffer.from(JSON.stringify(launch.config));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': body.length });
      return res.end(body);
    }
    if (url.pathname.startsWith('/commit/')) {
      if (req.method !== 'POST') return text(res, 405, 'POST only');
      const id = url.pathname.slice('/commit/'.length);
      const launch = launches.get(id);
      const body = await readBody(req);
      if (!launch) return text(res, 404, 'no such launch');
      let data = null;
      try { data = JSON.parse(body.toString('utf8')); } catch { data = body.toString('utf8'); }
      const entry = {
        seq: ++seq, id, time: Date.now(), final: url.searchParams.get('final') === 'true',
        contentType: req.headers['content-type'] ?? null, data, status: 200,
      };
      if (failing.count > 0) {
        failing.count -= 1;
        entry.status = failing.status;
      }
      commitLog.push(entry);
      for (const waiter of waiters) waiter(entry);
      if (entry.status !== 200) return json(res, entry.status, { result: false, errorCode: 101 });
      return json(res, 200, { result: true, errorCode: 0 });
    }
    for (const [prefix, dir] of mounts) {
      if (url.pathname.startsWith(prefix)) return serveFile(req, res, dir, url.pathname.slice(prefix.length));
    }
    return text(res, 404, 'Not found');
  }

  function launch({
    version, content, cmi = null, resume = null, masteryScore, learner = {}, settings = {}, ...unknown
  } = {}) {
    if (Object.keys(unknown).length > 0) throw new Error(`unknown launch option(s): ${Object.keys(unknown).join(', ')}`);
    if (!VERSIONS.has(version)) throw new Error(`version must be '1.2' or '2004', got ${version}`);
    if (typeof content !== 'string' || !content.startsWith('/') || content.startsWith('//')) {
      throw new Error(`content must be a path on the host's origin (the API is only found across one origin), got ${content}`);
    }
    if (masteryScore !== undefined && !(typeof masteryScore === 'number' && masteryScore >= 0 && masteryScore <= 1)) {
      throw new Error(`masteryScore must be 0..1, got ${masteryScore}`);
    }
    let data = {};
    if (resume !== null) {
      const previous = launches.get(resume);
      if (!previous) throw new Error(`no launch ${resume} to resume`);
      if (previous.config.version !== version) throw new Error(`launch ${resume} was SCORM ${previous.config.version}`);
      const last = committed(resume);
      if (!last) throw new Error(`launch ${resume} committed nothing to resume from`);
      data = resumeCmi(version, last.cmi ?? last);
    }
    const learnerId = learner.id ?? 'learner-1';
    const learnerName = learner.name ?? 'Learner, Test';
    data = deepMerge(data, version === '1.2'
      ? { core: { student_id: learnerId, student_name: learnerName } }
      : { learner_id: learnerId, learner_name: learnerName });
    if (masteryScore !== undefined) {
      data = deepMerge(data, version === '1.2'
        ? { student_data: { mastery_score: String(Math.round(masteryScore * 100)) } }
        : { scaled_passing_score: String(masteryScore) });
    }
    if (cmi) data = deepMerge(data, cmi);
    const id = randomBytes(9).toString('base64url');
    const config = { id, version, content, cmi: data, settings: { ...settings, lmsCommitUrl: `/commit/${id}` } };
    launches.set(id, { config });
    return { id, url: `${origin}/host.html?launch=${id}` };
  }

  function commits(id) {
    return commitLog.filter((c) => c.id === id);
  }

  function committed(id) {
    const list = commits(id).filter((c) => c.status === 200);
    return list.length ? list[list.length - 1].data : null;
  }

  function waitForCommit(id, { final } = {}, timeoutMs = 10_000) {
    const matches = (c) => c.id === id && (final === undefined || c.final === final);
    const found = commitLog.find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (c) => { if (matches(c)) { done(); resolve(c); } };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no${final ? ' final' : ''} commit for launch ${id} within ${timeoutMs} ms; commits: ${JSON.stringify(commits(id).map((c) => ({ final: c.final, status: c.status })))}`));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); waiters.delete(waiter); };
      waiters.add(waiter);
    });
  }

  let closed = null;
  return {
    url: origin,
    launch,
    commits,
    committed,
    waitForCommit,
    failCommits(count = 1, status = 500) { failing = { count, status }; },
    close() {
      if (closed) return closed;
      closed = new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

/**
 * The CMI data an LMS hands to the next launch of the same attempt, from the last commit
 * (its `cmi` object): location, suspend data, status, score and total time are kept, and
 * entry is "resume" when the content left with exit "suspend" (else ""), as SCORM 1.2 and
 * 2004 say. A real LMS may start a new attempt instead when exit was not "suspend"; a test
 * that wants that passes its own `cmi` to launch().
 */
export function resumeCmi(version, cmi) {
  if (version === '1.2') {
    const core = cmi.core ?? {};
    return prune({
      suspend_data: cmi.suspend_data,
      launch_data: cmi.launch_data,
      core: {
        lesson_location: core.lesson_location,
        lesson_status: core.lesson_status,
        score: core.score ? { raw: core.score.raw, min: core.score.min, max: core.score.max } : undefined,
        total_time: core.total_time,
        entry: core.exit === 'suspend' ? 'resume' : '',
      },
    });
  }
  return prune({
    suspend_data: cmi.suspend_data,
    launch_data: cmi.launch_data,
    location: cmi.location,
    completion_status: cmi.completion_status,
    success_status: cmi.success_status,
    progress_measure: cmi.progress_measure,
    score: cmi.score ? { scaled: cmi.score.scaled, raw: cmi.score.raw, min: cmi.score.min, max: cmi.score.max } : undefined,
    total_time: cmi.total_time,
    entry: cmi.exit === 'suspend' ? 'resume' : '',
  });
}

/** What the host page recorded (see window.harness). */
export async function readHarness(page) {
  return page.evaluate(async () => {
    await window.harness.ready;
    const h = window.harness;
    return {
      version: h.version, launchId: h.launchId, log: h.log, commits: h.commits, messages: h.messages,
      initialized: h.initialized, finished: h.finished, cmi: h.cmi(),
    };
  });
}

/**
 * The SCORM size limits, checked strictly. scorm-again 3.x accepts up to 64,000 characters
 * in a 1.2 cmi.suspend_data on purpose (its source says so: modern content needs more),
 * although SCORM 1.2 allows 4,096 (CMIString4096); a real 1.2 LMS may cut or refuse more.
 * So a test of the player's 1.2 resume data checks the limit itself with this.
 */
export const SCORM_LIMITS = Object.freeze({
  '1.2': { 'cmi.suspend_data': 4096, 'cmi.core.lesson_location': 255 },
  '2004': { 'cmi.suspend_data': 64000, 'cmi.location': 1000 },
});

/** The limits of SCORM_LIMITS that a committed `cmi` object exceeds: [{ element, length, limit }]. */
export function limitProblems(version, cmi) {
  const limits = SCORM_LIMITS[version];
  if (!limits) throw new Error(`version must be '1.2' or '2004', got ${version}`);
  const problems = [];
  for (const [element, limit] of Object.entries(limits)) {
    const value = element.split('.').slice(1).reduce((node, key) => (node == null ? undefined : node[key]), cmi);
    if (typeof value === 'string' && value.length > limit) problems.push({ element, length: value.length, limit });
  }
  return problems;
}

const ERROR_QUERIES = new Set(['LMSGetLastError', 'LMSGetErrorString', 'LMSGetDiagnostic', 'GetLastError', 'GetErrorString', 'GetDiagnostic']);

/** The calls in a harness log that set an error code. */
export function scormErrors(log) {
  return log.filter((e) => !ERROR_QUERIES.has(e.fn) && e.error !== '0');
}

// ---- helpers ------------------------------------------------------------------------------

/** Drops undefined values and empty objects. */
function prune(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    const p = prune(v);
    if (p === undefined || p === '' && key !== 'entry') continue;
    if (p && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) continue;
    out[key] = p;
  }
  return out;
}

function deepMerge(base, extra) {
  const out = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    out[key] = value && typeof value === 'object' && !Array.isArray(value)
      ? deepMerge(out[key] && typeof out[key] === 'object' ? out[key] : {}, value)
      : value;
  }
  return out;
}

async function serveFile(req, res, dir, relative) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'GET only');
  let decoded;
  try { decoded = decodeURIComponent(relative); } catch { return text(res, 400, 'Bad request'); }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..')) return text(res, 403, 'Forbidden');
  if (decoded === '' || decoded.endsWith('/')) decoded += 'index.html';
  const file = path.resolve(dir, decoded);
  let real;
  try { real = await realpath(file); } catch { return text(res, 404, 'Not found'); }
  if (real !== dir && !real.startsWith(dir + path.sep)) return text(res, 403, 'Forbidden');
  const info = await stat(real);
  if (!info.isFile()) return text(res, 404, 'Not found');
  res.writeHead(200, { 'content-type': contentTypeFor(real), 'content-length': info.size, 'cache-control': 'no-cache' });
  if (req.method === 'HEAD') return res.end();
  const stream = createReadStream(real);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
  return undefined;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) { reject(new Error('commit too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function text(res, status, message) {
  const body = Buffer.from(`${message}\n`);
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store' });
  res.end(body);
}

function json(res, status, value) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store' });
  res.end(body);
}
