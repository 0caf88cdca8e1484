// This module is a small cmi5 LMS stand-in for the Pelita tests. The player, launched as a
// cmi5 Assignable Unit (AU), must talk to an LMS exactly as the cmi5 spec ("Quartz") says:
// read its launch parameters, POST once to the fetch URL, read LMS.LaunchData and the
// learner preferences, send its statements with the token. No real LMS runs here, so this
// one plays the LMS's part, strictly, in front of the real LRS (Learning Locker's
// xapi-statements, tests/support/lrs.mjs), which has no State or profile API of its own. It
// uses node:http only and listens on 127.0.0.1 only, on a port the OS picks.
//
// Usage:
//   const lrs = await startLrs();
//   const lms = await startCmi5Lms({ lrs, publisherId: 'https://pelita.example.org/m/au' });
//   const url = await lms.launchUrl(`${site.url}index.html`, { masteryScore: 0.8, lang: 'id' });
//   await page.goto(url);                                  // the player runs as the AU
//   await lms.waitFor((e) => e.verbs?.includes('terminated'));
//   const statements = await lms.statements();             // this session, in order
//   assert.deepEqual(await lms.check(), [], ...);          // the cmi5 rules (cmi5-rules.mjs)
//   await lms.close();
//
// startCmi5Lms({ lrs, ...options }) resolves to an object with:
// - url: the LMS origin ("http://127.0.0.1:41234"); endpoint: the xAPI endpoint the AU gets
//   (same path as the LRS's, "/xAPI/", so the LRS's `more` links work through it).
// - activityId, publisherId, courseId, registration, actor: the course, AU and learner.
// - launch(auUrl, opts) -> Promise<launch>: starts a new session the way an LMS does: it
//   abandons an earlier session of the registration that neither terminated nor was
//   abandoned (writing `abandoned`), writes LMS.LaunchData, the learner preferences if
//   asked, and the `launched` statement into the LRS, and returns
//   { url, sessionId, registration, activityId, fetchUrl, endpoint, launchData, token }.
//   opts: launchMode ('Normal' | 'Browse' | 'Review', default Normal), moveOn (default
//   'CompletedOrPassed'), masteryScore (0..1, none by default), returnURL, launchParameters
//   (a string), lang (sets cmi5LearnerPreferences.languagePreference), audio ('on'|'off'),
//   contextTemplate (extra values merged into the required contextTemplate), registration
//   (another enrollment), endpoint (put another endpoint in the URL, e.g. a fault proxy's).
//   The token is given to the test for requests of its own; the AU must still fetch it.
// - launchUrl(auUrl, opts) -> Promise<string>: launch(...) and only the URL.
// - sessions: every launch so far (each { id, registration, launchData, state: 'launched'
//   | 'terminated' | 'abandoned', fetched, token, ... }); current(): the last one.
// - statements(sessionId = current) -> Promise<statements>: the session's statements as the
//   LRS stores them, in cmi5 order (timestamp, then order stored). 'all' gives every statement
//   of the current registration; registrationStatements(registration) the same for another.
// - check(options) -> Promise<violations>: checkSequence (cmi5-rules.mjs) over the
//   registration's statements, told what the LMS knows (activity id, registration, actor,
//   each session's contextTemplate, which statements the LMS wrote). options are passed on
//   (e.g. { requireTerminated: false } while a session runs).
// - received: every statement request of the AU, in arrival order: { seq, time, sessionId,
//   method, status, statements (as sent) }. log: every request ({ seq, time, method, path,
//   kind: 'fetch' | 'state' | 'agent-profile' | 'activity-profile' | 'statements' | 'about'
//   | 'other' | 'preflight', sessionId, status, reason, verbs, ids }).
//   waitFor(predicate, timeoutMs = 10000): the first finished log entry matching, waiting
//   for new ones; rejects with the log in the message. describe(): the log as text lines.
// - states: the State API documents (a Map); preferences(): the cmi5LearnerPreferences
//   document or null; setPreferences(doc | null).
// - abandon(sessionId = current): writes `abandoned` for a session now, as an LMS does when
//   it decides the AU is gone; the session's token stops working.
// - lmsIds: ids of the statements the LMS itself wrote (launched, abandoned, satisfied).
// - close().
//
// The rules it enforces, as the cmi5 spec puts them (sections 6.3, 8.2, 9.3, 10 and 11):
// - Launch URL: endpoint, fetch, actor (an Agent with an account), registration, activityId,
//   each value percent-encoded with encodeURIComponent (a space is %20, never '+').
// - Fetch URL: POST only (GET and others get 405: "an HTTP GET is not allowed in order to
//   prevent caching"). The first POST answers 200 {"auth-token": ...}; every later POST, and
//   any POST after the session ended, answers 200 {"error-code": "1", "error-text": ...}:
//   the spec wants status 200 for the error too (8.2.2), so an AU must read the body. An
//   unknown fetch URL answers 200 with error code "2" (general security error).
// - xAPI endpoint: `Authorization: Basic <token>` of a session whose token was fetched
//   (else 401), the X-Experience-API-Version header (else 400, like the LRS). /about needs
//   neither. Once a session ended (terminated, after `terminatedGraceMs`, or abandoned) its
//   token is refused with 403, except that a statement batch whose ids were all stored
//   before passes through (an idempotent retry of a batch whose answer was lost).
// - State API, in memory with ETags (If-Match / If-None-Match honoured, 412 otherwise):
//   LMS.LaunchData is read-only for the AU (PUT/POST/DELETE get 403, also a DELETE of all
//   the AU's states, which would take LaunchData with it); other documents are the AU's.
//   Documents are keyed by activityId, the agent's identifier, registration and stateId, so
//   an AU asking with another registration gets 404, as from a real LRS.
// - Agent profile `cmi5LearnerPreferences`: readable (404 when the LMS has none); a write by
//   the AU gets 403 unless `preferencesWritable` (the spec lets the LMS refuse, and the AU
//   must not treat that as an error). Other profiles, and the activity profile API, are kept
//   in memory (a PUT over an existing document needs If-Match or If-None-Match, else 409).
// - Statements (POST, PUT) go to the LRS with the LRS's own credentials; the LRS's answer
//   comes back unchanged. A voiding statement is refused with 403 (6.3: the AU must not be
//   able to void). GET /statements and the other xAPI reads are forwarded too.
// - The LMS's own statements, written to the LRS as a real LMS would: `launched` before the
//   AU starts (with launchmode, launchurl, moveon, masteryscore and launchparameters context
//   extensions, 9.6.3), `abandoned` (with the duration from launched to the AU's last
//   statement, 9.5.4.2) when a session is given up, and `satisfied` for the course once the
//   registration meets moveOn (written before the AU's request is answered, so a test reads
//   it right after; for moveOn NotApplicable, at the first launch, with its own session id).
// - CORS on every answer, errors included: the Origin is reflected, the preflight allows the
//   xAPI methods and the requested headers, and ETag, Last-Modified and the xAPI headers are
//   exposed.

