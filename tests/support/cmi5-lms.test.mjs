// These tests prove that the cmi5 LMS stand-in (cmi5-lms.mjs) and its sequence checker
// (cmi5-rules.mjs) can be trusted before any player test relies on them. The checker is
// fed hand-made sequences: a correct one must pass, and for every rule a sequence that
// breaks only that rule must be flagged with exactly that rule, so a checker that accepts
// everything (or flags everything) fails here. The LMS is run against the real LRS: the
// launch URL carries the five parameters, the fetch URL gives its token once and then the
// cmi5 error, the xAPI endpoint wants the token and the version header, LMS.LaunchData can
// be read but not written, statements reach the LRS next to the LMS's own launched,
// abandoned and satisfied statements, and a Chromium page on another origin can do the
// whole AU handshake (CORS). Run with `node --test tests/support/cmi5-lms.test.mjs`.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';

import { startLrs, XAPI_VERSION } from './lrs.mjs';
import { startCmi5Lms, CMI5, VERBS, checkSequence, describeViolations } from './cmi5-lms.mjs';
import { launchBrowser } from './browser.mjs';
import { validateStatements } from './validate.mjs';

// ---- hand-made sequences -------------------------------------------------------------------

const AU = 'https://lms.example.org/cmi5/au/7';
const PUBLISHER = 'https://pelita.example.org/modules/demo/au';
const COURSE = 'https://lms.example.org/cmi5/course/3';
const REG = 'c8e5a5b2-7a4e-4a0c-9f43-1c7b8f8c2d11';
const ACTOR = { objectType: 'Agent', account: { homePage: 'https://lms.example.org', name: 'learner-1' } };
const T0 = Date.parse('2026-01-02T03:04:05.000Z');
const at = (seconds) => new Date(T0 + seconds * 1000).toISOString();

function context(sid, { categories = [], extensions = {}, registration = REG } = {}) {
  return {
    ...(registration === null ? {} : { registration }),
    contextActivities: {
      ...(categories.length ? { category: categories.map((id) => ({ id })) } : {}),
      grouping: [{ id: PUBLISHER }],
    },
    extensions: { [CMI5.sessionId]: sid, ...extensions },
  };
}

/** A cmi5 defined AU statement with everything the spec asks for its verb. */
function defined(name, seconds, sid, { score, masteryScore } = {}) {
  const moveOn = ['completed', 'passed', 'failed'].includes(name);
  const result = {};
  if (name === 'completed') result.completion = true;
  if (name === 'passed') result.success = true;
  if (name === 'failed') result.success = false;
  if (score !== undefined) result.score = { scaled: score };
  if (moveOn || name === 'terminated') result.duration = 'PT1M2.5S';
  return {
    id: randomUUID(),
    actor: ACTOR,
    verb: { id: VERBS[name], display: { en: name } },
    object: { objectType: 'Activity', id: AU },
    ...(Object.keys(result).length ? { result } : {}),
    context: context(sid, {
      categories: moveOn ? [CMI5.category, CMI5.moveOnCategory] : [CMI5.category],
      extensions: masteryScore !== undefined && (name === 'passed' || name === 'failed') ? { [CMI5.masteryScore]: masteryScore } : {},
    }),
    timestamp: at(seconds),
  };
}

/** A "cmi5 allowed" AU statement (a page view or a question). */
function allowed(verb, seconds, sid, objectId = `${PUBLISHER}/page/1`, extra = {}) {
  return {
    id: randomUUID(),
    actor: ACTOR,
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { en: verb } },
    object: { objectType: 'Activity', id: objectId },
    context: context(sid),
    timestamp: at(seconds),
    ...extra,
  };
}

/** An LMS statement (launched, abandoned, satisfied). */
function lms(name, seconds, sid, { launchMode = 'Normal', masteryScore, moveOn = 'CompletedAndPassed' } = {}) {
  const extensions = name === 'launched'
    ? { [CMI5.launchMode]: launchMode, [CMI5.moveOn]: moveOn, [CMI5.launchUrl]: 'http://127.0.0.1:1/index.html', ...(masteryScore !== undefined ? { [CMI5.masteryScore]: masteryScore } : {}) }
    : {};
  return {
    id: randomUUID(),
    actor: ACTOR,
    verb: { id: VERBS[name], display: { en: name } },
    object: name === 'satisfied'
      ? { objectType: 'Activity', id: COURSE, definition: { type: CMI5.courseType } }
      : { objectType: 'Activity', id: AU },
    ...(name === 'abandoned' ? { result: { duration: 'PT5S' } } : {}),
    context: context(sid, { categories: [CMI5.category], extensions }),
    timestamp: at(seconds),
  };
}

/** A correct Normal session with a masteryScore of 0.8: passed at 0.9. */
function goodSession(sid = randomUUID(), start = 0, { masteryScore = 0.8, launchMode = 'Normal' } = {}) {
  const s = (n) => start + n;
  return [
    lms('launched', s(0), sid, { masteryScore, launchMode }),
    defined('initialized', s(1), sid),
    allowed('experienced', s(2), sid),
    allowed('answered', s(3), sid, `${PUBLISHER}/question/q1`, { result: { success: true, response: 'a' } }),
    allowed('progressed', s(3.5), sid, AU, { result: { extensions: { [CMI5.progress]: 50 } } }),
    defined('completed', s(4), sid),
    defined('passed', s(5), sid, { score: 0.9, masteryScore }),
    defined('terminated', s(6), sid),
    lms('satisfied', s(7), sid),
  ];
}