import http from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CMI5, VERBS, agentKey, checkSequence, cmi5VerbName, describeViolations } from './cmi5-rules.mjs';

export { CMI5, VERBS, checkSequence, describeViolations };

const XAPI_VERSION = '1.0.3';
const LAUNCH_DATA = 'LMS.LaunchData';
const PREFERENCES = 'cmi5LearnerPreferences';
const LAUNCH_MODES = new Set(['Normal', 'Browse', 'Review']);
const MOVE_ON = new Set(['Passed', 'Completed', 'CompletedAndPassed', 'CompletedOrPassed', 'NotApplicable']);
const MAX_BODY = 16 * 1024 * 1024;
const EXPOSED = 'ETag, Last-Modified, Content-Type, X-Experience-API-Version, X-Experience-API-Consistent-Through';

/**
 * Starts the LMS stand-in in front of `lrs` (what startLrs() returns).
 *
 * @param {object} options
 * @param {object} options.lrs The LRS: { endpoint, headers } at least.
 * @param {string} [options.activityId] The LMS-made activity id of the AU.
 * @param {string} [options.publisherId] The AU's id from cmi5.xml (the grouping activity).
 * @param {string} [options.courseId] The LMS-made course id (object of `satisfied`).
 * @param {object} [options.actor] The learner (an Agent with an account).
 * @param {string} [options.registration] The enrollment's UUID.
 * @param {string} [options.title] The AU's title in the LMS's statements.
 * @param {object} [options.preferences] The initial cmi5LearnerPreferences document.
 * @param {boolean} [options.preferencesWritable=false] Let the AU write the preferences.
 * @param {number} [options.terminatedGraceMs=0] How long a session still takes requests
 *   after its terminated statement.
 */