const byVerb = (list, name) => list.find((s) => s.verb.id === (VERBS[name] ?? `http://adlnet.gov/expapi/verbs/${name}`));
const rules = (violations) => [...new Set(violations.map((v) => v.rule))].sort();

/** Asserts that `list` breaks exactly `expected` (rule names). */
function expectRules(list, expected, options = {}) {
  const violations = checkSequence(list, options);
  assert.deepEqual(rules(violations), [...expected].sort(), describeViolations(violations));
  return violations;
}

describe('checkSequence', () => {
  test('accepts a correct session, in any input order, and the hand-made statements are valid xAPI', () => {
    const list = goodSession();
    assert.deepEqual(validateStatements(list), []);
    expectRules(list, []);
    expectRules([...list].reverse(), []);
    expectRules(list, [], { activityId: AU, registration: REG, actor: ACTOR, lmsIds: list.filter((s) => /launched|satisfied/.test(s.verb.id)).map((s) => s.id) });
  });

  test('equal timestamps are no violation: the spec orders by timestamp only', () => {
    const list = goodSession();
    byVerb(list, 'experienced').timestamp = byVerb(list, 'initialized').timestamp;
    byVerb(list, 'answered').timestamp = byVerb(list, 'terminated').timestamp;
    expectRules(list, []);
  });

  test('a second session may retake after failing: failed, then passed in a new session', () => {
    const first = goodSession(randomUUID(), 0);
    const failed = defined('failed', 5, first[0].context.extensions[CMI5.sessionId], { score: 0.5, masteryScore: 0.8 });
    first.splice(first.indexOf(byVerb(first, 'passed')), 1, failed);
    first.splice(first.indexOf(byVerb(first, 'completed')), 1);
    first.pop(); // no satisfied yet
    expectRules([...first, ...goodSession(randomUUID(), 100)], []);
  });

  test('Browse and Review allow initialized, terminated and cmi5 allowed statements only', () => {
    for (const launchMode of ['Browse', 'Review']) {
      const sid = randomUUID();
      const ok = [lms('launched', 0, sid, { launchMode }), defined('initialized', 1, sid), allowed('experienced', 2, sid), defined('terminated', 3, sid)];
      expectRules(ok, []);
      const bad = [...ok, defined('completed', 2.5, sid)];
      expectRules(bad, ['not-normal-mode']);
      expectRules(goodSession(randomUUID(), 0, { launchMode }), ['not-normal-mode']);
    }
  });

  // Each case breaks exactly one rule of a correct session.
  const cases = [
    ['no-timestamp', (l) => { delete byVerb(l, 'experienced').timestamp; }],
    ['no-session-id', (l) => { delete byVerb(l, 'experienced').context.extensions[CMI5.sessionId]; }],
    ['initialized-not-first', (l) => { byVerb(l, 'experienced').timestamp = at(0.5); }],
    ['initialized-not-first', (l) => { l.splice(l.indexOf(byVerb(l, 'initialized')), 1); }],
    ['terminated-not-last', (l) => { byVerb(l, 'answered').timestamp = at(6.5); }],
    ['no-terminated', (l) => { l.splice(l.indexOf(byVerb(l, 'terminated')), 1); }],
    ['no-launched', (l) => { l.splice(l.indexOf(byVerb(l, 'launched')), 1); }],
    ['initialized-before-launched', (l) => { byVerb(l, 'launched').timestamp = at(1.5); }],
    ['launched-twice', (l) => { l.push({ ...byVerb(l, 'launched'), id: randomUUID() }); }],
    ['initialized-twice', (l) => { l.push({ ...byVerb(l, 'initialized'), id: randomUUID() }); }],
    ['terminated-twice', (l) => { l.push({ ...byVerb(l, 'terminated'), id: randomUUID() }); }],
    [['completed-twice-in-session', 'completed-twice'], (l) => { l.push({ ...byVerb(l, 'completed'), id: randomUUID(), timestamp: at(4.5) }); }],
    [['passed-twice-in-session', 'passed-twice'], (l) => { l.push({ ...byVerb(l, 'passed'), id: randomUUID(), timestamp: at(5.5) }); }],
    [['passed-and-failed', 'failed-after-passed'], (l, sid) => { l.push(defined('failed', 5.5, sid, { score: 0.5, masteryScore: 0.8 })); }],
    ['passed-and-failed', (l, sid) => { l.push(defined('failed', 4.5, sid, { score: 0.5, masteryScore: 0.8 })); }],
    ['object-not-au', (l) => { byVerb(l, 'completed').object.id = `${PUBLISHER}/lesson`; }],
    ['actor-not-account', (l) => { byVerb(l, 'passed').actor = { objectType: 'Agent', mbox: 'mailto:learner@example.org' }; }],
    ['registration-missing', (l) => { delete byVerb(l, 'completed').context.registration; }],
    ['moveon-category-missing', (l) => { byVerb(l, 'completed').context.contextActivities.category = [{ id: CMI5.category }]; }],
    ['moveon-category-unexpected', (l) => { byVerb(l, 'terminated').context.contextActivities.category.push({ id: CMI5.moveOnCategory }); }],
    ['duration-missing', (l) => { delete byVerb(l, 'terminated').result.duration; }],
    ['duration-missing', (l) => { delete byVerb(l, 'passed').result.duration; }],
    ['score-not-allowed', (l) => { byVerb(l, 'completed').result.score = { scaled: 1 }; }],
    ['score-invalid', (l) => { byVerb(l, 'passed').result.score = { scaled: 0.9, raw: 9 }; }],
    ['score-invalid', (l) => { byVerb(l, 'passed').result.score = { scaled: 0.9, raw: 12, min: 0, max: 10 }; }],
    ['success-wrong', (l) => { byVerb(l, 'passed').result.success = false; }],
    ['success-wrong', (l) => { byVerb(l, 'terminated').result.success = true; }],
    ['completion-wrong', (l) => { delete byVerb(l, 'completed').result.completion; }],
    ['completion-wrong', (l) => { byVerb(l, 'passed').result.completion = true; }],
    ['mastery-not-met', (l) => { byVerb(l, 'passed').result.score.scaled = 0.7; }],
    ['mastery-met-but-failed', (l, sid) => { l.splice(l.indexOf(byVerb(l, 'passed')), 1, defined('failed', 5, sid, { score: 0.85, masteryScore: 0.8 })); }],
    ['mastery-score-missing', (l) => { delete byVerb(l, 'passed').result.score; }],
    ['masteryscore-extension-missing', (l) => { delete byVerb(l, 'passed').context.extensions[CMI5.masteryScore]; }],
    ['masteryscore-extension-wrong', (l) => { byVerb(l, 'passed').context.extensions[CMI5.masteryScore] = 0.5; }],
    ['cmi5-category-on-other-verb', (l) => { byVerb(l, 'answered').context.contextActivities.category = [{ id: CMI5.category }]; }],
    ['defined-verb-without-category', (l) => { byVerb(l, 'completed').context.contextActivities.category = []; }],
    // Without its category, terminated no longer counts as the session's end.
    [['defined-verb-without-category', 'no-terminated'], (l) => { byVerb(l, 'terminated').context.contextActivities.category = []; }],
    ['moveon-category-unexpected', (l) => { byVerb(l, 'answered').context.contextActivities.category = [{ id: CMI5.moveOnCategory }]; }],
    ['after-abandoned', (l, sid) => { l.push(lms('abandoned', 3.2, sid)); }],
    ['progress-invalid', (l) => { byVerb(l, 'progressed').result.extensions[CMI5.progress] = 150; }],
  ];
  for (const [expected, mutate] of cases) {
    const names = Array.isArray(expected) ? expected : [expected];
    test(`flags ${names.join(' + ')} (${mutate.toString().slice(8, 90)})`, () => {
      const sid = randomUUID();
      const list = structuredClone(goodSession(sid));
      mutate(list, sid);
      const violations = expectRules(list, names);
      for (const v of violations) assert.equal(typeof v.message, 'string');
    });
  }

  test('a session the LMS abandoned needs no terminated; an open one is accepted with requireTerminated: false', () => {
    const sid = randomUUID();
    const list = goodSession(sid).filter((s) => ![VERBS.terminated, VERBS.satisfied].includes(s.verb.id));
    expectRules(list, ['no-terminated']);
    expectRules(list, [], { requireTerminated: false });
    expectRules([...list, lms('abandoned', 10, sid)], []);
  });

  test('per registration: completed twice, passed twice, failed after passed across sessions', () => {
    const a = randomUUID();
    const b = randomUUID();
    const second = [lms('launched', 100, b, { masteryScore: 0.8 }), defined('initialized', 101, b), defined('terminated', 103, b)];
    expectRules([...goodSession(a), ...second, defined('completed', 102, b)], ['completed-twice']);
    expectRules([...goodSession(a), ...second, defined('passed', 102, b, { score: 0.95, masteryScore: 0.8 })], ['passed-twice']);
    expectRules([...goodSession(a), ...second, defined('failed', 102, b, { score: 0.1, masteryScore: 0.8 })], ['failed-after-passed']);
    // The same in another registration is fine.
    const other = [...second, defined('completed', 102, b)].map((s) => structuredClone(s));
    for (const s of other) s.context.registration = randomUUID();
    expectRules([...goodSession(a), ...other], []);
  });

  test('options: registration, actor, contextTemplates and lmsIds', () => {
    const sid = randomUUID();
    const list = goodSession(sid);
    const lmsIds = list.filter((s) => /launched|satisfied/.test(s.verb.id)).map((s) => s.id);
    const mismatched = structuredClone(list);
    byVerb(mismatched, 'experienced').context.registration = randomUUID();
    expectRules(mismatched, ['registration-mismatch'], { registration: REG });
    const otherActor = structuredClone(list);
    byVerb(otherActor, 'experienced').actor = { objectType: 'Agent', account: { homePage: 'https://lms.example.org', name: 'someone-else' } };
    expectRules(otherActor, ['actor-mismatch'], { actor: ACTOR });
    const template = { contextActivities: { grouping: [{ id: PUBLISHER }] }, extensions: { [CMI5.sessionId]: sid } };
    expectRules(list, [], { contextTemplates: { [sid]: template } });
    const lost = structuredClone(list);
    byVerb(lost, 'answered').context.contextActivities.grouping = [{ id: `${PUBLISHER}/quiz` }];
    expectRules(lost, ['context-template-not-merged'], { contextTemplates: { [sid]: template } });
    const fromAu = [...list, { ...allowed('x', 5.5, sid), verb: { id: VERBS.satisfied, display: { en: 'satisfied' } } }];
    expectRules(fromAu, ['lms-verb-from-au'], { lmsIds });
  });

  test('rejects a non-list', () => {
    assert.throws(() => checkSequence({}), TypeError);
  });
});

// ---- the LMS against the real LRS ----------------------------------------------------------

let lrs;
before(async () => { lrs = await startLrs(); });
after(async () => { await lrs?.stop(); });

const AU_URL = 'http://127.0.0.1:9/player/index.html?module=demo#start'; // never contacted

async function lmsFor(t, options = {}) {
  const lms = await startCmi5Lms({ lrs, publisherId: PUBLISHER, ...options });
  t.after(() => lms.close());
  return lms;
}

/** The launch parameters, read back the way an AU reads them. */
function launchParams(url) {
  const q = new URL(url).searchParams;
  return {
    endpoint: q.get('endpoint'), fetch: q.get('fetch'), actor: JSON.parse(q.get('actor')),
    registration: q.get('registration'), activityId: q.get('activityId'), module: q.get('module'),
  };
}

/** What an AU does first: POST to fetch, then the headers for the xAPI endpoint. */
async function fetchToken(fetchUrl) {
  const res = await fetch(fetchUrl, { method: 'POST', headers: { Origin: 'http://127.0.0.1:9' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.equal(res.headers.get('access-control-allow-origin'), 'http://127.0.0.1:9');
  return res.json();
}

function stateUrl(p, stateId, registration = p.registration) {
  const q = new URLSearchParams({ stateId, activityId: p.activityId, agent: JSON.stringify(p.actor) });
  if (registration) q.set('registration', registration);
  return `${p.endpoint}activities/state?${q}`;
}

function auStatement(p, sessionId, verbName, seconds = 0, extra = {}) {
  const isDefined = ['initialized', 'completed', 'passed', 'failed', 'terminated'].includes(verbName);
  const moveOn = ['completed', 'passed', 'failed'].includes(verbName);
  return {
    id: randomUUID(),
    actor: p.actor,
    verb: { id: VERBS[verbName] ?? `http://adlnet.gov/expapi/verbs/${verbName}`, display: { en: verbName } },
    object: { objectType: 'Activity', id: isDefined ? p.activityId : `${PUBLISHER}/page/1` },
    context: {
      registration: p.registration,
      contextActivities: {
        grouping: [{ objectType: 'Activity', id: PUBLISHER }],
        ...(isDefined ? { category: [{ id: CMI5.category }, ...(moveOn ? [{ id: CMI5.moveOnCategory }] : [])] } : {}),
      },
      extensions: { [CMI5.sessionId]: sessionId },
    },
    timestamp: new Date(Date.now() + seconds * 1000).toISOString(),
    ...extra,
  };
}

test('launch URL: the five cmi5 parameters, percent-encoded, after the AU URL\'s own query; launched is in the LRS first', async (t) => {
  const lms = await lmsFor(t);
  assert.match(lms.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(lms.endpoint, `${lms.url}/xAPI/`);
  const launch = await lms.launch(AU_URL, { masteryScore: 0.75, moveOn: 'Passed', launchParameters: 'mode=quiz' });
  const raw = launch.url;
  assert.ok(raw.startsWith('http://127.0.0.1:9/player/index.html?module=demo&endpoint='), raw);
  assert.ok(raw.endsWith('#start'), 'the fragment is kept at the end');
  assert.doesNotMatch(raw.split('#')[0].split('?')[1], /[{}" ]|\+/, 'values are percent-encoded, a space as %20');
  const p = launchParams(raw);
  assert.deepEqual(Object.keys(p).sort(), ['activityId', 'actor', 'endpoint', 'fetch', 'module', 'registration']);
  assert.equal(p.module, 'demo');
  assert.equal(p.endpoint, lms.endpoint);
  assert.equal(p.fetch, launch.fetchUrl);
  assert.equal(p.registration, lms.registration);
  assert.match(p.registration, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(p.activityId, lms.activityId);
  assert.notEqual(p.activityId, PUBLISHER, 'the LMS-made activity id is not the publisher id (8.1)');
  assert.equal(p.actor.objectType, 'Agent');
  assert.ok(p.actor.account.homePage && p.actor.account.name);
  assert.equal(p.actor.name, 'Test Learner');

  const stored = await lms.statements();
  assert.equal(stored.length, 1);
  const [launched] = stored;
  assert.equal(launched.verb.id, VERBS.launched);
  assert.equal(launched.object.id, lms.activityId);
  assert.equal(launched.context.registration, lms.registration);
  assert.deepEqual(launched.context.extensions, {
    [CMI5.sessionId]: launch.sessionId,
    [CMI5.launchMode]: 'Normal',
    [CMI5.launchUrl]: 'http://127.0.0.1:9/player/index.html?module=demo',
    [CMI5.moveOn]: 'Passed',
    [CMI5.masteryScore]: 0.75,
    [CMI5.launchParameters]: 'mode=quiz',
  });
  assert.deepEqual(launched.context.contextActivities.grouping.map((a) => a.id), [PUBLISHER]);
  assert.deepEqual(launched.context.contextActivities.category.map((a) => a.id), [CMI5.category]);
  assert.ok(lms.lmsIds.has(launched.id));
  assert.deepEqual(validateStatements(stored), []);
  await assert.rejects(lms.launch(AU_URL, { launchMode: 'normal' }), /launchMode/);
  await assert.rejects(lms.launch(AU_URL, { masteryScore: 80 }), /masteryScore/);
  await assert.rejects(lms.launch(AU_URL, { moveon: 'Passed' }), /unknown launch option/);
});

test('fetch URL: POST once gives the token, a second POST the cmi5 error code 1 (status 200), GET is refused', async (t) => {
  const lms = await lmsFor(t);
  const launch = await lms.launch(AU_URL);
  const get = await fetch(launch.fetchUrl);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  await get.arrayBuffer();

  const first = await fetchToken(launch.fetchUrl);
  assert.deepEqual(Object.keys(first), ['auth-token']);
  assert.equal(first['auth-token'], launch.token);
  const second = await fetchToken(launch.fetchUrl);
  assert.equal(second['error-code'], '1');
  assert.equal(typeof second['error-text'], 'string');
  assert.equal(second['auth-token'], undefined);
  const unknown = await fetchToken(`${lms.url}/fetch/nope`);
  assert.equal(unknown['error-code'], '2');
  assert.equal(lms.current().fetchRefusals, 1);
  assert.deepEqual(lms.log.filter((e) => e.kind === 'fetch').map((e) => `${e.method} ${e.status} ${e.reason}`), [
    'GET 405 not POST', 'POST 200 token', 'POST 200 fetch again', 'POST 200 unknown fetch URL',
  ]);

  // A new launch is a new session with a new fetch URL and token.
  const next = await lms.launch(AU_URL);
  assert.notEqual(next.fetchUrl, launch.fetchUrl);
  assert.notEqual(next.sessionId, launch.sessionId);
  assert.equal((await fetchToken(next.fetchUrl))['auth-token'], next.token);
});

test('xAPI endpoint: token and version header required; LaunchData readable, not writable; preferences; AU states with ETags', async (t) => {
  const lms = await lmsFor(t);
  const launch = await lms.launch(AU_URL, {
    launchMode: 'Review', masteryScore: 0.6, moveOn: 'CompletedAndPassed', returnURL: 'http://127.0.0.1:9/lms/return?course=1',
    launchParameters: '{"level":2}', lang: 'id-ID,en', audio: 'off',
    contextTemplate: { contextActivities: { parent: [{ id: `${PUBLISHER}/course` }] }, extensions: { 'https://lms.example.org/ext/cohort': 'A' } },
  });
  const p = launchParams(launch.url);
  const launchDataUrl = stateUrl(p, 'LMS.LaunchData');
  const version = { 'X-Experience-API-Version': XAPI_VERSION };

  // The token is no good before the AU fetched it.
  const early = await fetch(launchDataUrl, { headers: { ...version, Authorization: `Basic ${launch.token}` } });
  assert.equal(early.status, 401);
  const token = (await fetchToken(p.fetch))['auth-token'];
  const auth = { ...version, Authorization: `Basic ${token}`, Origin: 'http://127.0.0.1:9' };

  assert.equal((await fetch(launchDataUrl, { headers: version })).status, 401, 'no Authorization');
  assert.equal((await fetch(launchDataUrl, { headers: { ...version, Authorization: 'Basic bm9ib2R5Om5vdGhpbmc=' } })).status, 401, 'wrong token');
  assert.equal((await fetch(launchDataUrl, { headers: { Authorization: `Basic ${token}` } })).status, 400, 'no version header');
  assert.equal((await fetch(launchDataUrl, { headers: { ...version, Authorization: lrs.auth } })).status, 401, 'the LRS credentials are not the AU\'s');

  const res = await fetch(launchDataUrl, { headers: auth });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), 'http://127.0.0.1:9');
  assert.match(res.headers.get('access-control-expose-headers'), /ETag/);
  assert.match(res.headers.get('etag'), /^"[0-9a-f]{40}"$/);
  const launchData = await res.json();
  assert.deepEqual(launchData, {
    contextTemplate: {
      contextActivities: { parent: [{ id: `${PUBLISHER}/course` }], grouping: [{ objectType: 'Activity', id: PUBLISHER }] },
      extensions: { 'https://lms.example.org/ext/cohort': 'A', [CMI5.sessionId]: launch.sessionId },
    },
    launchMode: 'Review',
    moveOn: 'CompletedAndPassed',
    masteryScore: 0.6,
    returnURL: 'http://127.0.0.1:9/lms/return?course=1',
    launchParameters: '{"level":2}',
  });
  // The agent may come with its keys in another order: it is compared by identifier.
  const reordered = stateUrl({ ...p, actor: { account: { name: p.actor.account.name, homePage: p.actor.account.homePage } } }, 'LMS.LaunchData');
  assert.equal((await fetch(reordered, { headers: auth })).status, 200);
  assert.equal((await fetch(stateUrl(p, 'LMS.LaunchData', randomUUID()), { headers: auth })).status, 404, 'another registration');

  for (const method of ['PUT', 'POST', 'DELETE']) {
    const write = await fetch(launchDataUrl, { method, headers: { ...auth, 'Content-Type': 'application/json' }, body: method === 'DELETE' ? undefined : '{"launchMode":"Normal"}' });
    assert.equal(write.status, 403, `${method} LMS.LaunchData`);
  }
  const deleteAll = await fetch(stateUrl(p, '').replace('stateId=&', ''), { method: 'DELETE', headers: auth });
  assert.equal(deleteAll.status, 403, 'deleting all states would delete LaunchData');
  assert.deepEqual(JSON.parse(await (await fetch(launchDataUrl, { headers: auth })).text()).launchMode, 'Review');

  // Learner preferences: readable, not writable by the AU.
  const prefsUrl = `${p.endpoint}agents/profile?${new URLSearchParams({ agent: JSON.stringify(p.actor), profileId: 'cmi5LearnerPreferences' })}`;
  const prefs = await fetch(prefsUrl, { headers: auth });
  assert.equal(prefs.status, 200);
  assert.deepEqual(await prefs.json(), { languagePreference: 'id-ID,en', audioPreference: 'off' });
  const prefsWrite = await fetch(prefsUrl, { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"languagePreference":"en"}' });
  assert.equal(prefsWrite.status, 403);
  lms.setPreferences(null);
  assert.equal((await fetch(prefsUrl, { headers: auth })).status, 404, 'no preferences is a 404, which the AU must accept');

  // The AU's own state documents, with ETags and merge.
  const mine = stateUrl(p, 'pelita.attempt');
  assert.equal((await fetch(mine, { headers: auth })).status, 404);
  const put = await fetch(mine, { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"page":3}' });
  assert.equal(put.status, 204);
  const etag = put.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{40}"$/);
  assert.equal((await fetch(mine, { method: 'PUT', headers: { ...auth, 'If-Match': '"stale"' }, body: '{"page":4}' })).status, 412);
  assert.equal((await fetch(mine, { method: 'POST', headers: { ...auth, 'If-Match': etag, 'Content-Type': 'application/json' }, body: '{"answers":{"q1":"a"}}' })).status, 204);
  const got = await fetch(mine, { headers: auth });
  assert.deepEqual(await got.json(), { page: 3, answers: { q1: 'a' } });
  assert.equal(got.headers.get('content-type'), 'application/json');
  const ids = await (await fetch(stateUrl(p, '').replace('stateId=&', ''), { headers: auth })).json();
  assert.deepEqual(ids.sort(), ['LMS.LaunchData', 'pelita.attempt']);
  assert.equal((await fetch(mine, { method: 'DELETE', headers: auth })).status, 204);
  assert.equal((await fetch(mine, { headers: auth })).status, 404);

  // The preflight a browser sends before those requests.
  const preflight = await fetch(mine, {
    method: 'OPTIONS',
    headers: { Origin: 'http://127.0.0.1:9', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization,content-type,if-match,x-experience-api-version' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://127.0.0.1:9');
  assert.match(preflight.headers.get('access-control-allow-methods'), /PUT/);
  assert.equal(preflight.headers.get('access-control-allow-headers'), 'authorization,content-type,if-match,x-experience-api-version');
  assert.deepEqual(lms.received, [], 'no statements were sent');
});

test('statements reach the real LRS in order with the LMS\'s own; a finished session refuses new ones but takes a retry', async (t) => {
  const lms = await lmsFor(t);
  const launch = await lms.launch(AU_URL, { masteryScore: 0.8, moveOn: 'CompletedAndPassed' });
  const p = launchParams(launch.url);
  const token = (await fetchToken(p.fetch))['auth-token'];
  const headers = { 'X-Experience-API-Version': XAPI_VERSION, Authorization: `Basic ${token}`, 'Content-Type': 'application/json' };
  const post = (body) => fetch(`${p.endpoint}statements`, { method: 'POST', headers, body: JSON.stringify(body) });
  const sid = launch.sessionId;

  const initialized = auStatement(p, sid, 'initialized', 0);
  const r1 = await post(initialized);
  assert.equal(r1.status, 200);
  assert.deepEqual(await r1.json(), [initialized.id]);
  const page = auStatement(p, sid, 'experienced', 0.01);
  const put = await fetch(`${p.endpoint}statements?statementId=${page.id}`, { method: 'PUT', headers, body: JSON.stringify(page) });
  assert.equal(put.status, 204);
  const completed = auStatement(p, sid, 'completed', 0.02, { result: { completion: true, duration: 'PT2S' } });
  const passed = auStatement(p, sid, 'passed', 0.03, { result: { success: true, duration: 'PT3S', score: { scaled: 0.9, raw: 9, min: 0, max: 10 } } });
  passed.context.extensions[CMI5.masteryScore] = 0.8;
  const terminated = auStatement(p, sid, 'terminated', 0.04, { result: { duration: 'PT4S' } });

  const voiding = await post({ ...auStatement(p, sid, 'voided', 0.02), object: { objectType: 'StatementRef', id: page.id } });
  assert.equal(voiding.status, 403, 'the AU may not void');
  const invalid = await post({ ...auStatement(p, sid, 'experienced', 0.02), result: { score: { scaled: 2 } } });
  assert.equal(invalid.status, 400, 'the LRS judges the statements, its answer comes back');

  const batch = [completed, passed, terminated];
  // The statements above are stamped up to 40 ms ahead; let that time pass so that the
  // LMS's satisfied (stamped when it is written) comes after them, as with a real AU.
  await new Promise((r) => setTimeout(r, 80));
  const r2 = await post(batch);
  assert.equal(r2.status, 200);
  assert.deepEqual(await r2.json(), batch.map((s) => s.id));
  assert.equal(lms.current().state, 'terminated');

  const late = await post(auStatement(p, sid, 'experienced', 0.05));
  assert.equal(late.status, 403, 'after terminated the session is over');
  const retry = await post(batch);
  assert.equal(retry.status, 200, 'an identical re-send of a stored batch is an idempotent retry');
  const stateAfter = await fetch(stateUrl(p, 'LMS.LaunchData'), { headers });
  assert.equal(stateAfter.status, 403, 'the token ends with the session');

  const stored = await lms.statements();
  assert.deepEqual(stored.map((s) => s.verb.display.en ?? s.verb.display['en-US']), [
    'launched', 'initialized', 'experienced', 'completed', 'passed', 'terminated', 'satisfied',
  ]);
  const satisfied = stored.at(-1);
  assert.equal(satisfied.object.id, lms.courseId);
  assert.equal(satisfied.object.definition.type, CMI5.courseType);
  assert.equal(satisfied.context.extensions[CMI5.sessionId], sid);
  assert.deepEqual(validateStatements(stored), []);
  assert.deepEqual(await lms.check(), [], describeViolations(await lms.check()));
  // The LRS really holds them (read directly, not through the LMS).
  const direct = await lrs.statements({ registration: lms.registration });
  assert.equal(direct.length, 7);
  assert.deepEqual(lms.received.map((r) => `${r.method} ${r.status} ${r.statements.length}`), [
    'POST 200 1', 'PUT 204 1', 'POST 400 1', 'POST 200 3', 'POST 200 3',
  ]);
  assert.ok(lms.received.every((r) => r.sessionId === sid));
  const entry = await lms.waitFor((e) => e.kind === 'statements' && e.verbs.includes('terminated'));
  assert.deepEqual(entry.verbs, ['completed', 'passed', 'terminated']);
  await assert.rejects(lms.waitFor((e) => e.kind === 'nothing', 50), /the LMS saw:\n#1 /);
});

test('check() flags what a wrong AU sends, through the LMS', async (t) => {
  const lms = await lmsFor(t);
  const launch = await lms.launch(AU_URL, { launchMode: 'Browse' });
  const p = launchParams(launch.url);
  const token = (await fetchToken(p.fetch))['auth-token'];
  const headers = { 'X-Experience-API-Version': XAPI_VERSION, Authorization: `Basic ${token}`, 'Content-Type': 'application/json' };
  const sid = launch.sessionId;
  const list = [
    auStatement(p, sid, 'experienced', 0), // before initialized
    auStatement(p, sid, 'initialized', 0.01),
    auStatement(p, sid, 'completed', 0.02, { result: { completion: true, duration: 'PT1S' } }), // not in Browse
    auStatement(p, sid, 'terminated', 0.03, { result: { duration: 'PT1S' } }),
  ];
  list[1].context.contextActivities.grouping = []; // lost the contextTemplate's grouping
  const res = await fetch(`${p.endpoint}statements`, { method: 'POST', headers, body: JSON.stringify(list) });
  assert.equal(res.status, 200);
  const violations = await lms.check();
  assert.deepEqual(rules(violations), ['context-template-not-merged', 'initialized-not-first', 'not-normal-mode'], describeViolations(violations));
  assert.ok(violations.find((v) => v.rule === 'not-normal-mode').id === list[2].id);
});

test('a new launch abandons a session that never terminated; its token then stops working', async (t) => {
  const lms = await lmsFor(t, { terminatedGraceMs: 0 });
  const first = await lms.launch(AU_URL, { moveOn: 'Completed' });
  const p = launchParams(first.url);
  const token = (await fetchToken(p.fetch))['auth-token'];
  const headers = { 'X-Experience-API-Version': XAPI_VERSION, Authorization: `Basic ${token}`, 'Content-Type': 'application/json' };
  const init = auStatement(p, first.sessionId, 'initialized', 0);
  assert.equal((await fetch(`${p.endpoint}statements`, { method: 'POST', headers, body: JSON.stringify(init) })).status, 200);

  const second = await lms.launch(AU_URL, { moveOn: 'Completed' });
  assert.equal(lms.sessions[0].state, 'abandoned');
  assert.equal(second.registration, first.registration, 'same enrollment, new session');
  const late = await fetch(`${p.endpoint}statements`, { method: 'POST', headers, body: JSON.stringify(auStatement(p, first.sessionId, 'experienced', 0.01)) });
  assert.equal(late.status, 403);
  assert.equal((await fetchToken(p.fetch))['error-code'], '1', 'the old fetch URL has expired');

  const firstSession = await lms.statements(first.sessionId);
  assert.deepEqual(firstSession.map((s) => s.verb.id), [VERBS.launched, VERBS.initialized, VERBS.abandoned]);
  assert.match(firstSession[2].result.duration, /^PT[\d.]+S$/);
  const all = await lms.statements('all');
  assert.deepEqual(all.map((s) => s.verb.id), [VERBS.launched, VERBS.initialized, VERBS.abandoned, VERBS.launched]);
  assert.deepEqual(await lms.check({ requireTerminated: false }), []);
  await assert.rejects(lms.abandon(first.sessionId), /abandoned/);
  await lms.abandon();
  assert.equal(lms.current().state, 'abandoned');

  // moveOn NotApplicable: satisfied at the registration's first launch, with its own session id.
  const other = await lms.launch(AU_URL, { moveOn: 'NotApplicable', registration: randomUUID() });
  const reg = await lms.registrationStatements(other.registration);
  assert.deepEqual(reg.map((s) => s.verb.id), [VERBS.satisfied, VERBS.launched]);
  assert.notEqual(reg[0].context.extensions[CMI5.sessionId], other.sessionId);
});

test('a Chromium page on another origin does the whole AU handshake through CORS', async (t) => {
  const lms = await lmsFor(t);
  const site = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><head><title>au</title><link rel="icon" href="data:,"></head><body></body></html>');
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => { site.closeAllConnections(); site.close(r); }));
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const problems = browser.watch();
  const launch = await lms.launch(`http://127.0.0.1:${site.address().port}/au.html`, { lang: 'id' });
  await browser.page.goto(launch.url);

  const out = await browser.page.evaluate(async ({ category }) => {
    const q = new URLSearchParams(location.search);
    const endpoint = q.get('endpoint');
    const actor = JSON.parse(q.get('actor'));
    const token = (await (await fetch(q.get('fetch'), { method: 'POST' })).json())['auth-token'];
    const again = await (await fetch(q.get('fetch'), { method: 'POST' })).json();
    const headers = { Authorization: `Basic ${token}`, 'X-Experience-API-Version': '1.0.3' };
    const agent = encodeURIComponent(JSON.stringify(actor));
    const activityId = encodeURIComponent(q.get('activityId'));
    const ld = await fetch(`${endpoint}activities/state?stateId=LMS.LaunchData&activityId=${activityId}&agent=${agent}&registration=${q.get('registration')}`, { headers });
    const launchData = await ld.json();
    const prefs = await (await fetch(`${endpoint}agents/profile?profileId=cmi5LearnerPreferences&agent=${agent}`, { headers })).json();
    const mine = `${endpoint}activities/state?stateId=resume&activityId=${activityId}&agent=${agent}&registration=${q.get('registration')}`;
    const put = await fetch(mine, { method: 'PUT', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{"p":1}' });
    const etag = put.headers.get('ETag');
    const initialized = {
      id: crypto.randomUUID(),
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/initialized', display: { en: 'initialized' } },
      object: { objectType: 'Activity', id: q.get('activityId') },
      context: { ...structuredClone(launchData.contextTemplate), registration: q.get('registration') },
      timestamp: new Date().toISOString(),
    };
    initialized.context.contextActivities.category = [{ id: category }];
    const post = await fetch(`${endpoint}statements`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify([initialized]) });
    return { again, launchMode: launchData.launchMode, prefs, putStatus: put.status, etag, postStatus: post.status, ids: await post.json(), id: initialized.id };
  }, { category: CMI5.category });
  assert.equal(out.again['error-code'], '1');
  assert.equal(out.launchMode, 'Normal');
  assert.deepEqual(out.prefs, { languagePreference: 'id' });
  assert.equal(out.putStatus, 204);
  assert.match(out.etag, /^"[0-9a-f]{40}"$/, 'ETag is exposed to the page');
  assert.equal(out.postStatus, 200);
  assert.deepEqual(out.ids, [out.id]);
  assert.deepEqual(problems, []);
  const stored = await lms.statements();
  assert.deepEqual(stored.map((s) => s.verb.id), [VERBS.launched, VERBS.initialized]);
  assert.deepEqual(await lms.check({ requireTerminated: false }), []);
});