export async function startCmi5Lms({
  lrs,
  activityId = `https://lms.example.org/cmi5/au/${randomUUID()}`,
  publisherId = 'https://pelita.example.org/modules/test/au',
  courseId = `https://lms.example.org/cmi5/course/${randomUUID()}`,
  actor = { objectType: 'Agent', name: 'Test Learner', account: { homePage: 'https://lms.example.org', name: `learner-${randomUUID()}` } },
  registration = randomUUID(),
  title = 'Pelita test AU',
  preferences = null,
  preferencesWritable = false,
  terminatedGraceMs = 0,
} = {}) {
  if (!lrs || !lrs.endpoint || !lrs.headers) throw new Error('startCmi5Lms needs { lrs } from startLrs()');
  if (!actor.account) throw new Error('a cmi5 actor must have an account (spec 9.2)');
  const lrsEndpoint = new URL(lrs.endpoint);
  const basePath = lrsEndpoint.pathname.endsWith('/') ? lrsEndpoint.pathname : `${lrsEndpoint.pathname}/`;

  const sessions = [];
  const byToken = new Map();
  const byFetchKey = new Map();
  const states = new Map(); // key -> { body, contentType, etag, protected, query }
  const agentProfiles = new Map();
  const activityProfiles = new Map();
  const log = [];
  const received = [];
  const lmsIds = new Set();
  const storedIds = new Set();
  const satisfiedFor = new Set();
  const waiters = new Set();
  let seq = 0;
  let prefs = preferences ? { ...preferences } : null;
  const actorKey = agentKey(actor);

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      const entry = log.find((e) => e.req === req);
      if (!res.headersSent) send(req, res, 500, { message: `LMS stand-in bug: ${err.message}` });
      else res.destroy();
      if (entry) finish(entry, { status: 500, reason: `bug: ${err.stack || err}` });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const endpoint = `${origin}${basePath}`;

  function finish(entry, fields) {
    Object.assign(entry, fields, { done: true });
    delete entry.req;
    for (const waiter of waiters) waiter(entry);
  }

  async function handle(req, res) {
    const url = new URL(req.url, origin);
    const entry = {
      seq: ++seq, time: Date.now(), method: req.method, path: url.pathname, query: url.search,
      kind: 'other', sessionId: null, status: null, reason: null, verbs: [], ids: [], done: false, req,
    };
    log.push(entry);
    const body = await readBody(req);
    const answer = (status, value, headers = {}, reason = null) => {
      send(req, res, status, value, headers);
      finish(entry, { status, reason });
    };

    if (req.method === 'OPTIONS') {
      entry.kind = 'preflight';
      res.writeHead(204, {
        ...corsHeaders(req),
        'access-control-allow-methods': 'GET, HEAD, PUT, POST, DELETE, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers']
          ?? 'Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match',
        'content-length': '0',
      });
      res.end();
      finish(entry, { status: 204 });
      return;
    }

    if (url.pathname.startsWith('/fetch/')) {
      entry.kind = 'fetch';
      const session = byFetchKey.get(url.pathname.slice('/fetch/'.length));
      entry.sessionId = session?.id ?? null;
      if (req.method !== 'POST') {
        return answer(405, { 'error-code': '3', 'error-text': 'The fetch URL takes POST only.' }, { allow: 'POST' }, 'not POST');
      }
      if (!session) return answer(200, { 'error-code': '2', 'error-text': 'Unknown fetch URL.' }, {}, 'unknown fetch URL');
      if (session.fetched || sessionEnded(session)) {
        session.fetchRefusals += 1;
        return answer(200, { 'error-code': '1', 'error-text': 'The authorization token has already been returned.' }, {}, 'fetch again');
      }
      session.fetched = true;
      session.fetchedAt = Date.now();
      return answer(200, { 'auth-token': session.token }, {}, 'token');
    }

    if (!url.pathname.startsWith(basePath)) return answer(404, { message: 'Not found' }, {}, 'not the xAPI endpoint');
    const resource = url.pathname.slice(basePath.length).replace(/\/$/, '');
    entry.kind = {
      statements: 'statements', 'activities/state': 'state', 'agents/profile': 'agent-profile',
      'activities/profile': 'activity-profile', about: 'about',
    }[resource] ?? 'other';

    if (resource === 'about') return relay(req, res, url, body, entry);
    if (!req.headers['x-experience-api-version']) {
      return answer(400, { message: 'X-Experience-API-Version header missing' }, {}, 'no version header');
    }
    const session = sessionFor(req.headers.authorization);
    if (!session) return answer(401, { message: 'Unauthorised: no valid cmi5 auth-token' }, {}, 'bad token');
    entry.sessionId = session.id;

    if (resource === 'statements') {
      const parsed = parseStatements(req, url, body);
      if (parsed.error) return answer(400, { message: parsed.error }, {}, parsed.error);
      const list = parsed.statements;
      entry.ids = list.map((s) => s?.id).filter(Boolean);
      entry.verbs = list.map((s) => cmi5VerbName(s) ?? s?.verb?.id);
      if (sessionEnded(session)) {
        const retry = req.method !== 'GET' && entry.ids.length === list.length && list.length > 0 && entry.ids.every((id) => storedIds.has(id));
        if (!retry) return answer(403, { message: `session ${session.id} has ended (${session.state})` }, {}, 'session ended');
      }
      if (req.method === 'GET') return relay(req, res, url, body, entry);
      if (list.some((s) => s?.verb?.id === 'http://adlnet.gov/expapi/verbs/voided')) {
        return answer(403, { message: 'The AU may not void statements (cmi5 6.3)' }, {}, 'voiding');
      }
      const record = { seq: entry.seq, time: Date.now(), sessionId: session.id, method: req.method, status: null, statements: list };
      received.push(record);
      const status = await relay(req, res, url, body, entry, async (lrsStatus) => {
        record.status = lrsStatus;
        if (lrsStatus >= 200 && lrsStatus < 300) {
          for (const id of entry.ids) storedIds.add(id);
          if (list.some((s) => s?.verb?.id === VERBS.terminated && s?.object?.id === session.activityId)) {
            if (session.state === 'launched') {
              session.state = 'terminated';
              session.terminatedAt = Date.now();
            }
          }
          session.lastStatementAt = Math.max(session.lastStatementAt ?? 0, ...list.map((s) => Date.parse(s?.timestamp)).filter(Number.isFinite));
          await maybeSatisfy(session);
        }
      });
      record.status = status;
      return undefined;
    }

    if (sessionEnded(session)) return answer(403, { message: `session ${session.id} has ended (${session.state})` }, {}, 'session ended');

    if (resource === 'activities/state') {
      const result = stateRequest(req, url, body);
      return answer(result.status, result.body, result.headers, result.reason);
    }
    if (resource === 'agents/profile') {
      const result = profileRequest(req, url, body, 'agent');
      return answer(result.status, result.body, result.headers, result.reason);
    }
    if (resource === 'activities/profile') {
      const result = profileRequest(req, url, body, 'activity');
      return answer(result.status, result.body, result.headers, result.reason);
    }
    if (req.method === 'GET' && (resource === 'activities' || resource === 'agents')) {
      return relay(req, res, url, body, entry);
    }
    return answer(404, { message: `no such xAPI resource: ${resource}` }, {}, 'unknown resource');
  }

  function sessionFor(header) {
    const match = /^Basic\s+(\S+)\s*$/i.exec(String(header ?? ''));
    if (!match) return null;
    const session = byToken.get(match[1]);
    return session && session.fetched ? session : null;
  }

  function sessionEnded(session) {
    if (session.state === 'abandoned') return true;
    if (session.state === 'terminated') return Date.now() - session.terminatedAt >= terminatedGraceMs;
    return false;
  }

  /** Forwards to the LRS with its credentials and sends its answer back. */
  async function relay(req, res, url, body, entry, afterLrs) {
    const target = new URL(url.pathname.slice(basePath.length) + url.search, lrs.endpoint);
    const headers = { ...lrs.headers };
    if (req.headers['content-type']) headers['Content-Type'] = req.headers['content-type'];
    if (url.pathname.endsWith('/about')) delete headers.Authorization;
    let answer;
    try {
      answer = await fetch(target, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
    } catch (err) {
      send(req, res, 502, { message: `LMS could not reach the LRS: ${err.message}` });
      finish(entry, { status: 502, reason: err.message });
      return 502;
    }
    const data = Buffer.from(await answer.arrayBuffer());
    if (afterLrs) await afterLrs(answer.status);
    const out = { ...corsHeaders(req) };
    for (const name of ['content-type', 'etag', 'last-modified', 'x-experience-api-version', 'x-experience-api-consistent-through']) {
      const value = answer.headers.get(name);
      if (value !== null) out[name] = value;
    }
    const bodyless = answer.status === 204 || answer.status === 304 || req.method === 'HEAD';
    if (!bodyless) out['content-length'] = String(data.length);
    res.writeHead(answer.status, out);
    res.end(bodyless ? undefined : data);
    finish(entry, { status: answer.status, reason: 'forwarded' });
    return answer.status;
  }

  function parseStatements(req, url, body) {
    if (req.method === 'GET' || req.method === 'HEAD') return { statements: [] };
    if (req.method !== 'POST' && req.method !== 'PUT') return { error: `${req.method} is not allowed on statements` };
    const type = String(req.headers['content-type'] ?? '');
    if (!/json/i.test(type)) return { statements: [] }; // multipart and the like: the LRS judges
    let value;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return { error: 'statements body is not JSON' };
    }
    const list = Array.isArray(value) ? value : [value];
    if (req.method === 'PUT' && list[0] && list[0].id === undefined) {
      list[0] = { ...list[0], id: url.searchParams.get('statementId') };
    }
    return { statements: list };
  }

  // ---- State API -------------------------------------------------------------------------

  function stateKey(activity, agent, reg, stateId) {
    return JSON.stringify([activity, agent, reg ?? null, stateId]);
  }

  function stateRequest(req, url, body) {
    const q = url.searchParams;
    const activity = q.get('activityId');
    const agentParam = q.get('agent');
    const stateId = q.get('stateId');
    const reg = q.get('registration');
    if (!activity || !agentParam) return json(400, { message: 'activityId and agent are required' }, 'missing parameter');
    const agent = parseAgent(agentParam);
    if (!agent) return json(400, { message: 'agent is not a JSON Agent with an identifier' }, 'bad agent');
    const key = stateKey(activity, agent, reg, stateId);
    const current = stateId ? states.get(key) : undefined;
    if (stateId === LAUNCH_DATA && req.method !== 'GET' && req.method !== 'HEAD') {
      return json(403, { message: 'LMS.LaunchData is read-only for the AU (cmi5 10.0)' }, 'LaunchData write');
    }
    const prefix = JSON.stringify([activity, agent, reg ?? null]).slice(0, -1) + ',';
    if (!stateId) {
      const matching = [...states.entries()].filter(([k]) => k.startsWith(prefix));
      if (req.method === 'GET') return json(200, matching.map(([, doc]) => doc.stateId), 'state ids');
      if (req.method === 'DELETE') {
        if (matching.some(([, doc]) => doc.protected)) {
          return json(403, { message: 'deleting every state would delete LMS.LaunchData (cmi5 10.0)' }, 'LaunchData delete');
        }
        for (const [k] of matching) states.delete(k);
        return { status: 204, body: undefined, headers: {}, reason: 'deleted all' };
      }
      return json(400, { message: 'stateId is required' }, 'missing stateId');
    }
    return documentRequest(req, body, states, key, current, { stateId, query: Object.fromEntries(q) }, false);
  }

  function profileRequest(req, url, body, kind) {
    const q = url.searchParams;
    const profileId = q.get('profileId');
    let owner;
    if (kind === 'agent') {
      const agentParam = q.get('agent');
      if (!agentParam) return json(400, { message: 'agent is required' }, 'missing agent');
      owner = parseAgent(agentParam);
      if (!owner) return json(400, { message: 'agent is not a JSON Agent with an identifier' }, 'bad agent');
    } else {
      owner = q.get('activityId');
      if (!owner) return json(400, { message: 'activityId is required' }, 'missing activityId');
    }
    const store = kind === 'agent' ? agentProfiles : activityProfiles;
    if (!profileId) {
      if (req.method !== 'GET') return json(400, { message: 'profileId is required' }, 'missing profileId');
      const ids = [...store.values()].filter((d) => d.owner === owner).map((d) => d.profileId);
      if (kind === 'agent' && owner === actorKey && prefs) ids.push(PREFERENCES);
      return json(200, ids, 'profile ids');
    }
    if (kind === 'agent' && profileId === PREFERENCES && owner === actorKey) {
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (!prefs) return json(404, { message: 'no learner preferences' }, 'no preferences');
        const text = JSON.stringify(prefs);
        return { status: 200, body: text, headers: { 'content-type': 'application/json', etag: etagOf(text) }, reason: 'preferences' };
      }
      if (!preferencesWritable) return json(403, { message: 'the LMS keeps the learner preferences' }, 'preferences write');
      if (req.method === 'DELETE') {
        prefs = null;
        return { status: 204, body: undefined, headers: {}, reason: 'preferences deleted' };
      }
      let value;
      try { value = JSON.parse(body.toString('utf8')); } catch { return json(400, { message: 'not JSON' }, 'bad JSON'); }
      const text = JSON.stringify(prefs ?? {});
      const ifMatch = req.headers['if-match'];
      if (ifMatch && (!prefs || ifMatch !== etagOf(text))) return json(412, { message: 'If-Match does not match' }, 'precondition');
      prefs = req.method === 'POST' ? { ...(prefs ?? {}), ...value } : value;
      return { status: 204, body: undefined, headers: { etag: etagOf(JSON.stringify(prefs)) }, reason: 'preferences written' };
    }
    const key = JSON.stringify([owner, profileId]);
    return documentRequest(req, body, store, key, store.get(key), { owner, profileId }, true);
  }

  /** GET/PUT/POST/DELETE of one document, with ETags, as xAPI 1.0.3 says. */
  function documentRequest(req, body, store, key, current, fields, profile) {
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!current) return json(404, { message: 'no such document' }, 'missing');
      return { status: 200, body: current.body, headers: { 'content-type': current.contentType, etag: current.etag }, reason: 'document' };
    }
    if (req.method === 'PUT' || req.method === 'POST') {
      const ifMatch = req.headers['if-match'];
      const ifNoneMatch = req.headers['if-none-match'];
      if (ifMatch && (!current || (ifMatch !== '*' && ifMatch !== current.etag))) return json(412, { message: 'If-Match does not match' }, 'precondition');
      if (ifNoneMatch === '*' && current) return json(412, { message: 'the document exists' }, 'precondition');
      if (profile && req.method === 'PUT' && current && !ifMatch && !ifNoneMatch) {
        return json(409, { message: 'a PUT over an existing profile needs If-Match or If-None-Match' }, 'conflict');
      }
      const contentType = String(req.headers['content-type'] ?? 'application/octet-stream');
      let text = body.toString('utf8');
      if (req.method === 'POST' && current) {
        let before;
        let after;
        try {
          before = JSON.parse(current.body);
          after = JSON.parse(text);
        } catch {
          return json(400, { message: 'POST merges JSON objects only' }, 'merge of non-JSON');
        }
        if (!isPlainObject(before) || !isPlainObject(after)) return json(400, { message: 'POST merges JSON objects only' }, 'merge of non-object');
        text = JSON.stringify({ ...before, ...after });
      }
      const etag = etagOf(text);
      store.set(key, { ...fields, body: text, contentType: current && req.method === 'POST' ? current.contentType : contentType, etag, protected: false, updated: new Date().toISOString() });
      return { status: 204, body: undefined, headers: { etag }, reason: 'stored' };
    }
    if (req.method === 'DELETE') {
      const ifMatch = req.headers['if-match'];
      if (ifMatch && (!current || ifMatch !== current.etag)) return json(412, { message: 'If-Match does not match' }, 'precondition');
      store.delete(key);
      return { status: 204, body: undefined, headers: {}, reason: 'deleted' };
    }
    return json(405, { message: `${req.method} is not allowed` }, 'method');
  }

  // ---- Launching and the LMS's own statements -------------------------------------------

  function baseContext(session, extra = {}) {
    return {
      registration: session.registration,
      contextActivities: {
        category: [{ objectType: 'Activity', id: CMI5.category }],
        grouping: [{ objectType: 'Activity', id: publisherId }],
      },
      extensions: { [CMI5.sessionId]: session.id, ...extra },
    };
  }

  async function writeStatements(list) {
    const res = await fetch(new URL('statements', lrs.endpoint), {
      method: 'POST',
      headers: { ...lrs.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(list),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`the LRS refused the LMS's statements (${res.status}): ${text}`);
    for (const s of list) { lmsIds.add(s.id); storedIds.add(s.id); }
  }

  function lmsStatement(session, verb, display, context, extra = {}) {
    return {
      id: randomUUID(),
      actor,
      verb: { id: verb, display: { 'en-US': display } },
      object: { objectType: 'Activity', id: session.activityId, definition: { name: { 'en-US': title } } },
      context,
      timestamp: new Date().toISOString(),
      ...extra,
    };
  }

  async function abandon(sessionId = sessions.at(-1)?.id) {
    const session = sessions.find((s) => s.id === sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    if (session.state !== 'launched') throw new Error(`session ${sessionId} is ${session.state}, it cannot be abandoned`);
    const end = Math.max(session.lastStatementAt ?? 0, session.launchedAt);
    const statement = lmsStatement(session, VERBS.abandoned, 'abandoned', baseContext(session), {
      result: { duration: isoDuration(end - session.launchedAt) },
    });
    session.state = 'abandoned';
    await writeStatements([statement]);
    return statement;
  }

  async function maybeSatisfy(session) {
    const reg = session.registration;
    if (satisfiedFor.has(reg)) return;
    const moveOn = session.launchData.moveOn;
    if (moveOn === 'NotApplicable') return;
    const sent = received
      .filter((r) => r.status >= 200 && r.status < 300)
      .flatMap((r) => r.statements)
      .filter((s) => s?.context?.registration === reg && s?.object?.id === session.activityId
        && (s?.context?.contextActivities?.category ?? []).some((c) => c?.id === CMI5.category));
    const has = (verb) => sent.some((s) => s?.verb?.id === verb);
    const done = {
      Completed: has(VERBS.completed),
      Passed: has(VERBS.passed),
      CompletedAndPassed: has(VERBS.completed) && has(VERBS.passed),
      CompletedOrPassed: has(VERBS.completed) || has(VERBS.passed),
    }[moveOn];
    if (!done) return;
    satisfiedFor.add(reg);
    await writeStatements([satisfiedStatement(session, session.id)]);
  }

  function satisfiedStatement(session, sessionId) {
    return {
      id: randomUUID(),
      actor,
      verb: { id: VERBS.satisfied, display: { 'en-US': 'satisfied' } },
      object: { objectType: 'Activity', id: courseId, definition: { name: { 'en-US': title }, type: CMI5.courseType } },
      context: {
        registration: session.registration,
        contextActivities: { category: [{ objectType: 'Activity', id: CMI5.category }] },
        extensions: { [CMI5.sessionId]: sessionId },
      },
      timestamp: new Date().toISOString(),
    };
  }

  async function launch(auUrl, opts = {}) {
    const {
      launchMode = 'Normal',
      moveOn = 'CompletedOrPassed',
      masteryScore,
      returnURL,
      launchParameters,
      lang,
      audio,
      contextTemplate: extraTemplate,
      registration: reg = registration,
      endpoint: launchEndpoint = endpoint,
      ...unknown
    } = opts;
    if (Object.keys(unknown).length > 0) throw new Error(`unknown launch option(s): ${Object.keys(unknown).join(', ')}`);
    if (!LAUNCH_MODES.has(launchMode)) throw new Error(`launchMode must be Normal, Browse or Review, got ${launchMode}`);
    if (!MOVE_ON.has(moveOn)) throw new Error(`moveOn must be one of ${[...MOVE_ON].join(', ')}, got ${moveOn}`);
    if (masteryScore !== undefined && !(typeof masteryScore === 'number' && masteryScore >= 0 && masteryScore <= 1)) {
      throw new Error(`masteryScore must be a number 0..1, got ${masteryScore}`);
    }
    const au = new URL(auUrl);

    for (const earlier of sessions) {
      if (earlier.registration === reg && earlier.state === 'launched') await abandon(earlier.id);
    }
    const firstOfRegistration = !sessions.some((s) => s.registration === reg);

    const session = {
      id: randomUUID(),
      registration: reg,
      activityId,
      token: Buffer.from(`cmi5-session:${randomBytes(18).toString('base64url')}`).toString('base64'),
      fetchKey: randomBytes(18).toString('base64url'),
      fetched: false,
      fetchedAt: null,
      fetchRefusals: 0,
      state: 'launched',
      launchedAt: Date.now(),
      terminatedAt: null,
      lastStatementAt: null,
      auUrl: au.href,
    };
    const template = deepMerge(extraTemplate ?? {}, {
      contextActivities: { grouping: [{ objectType: 'Activity', id: publisherId }] },
      extensions: { [CMI5.sessionId]: session.id },
    });
    session.launchData = {
      contextTemplate: template,
      launchMode,
      moveOn,
      ...(masteryScore !== undefined ? { masteryScore } : {}),
      ...(returnURL !== undefined ? { returnURL } : {}),
      ...(launchParameters !== undefined ? { launchParameters } : {}),
    };
    const launchDataText = JSON.stringify(session.launchData);
    states.set(stateKey(activityId, actorKey, reg, LAUNCH_DATA), {
      stateId: LAUNCH_DATA, body: launchDataText, contentType: 'application/json', etag: etagOf(launchDataText), protected: true,
      query: { activityId, agent: JSON.stringify(actor), registration: reg, stateId: LAUNCH_DATA },
    });
    if (lang !== undefined || audio !== undefined) {
      prefs = { ...(prefs ?? {}) };
      if (lang !== undefined) prefs.languagePreference = lang;
      if (audio !== undefined) prefs.audioPreference = audio;
    }
    session.fetchUrl = `${origin}/fetch/${session.fetchKey}`;
    const params = [
      ['endpoint', launchEndpoint],
      ['fetch', session.fetchUrl],
      ['actor', JSON.stringify(actor)],
      ['registration', reg],
      ['activityId', activityId],
    ];
    const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    session.url = `${au.origin}${au.pathname}${au.search ? `${au.search}&` : '?'}${query}${au.hash}`;
    sessions.push(session);
    byToken.set(session.token, session);
    byFetchKey.set(session.fetchKey, session);

    if (firstOfRegistration && moveOn === 'NotApplicable') {
      satisfiedFor.add(reg);
      await writeStatements([satisfiedStatement(session, randomUUID())]);
    }
    const extensions = {
      [CMI5.launchMode]: launchMode,
      [CMI5.launchUrl]: `${au.origin}${au.pathname}${au.search}`,
      [CMI5.moveOn]: moveOn,
      ...(masteryScore !== undefined ? { [CMI5.masteryScore]: masteryScore } : {}),
      ...(launchParameters !== undefined ? { [CMI5.launchParameters]: launchParameters } : {}),
    };
    const launched = lmsStatement(session, VERBS.launched, 'launched', baseContext(session, extensions));
    session.launchedAt = Date.parse(launched.timestamp);
    session.launchedStatement = launched;
    await writeStatements([launched]);
    return {
      url: session.url,
      sessionId: session.id,
      registration: reg,
      activityId,
      fetchUrl: session.fetchUrl,
      endpoint: launchEndpoint,
      launchData: session.launchData,
      token: session.token,
    };
  }

  // ---- Reading back ---------------------------------------------------------------------

  async function registrationStatements(reg = sessions.at(-1)?.registration ?? registration) {
    // By agent, not by registration: an AU statement that lost its registration but carries
    // a session id of this registration must still be seen (and judged).
    const all = (await lrs.statements({ agent: actor })).reverse();
    const sessionIds = new Set(sessions.filter((s) => s.registration === reg).map((s) => s.id));
    const mine = all.filter((s) => s?.context?.registration === reg || sessionIds.has(s?.context?.extensions?.[CMI5.sessionId]));
    return orderByTimestamp(mine);
  }

  async function statements(sessionId = sessions.at(-1)?.id) {
    if (sessionId === 'all') return registrationStatements();
    const session = sessions.find((s) => s.id === sessionId);
    const all = await registrationStatements(session?.registration);
    return all.filter((s) => s?.context?.extensions?.[CMI5.sessionId] === sessionId);
  }

  async function check(options = {}) {
    const reg = options.registration ?? sessions.at(-1)?.registration ?? registration;
    const list = await registrationStatements(reg);
    const contextTemplates = {};
    for (const s of sessions) contextTemplates[s.id] = s.launchData.contextTemplate;
    return checkSequence(list, { activityId, registration: reg, actor, contextTemplates, lmsIds, ...options });
  }

  function describe() {
    if (log.length === 0) return '(no requests)';
    return log.map((e) => {
      const what = e.done ? `${e.status}${e.reason ? ` (${e.reason})` : ''}` : 'in flight';
      const verbs = e.verbs.length ? ` verbs=${e.verbs.join(',')}` : '';
      return `#${e.seq} ${e.method} ${e.path}${e.kind === 'state' || e.kind === 'agent-profile' ? e.query : ''} [${e.kind}] ${what}${verbs}`;
    }).join('\n');
  }

  function waitFor(predicate, timeoutMs = 10_000) {
    const found = log.find((e) => e.done && predicate(e));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (entry) => {
        let ok;
        try { ok = predicate(entry); } catch (err) { done(); reject(err); return; }
        if (ok) { done(); resolve(entry); }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`lms.waitFor: nothing matched within ${timeoutMs} ms; the LMS saw:\n${describe()}`));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); waiters.delete(waiter); };
      waiters.add(waiter);
    });
  }

  let closed = null;
  return {
    url: origin,
    endpoint,
    activityId,
    publisherId,
    courseId,
    get registration() { return sessions.at(-1)?.registration ?? registration; },
    actor,
    sessions,
    current: () => sessions.at(-1) ?? null,
    launch,
    launchUrl: async (auUrl, opts) => (await launch(auUrl, opts)).url,
    statements,
    registrationStatements,
    check,
    received,
    log,
    waitFor,
    describe,
    states,
    preferences: () => (prefs ? { ...prefs } : null),
    setPreferences(doc) { prefs = doc ? { ...doc } : null; },
    abandon,
    lmsIds,
    close() {
      if (closed) return closed;
      closed = new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

// ---- helpers ------------------------------------------------------------------------------

function corsHeaders(req) {
  const headers = { 'access-control-expose-headers': EXPOSED, 'x-experience-api-version': XAPI_VERSION };
  if (req.headers.origin) {
    headers['access-control-allow-origin'] = req.headers.origin;
    headers.vary = 'Origin';
  }
  return headers;
}

function send(req, res, status, value, headers = {}) {
  const out = { ...corsHeaders(req), 'cache-control': 'no-store', ...headers };
  if (value === undefined || status === 204 || status === 304) {
    out['content-length'] = '0';
    res.writeHead(status, out);
    res.end();
    return;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const data = Buffer.from(text);
  if (!Object.keys(out).some((k) => k.toLowerCase() === 'content-type')) out['content-type'] = 'application/json; charset=utf-8';
  out['content-length'] = String(data.length);
  res.writeHead(status, out);
  res.end(req.method === 'HEAD' ? undefined : data);
}

function json(status, value, reason) {
  return { status, body: value, headers: {}, reason };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) { reject(new Error('request body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseAgent(text) {
  try {
    return agentKey(JSON.parse(text));
  } catch {
    return null;
  }
}

function etagOf(text) {
  return `"${createHash('sha1').update(text).digest('hex')}"`;
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Merges `required` into `base`; lists are concatenated, required values win. */
function deepMerge(base, required) {
  const out = { ...base };
  for (const [key, value] of Object.entries(required)) {
    if (Array.isArray(value)) out[key] = [...(Array.isArray(out[key]) ? out[key] : []), ...value];
    else if (isPlainObject(value)) out[key] = deepMerge(isPlainObject(out[key]) ? out[key] : {}, value);
    else out[key] = value;
  }
  return out;
}

/** Statements ordered by timestamp, keeping the given order for equal timestamps. */
export function orderByTimestamp(list) {
  return list
    .map((s, i) => ({ s, i, t: Date.parse(s?.timestamp) }))
    .sort((a, b) => (Number.isFinite(a.t) && Number.isFinite(b.t) ? a.t - b.t : 0) || a.i - b.i)
    .map((e) => e.s);
}

/** Milliseconds as an ISO 8601 duration with at most 0.01 s precision ("PT12.34S"). */
export function isoDuration(ms) {
  const centis = Math.max(0, Math.round(ms / 10));
  const hours = Math.floor(centis / 360000);
  const minutes = Math.floor((centis % 360000) / 6000);
  const seconds = (centis % 6000) / 100;
  return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds}S`;
}
