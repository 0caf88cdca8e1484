// This module judges a sequence of xAPI statements by the cmi5 rules (cmi5 "Quartz", as
// ../shared/docs/xapi-cmi5-digest.md sums them up, checked against the spec's sections 7.1,
// 9.2 to 9.6 and 10). It is pure code: it takes the statements, as stored by the LRS or made
// by hand in a test, and returns the list of rules they break, each with the statement that
// breaks it. The cmi5 LMS stand-in (cmi5-lms.mjs) feeds it what the player sent; the
// self-tests feed it hand-made sequences, including ones that must be rejected, so a
// sequence rule that the player breaks cannot go unnoticed.
//
// Usage:
//   import { checkSequence, describeViolations } from './cmi5-rules.mjs';
//   const violations = checkSequence(statements, { activityId, contextTemplates });
//   assert.deepEqual(violations, [], describeViolations(violations));
//
// How statements are grouped and ordered:
// - A session is every statement carrying the same
//   `https://w3id.org/xapi/cmi5/context/extensions/sessionid` context extension.
// - A registration is every statement with the same `context.registration`; the per
//   registration rules look at the statements about one AU (object id = the AU's activity id).
// - Order is the order of `timestamp` (spec 9.3: "the order is determined by the value of the
//   timestamp property"). Two statements with the same timestamp have no order, so a tie is
//   never a violation: "initialized first" means no AU statement of the session has an
//   earlier timestamp than initialized, "terminated last" means none has a later one.
// - LMS statements (launched, abandoned, waived, satisfied) are not subject to the AU's
//   ordering rules. Which statements the LMS wrote is decided by the verb, or, when
//   `options.lmsIds` is given, by that set of ids (then an AU statement using an LMS verb is
//   a violation of its own).
// - "cmi5 defined" AU statements are those with one of the AU's cmi5 verbs (initialized,
//   completed, passed, failed, terminated) and the cmi5 category; all the other AU
//   statements are "cmi5 allowed" (spec 7.1.3).
//
// What the checker knows about each session (launch mode, mastery score, the AU's activity
// id, the context template) comes from `options` when given, else from the session's
// `launched` statement, whose context the LMS must fill with the launchmode, moveon and
// masteryscore extensions (spec 9.6.3). The rules, with the name a violation carries:
//
// Every AU statement
//   no-timestamp                 a statement without timestamp (9.7) cannot be ordered.
//   no-session-id                cmi5 defined and allowed statements carry the session id (9.6.3.1).
//   registration-mismatch        context.registration differs from options.registration.
//   actor-mismatch               the actor is not options.actor (compared by identifier).
//   context-template-not-merged  a value of the session's contextTemplate is missing or
//                                overwritten (spec 10: merge, never overwrite).
//   lms-verb-from-au             launched/abandoned/waived/satisfied sent by the AU (only with
//                                options.lmsIds).
//   cmi5-category-on-other-verb  the cmi5 category on a statement that is not cmi5 defined,
//                                e.g. a question (digest: "cmi5 allowed" statements must not
//                                carry it).
//   defined-verb-without-category  an AU verb (initialized ... terminated) about the AU itself
//                                without the cmi5 category: a cmi5 defined statement that lost
//                                its category.
//   progress-invalid             the progress result extension is not an integer 0..100 (9.5.5.1).
// Order within a session (9.3)
//   no-launched                  the session has AU statements but no launched statement
//                                (off with requireLaunched: false).
//   launched-twice               more than one launched statement in a session.
//   initialized-before-launched  initialized earlier than launched.
//   initialized-not-first        an AU statement earlier than initialized, or no initialized.
//   initialized-twice / completed-twice-in-session / passed-twice-in-session /
//   failed-twice-in-session / terminated-twice
//                                a cmi5 defined verb used more than once in a session.
//   passed-and-failed            both passed and failed in one session.
//   terminated-not-last          an AU statement later than terminated.
//   no-terminated                the session never terminated and was not abandoned
//                                (off with requireTerminated: false, for a session in progress).
//   after-abandoned              an AU statement later than the LMS's abandoned statement.
//   not-normal-mode              in a Browse or Review launch, a cmi5 defined statement other
//                                than initialized and terminated.
// Per registration and AU (9.3)
//   completed-twice              more than one completed in the registration.
//   passed-twice                 more than one passed in the registration.
//   failed-after-passed          a failed later than a passed in the registration.
// Shape of cmi5 defined AU statements (9.2, 9.4, 9.5, 9.6)
//   object-not-au                object.id is not the AU's activity id.
//   actor-not-account            the actor is not an Agent with an account.
//   registration-missing         no context.registration.
//   moveon-category-missing      completed, passed or failed without the moveon category.
//   moveon-category-unexpected   the moveon category on any other statement, cmi5 allowed
//                                ones included (9.6.2.2: "Other statements MUST NOT include
//                                this Activity").
//   duration-missing             completed, passed, failed or terminated without result.duration.
//   score-not-allowed            a score on anything but passed and failed.
//   score-invalid                scaled outside 0..1, raw without min and max, raw outside them.
//   success-wrong                passed needs success true, failed success false, the others none.
//   completion-wrong             completed needs completion true, the others none.
//   mastery-not-met              passed with a scaled score below the session's masteryScore.
//   mastery-met-but-failed       failed with a scaled score at or above the masteryScore.
//   mastery-score-missing        passed or failed without a scaled score although the session
//                                has a masteryScore (the verdict MUST be judged by it, so the
//                                score it was judged on must be there).
//   masteryscore-extension-missing / masteryscore-extension-wrong
//                                passed or failed in a session with a masteryScore lacks the
//                                masteryscore context extension, or gives another value.

export const CMI5 = Object.freeze({
  category: 'https://w3id.org/xapi/cmi5/context/categories/cmi5',
  moveOnCategory: 'https://w3id.org/xapi/cmi5/context/categories/moveon',
  sessionId: 'https://w3id.org/xapi/cmi5/context/extensions/sessionid',
  masteryScore: 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore',
  launchMode: 'https://w3id.org/xapi/cmi5/context/extensions/launchmode',
  launchUrl: 'https://w3id.org/xapi/cmi5/context/extensions/launchurl',
  moveOn: 'https://w3id.org/xapi/cmi5/context/extensions/moveon',
  launchParameters: 'https://w3id.org/xapi/cmi5/context/extensions/launchparameters',
  progress: 'https://w3id.org/xapi/cmi5/result/extensions/progress',
  reason: 'https://w3id.org/xapi/cmi5/result/extensions/reason',
  courseType: 'https://w3id.org/xapi/cmi5/activitytype/course',
  blockType: 'https://w3id.org/xapi/cmi5/activitytype/block',
});

export const VERBS = Object.freeze({
  launched: 'http://adlnet.gov/expapi/verbs/launched',
  initialized: 'http://adlnet.gov/expapi/verbs/initialized',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  abandoned: 'https://w3id.org/xapi/adl/verbs/abandoned',
  waived: 'https://w3id.org/xapi/adl/verbs/waived',
  terminated: 'http://adlnet.gov/expapi/verbs/terminated',
  satisfied: 'https://w3id.org/xapi/adl/verbs/satisfied',
});

const AU_VERBS = new Map([
  [VERBS.initialized, 'initialized'],
  [VERBS.completed, 'completed'],
  [VERBS.passed, 'passed'],
  [VERBS.failed, 'failed'],
  [VERBS.terminated, 'terminated'],
]);
const LMS_VERBS = new Map([
  [VERBS.launched, 'launched'],
  [VERBS.abandoned, 'abandoned'],
  [VERBS.waived, 'waived'],
  [VERBS.satisfied, 'satisfied'],
]);

/** The short name of a cmi5 verb ("passed"), or null for any other verb. */
export function cmi5VerbName(statement) {
  const id = statement?.verb?.id;
  return AU_VERBS.get(id) ?? LMS_VERBS.get(id) ?? null;
}

/** An agent's identifying value (mbox, mbox_sha1sum, openid or account), as one string. */
export function agentKey(agent) {
  if (!agent || typeof agent !== 'object') return null;
  if (agent.mbox) return `mbox:${agent.mbox}`;
  if (agent.mbox_sha1sum) return `sha1:${agent.mbox_sha1sum}`;
  if (agent.openid) return `openid:${agent.openid}`;
  if (agent.account && typeof agent.account === 'object') return `account:${agent.account.homePage}|${agent.account.name}`;
  return null;
}

function categoryIds(statement) {
  const list = statement?.context?.contextActivities?.category;
  return Array.isArray(list) ? list.map((a) => a?.id) : [];
}

function sessionOf(statement) {
  const value = statement?.context?.extensions?.[CMI5.sessionId];
  return typeof value === 'string' && value !== '' ? value : null;
}

function timeOf(statement) {
  const ms = Date.parse(statement?.timestamp);
  return Number.isFinite(ms) ? ms : null;
}

/** Whether `actual` holds every value of `template` (objects key by key; in lists, each
 * template entry must be matched, activities by id). Returns the first missing path. */
function missingFromTemplate(template, actual, path = 'context') {
  if (Array.isArray(template)) {
    if (!Array.isArray(actual)) return path;
    for (const entry of template) {
      const found = entry && typeof entry === 'object' && 'id' in entry
        ? actual.some((a) => a && a.id === entry.id)
        : actual.some((a) => missingFromTemplate(entry, a, path) === null);
      if (!found) return `${path}[${JSON.stringify(entry?.id ?? entry)}]`;
    }
    return null;
  }
  if (template && typeof template === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return path;
    for (const [key, value] of Object.entries(template)) {
      const miss = missingFromTemplate(value, actual[key], `${path}.${key}`);
      if (miss !== null) return miss;
    }
    return null;
  }
  return Object.is(template, actual) ? null : path;
}

/**
 * Checks statements against the cmi5 rules. Returns a list of violations
 * { rule, message, id, sessionId, registration }, empty when the sequence is correct.
 *
 * @param {object[]} statements In any order; they are ordered by timestamp here.
 * @param {object} [options]
 * @param {string} [options.activityId] The AU's activity id (else: from launched statements).
 * @param {string} [options.registration] Every statement must carry this registration.
 * @param {object} [options.actor] Every statement's actor must identify this agent.
 * @param {string} [options.launchMode] 'Normal', 'Browse' or 'Review' for every session
 *   (else: from each session's launched statement; Normal when there is none).
 * @param {number} [options.masteryScore] For every session (else: from launched).
 * @param {Object<string, object>} [options.contextTemplates] The LMS.LaunchData
 *   contextTemplate of each session, keyed by session id.
 * @param {Iterable<string>} [options.lmsIds] Ids of the statements the LMS wrote.
 * @param {boolean} [options.requireLaunched=true] A session needs a launched statement.
 * @param {boolean} [options.requireTerminated=true] A session needs terminated (or abandoned).
 */
export function checkSequence(statements, options = {}) {
  if (!Array.isArray(statements)) throw new TypeError('checkSequence expects an array of statements');
  const {
    registration = undefined,
    actor = undefined,
    contextTemplates = {},
    requireLaunched = true,
    requireTerminated = true,
  } = options;
  const lmsIds = options.lmsIds ? new Set(options.lmsIds) : null;
  const violations = [];
  const flag = (rule, statement, message, extra = {}) => {
    violations.push({
      rule,
      message,
      id: statement?.id ?? null,
      sessionId: statement ? sessionOf(statement) : (extra.sessionId ?? null),
      registration: statement?.context?.registration ?? extra.registration ?? null,
    });
  };

  // Stable sort by timestamp; statements without one keep their place at the end.
  const ordered = statements
    .map((statement, index) => ({ statement, index, time: timeOf(statement) }))
    .sort((a, b) => {
      if (a.time === null || b.time === null) return (a.time === null) - (b.time === null) || a.index - b.index;
      return a.time - b.time || a.index - b.index;
    });

  const isLms = (s) => (lmsIds ? lmsIds.has(s.id) : LMS_VERBS.has(s?.verb?.id));
  const isDefined = (s) => !isLms(s) && AU_VERBS.has(s?.verb?.id) && categoryIds(s).includes(CMI5.category);

  // Sessions, with what the launched statement says about them.
  const sessions = new Map();
  for (const entry of ordered) {
    const sid = sessionOf(entry.statement);
    if (sid === null) continue;
    if (!sessions.has(sid)) sessions.set(sid, { id: sid, entries: [], launched: [] });
    const session = sessions.get(sid);
    session.entries.push(entry);
    if (isLms(entry.statement) && entry.statement.verb?.id === VERBS.launched) session.launched.push(entry);
  }
  const infoOf = (sid) => {
    const session = sessions.get(sid);
    const launched = session?.launched[0]?.statement;
    const ext = launched?.context?.extensions ?? {};
    return {
      activityId: options.activityId ?? launched?.object?.id ?? null,
      launchMode: options.launchMode ?? ext[CMI5.launchMode] ?? 'Normal',
      masteryScore: options.masteryScore ?? (typeof ext[CMI5.masteryScore] === 'number' ? ext[CMI5.masteryScore] : null),
      template: contextTemplates[sid] ?? null,
    };
  };
  const fallbackActivityId = options.activityId
    ?? ordered.map((e) => e.statement).find((s) => isLms(s) && s.verb?.id === VERBS.launched)?.object?.id
    ?? null;
  const actorKey = actor ? agentKey(actor) : null;

  // Every statement on its own.
  for (const { statement: s } of ordered) {
    const verbName = cmi5VerbName(s) ?? s?.verb?.id ?? '?';
    const sid = sessionOf(s);
    if (timeOf(s) === null) flag('no-timestamp', s, `${verbName} has no valid timestamp`);
    if (registration !== undefined && s?.context?.registration !== undefined && s.context.registration !== registration) {
      flag('registration-mismatch', s, `${verbName} has registration ${s.context.registration}, expected ${registration}`);
    }
    if (actorKey && agentKey(s?.actor) !== actorKey) {
      flag('actor-mismatch', s, `${verbName} has actor ${agentKey(s?.actor)}, expected ${actorKey}`);
    }
    if (isLms(s)) continue;

    if (sid === null) flag('no-session-id', s, `${verbName} has no session id extension`);
    if (lmsIds && LMS_VERBS.has(s?.verb?.id)) {
      flag('lms-verb-from-au', s, `the AU sent ${verbName}, a verb only the LMS may use`);
    }
    const info = sid ? infoOf(sid) : { activityId: fallbackActivityId, template: null };
    const activityId = info.activityId ?? fallbackActivityId;
    const categories = categoryIds(s);
    const defined = isDefined(s);
    if (!defined && categories.includes(CMI5.category)) {
      flag('cmi5-category-on-other-verb', s, `${verbName} carries the cmi5 category but is not a cmi5 defined statement`);
    }
    if (!defined && AU_VERBS.has(s?.verb?.id) && activityId !== null && s?.object?.id === activityId) {
      flag('defined-verb-without-category', s, `${verbName} about the AU lacks the cmi5 category`);
    }
    if (info.template) {
      const miss = missingFromTemplate(info.template, s?.context);
      if (miss !== null) flag('context-template-not-merged', s, `${verbName}: ${miss} of the contextTemplate is missing or changed`);
    }
    if (!defined && categories.includes(CMI5.moveOnCategory)) {
      flag('moveon-category-unexpected', s, `${verbName} is not cmi5 defined and must not carry the moveon category`);
    }
    const progress = s?.result?.extensions?.[CMI5.progress];
    if (progress !== undefined && !(Number.isInteger(progress) && progress >= 0 && progress <= 100)) {
      flag('progress-invalid', s, `${verbName}: progress ${JSON.stringify(progress)} is not an integer 0..100`);
    }
    if (!defined) continue;
    checkDefinedShape(s, verbName, activityId, infoOf(sid ?? ''), flag);
  }

  // Each session.
  for (const session of sessions.values()) {
    const info = infoOf(session.id);
    const au = session.entries.filter((e) => !isLms(e.statement));
    const lms = session.entries.filter((e) => isLms(e.statement));
    const byVerb = (entries, id) => entries.filter((e) => e.statement.verb?.id === id);
    const first = au[0]?.statement ?? lms[0]?.statement;
    const sessionRef = { sessionId: session.id, registration: first?.context?.registration ?? null };

    if (session.launched.length > 1) flag('launched-twice', session.launched[1].statement, 'the LMS launched this session more than once');
    if (au.length > 0 && session.launched.length === 0 && requireLaunched) {
      flag('no-launched', au[0].statement, `session ${session.id} has AU statements but no launched statement`);
    }
    const defined = au.filter((e) => isDefined(e.statement));
    const inits = byVerb(defined, VERBS.initialized);
    const terms = byVerb(defined, VERBS.terminated);
    if (au.length > 0) {
      if (inits.length === 0) {
        flag('initialized-not-first', au[0].statement, `session ${session.id} has no initialized statement`);
      } else {
        const initTime = inits[0].time;
        const earlier = au.find((e) => e.time !== null && initTime !== null && e.time < initTime);
        if (earlier) flag('initialized-not-first', earlier.statement, `${cmi5VerbName(earlier.statement) ?? earlier.statement.verb?.id} comes before initialized`);
        const launchedTime = session.launched[0]?.time;
        if (launchedTime != null && initTime !== null && initTime < launchedTime) {
          flag('initialized-before-launched', inits[0].statement, 'initialized is earlier than the LMS launched the AU');
        }
      }
    }
    for (const name of ['initialized', 'completed', 'passed', 'failed', 'terminated']) {
      const same = byVerb(defined, VERBS[name]);
      if (same.length > 1) {
        const rule = name === 'initialized' || name === 'terminated' ? `${name}-twice` : `${name}-twice-in-session`;
        flag(rule, same[1].statement, `${name} sent ${same.length} times in session ${session.id}`);
      }
    }
    const passed = byVerb(defined, VERBS.passed);
    const failed = byVerb(defined, VERBS.failed);
    if (passed.length > 0 && failed.length > 0) {
      const second = (passed[0].time ?? 0) > (failed[0].time ?? 0) ? passed[0] : failed[0];
      flag('passed-and-failed', second.statement, `session ${session.id} has both passed and failed`);
    }
    if (terms.length > 0) {
      const termTime = terms[0].time;
      const later = au.find((e) => e.time !== null && termTime !== null && e.time > termTime);
      if (later) flag('terminated-not-last', later.statement, `${cmi5VerbName(later.statement) ?? later.statement.verb?.id} comes after terminated`);
    }
    const abandoned = byVerb(lms, VERBS.abandoned);
    if (abandoned.length > 0) {
      const after = au.find((e) => e.time !== null && abandoned[0].time !== null && e.time > abandoned[0].time);
      if (after) flag('after-abandoned', after.statement, `${cmi5VerbName(after.statement) ?? after.statement.verb?.id} comes after the LMS abandoned the session`);
    }
    if (au.length > 0 && terms.length === 0 && abandoned.length === 0 && requireTerminated) {
      flag('no-terminated', null, `session ${session.id} never terminated`, sessionRef);
    }
    if (info.launchMode !== 'Normal') {
      for (const e of defined) {
        const v = e.statement.verb.id;
        if (v !== VERBS.initialized && v !== VERBS.terminated) {
          flag('not-normal-mode', e.statement, `${cmi5VerbName(e.statement)} sent in a ${info.launchMode} launch, which allows only initialized and terminated`);
        }
      }
    }
  }

  // Each registration, per AU.
  const registrations = new Map();
  for (const entry of ordered) {
    const s = entry.statement;
    if (!isDefined(s)) continue;
    const key = JSON.stringify([s.context?.registration ?? null, s.object?.id ?? null]);
    if (!registrations.has(key)) registrations.set(key, []);
    registrations.get(key).push(entry);
  }
  for (const entries of registrations.values()) {
    const of = (id) => entries.filter((e) => e.statement.verb?.id === id);
    const completed = of(VERBS.completed);
    const passed = of(VERBS.passed);
    const failed = of(VERBS.failed);
    if (completed.length > 1) flag('completed-twice', completed[1].statement, `completed sent ${completed.length} times in one registration`);
    if (passed.length > 1) flag('passed-twice', passed[1].statement, `passed sent ${passed.length} times in one registration`);
    if (passed.length > 0) {
      const passedTime = passed[0].time;
      const late = failed.find((e) => e.time !== null && passedTime !== null && e.time > passedTime);
      if (late) flag('failed-after-passed', late.statement, 'failed sent after passed in the same registration');
    }
  }
  return violations;
}

/** The rules one cmi5 defined AU statement must follow on its own. */
function checkDefinedShape(s, verbName, activityId, info, flag) {
  const verb = s.verb.id;
  const judged = verb === VERBS.passed || verb === VERBS.failed;
  const moveOnVerb = judged || verb === VERBS.completed;
  const result = s.result ?? {};
  if (activityId !== null && s.object?.id !== activityId) {
    flag('object-not-au', s, `${verbName} is about ${s.object?.id}, not the AU ${activityId}`);
  }
  if (!(s.actor && (s.actor.objectType === undefined || s.actor.objectType === 'Agent') && s.actor.account)) {
    flag('actor-not-account', s, `${verbName}: the actor must be an Agent with an account`);
  }
  if (!s.context?.registration) flag('registration-missing', s, `${verbName} has no registration`);
  const hasMoveOn = categoryIds(s).includes(CMI5.moveOnCategory);
  if (moveOnVerb && !hasMoveOn) flag('moveon-category-missing', s, `${verbName} lacks the moveon category`);
  if (!moveOnVerb && hasMoveOn) flag('moveon-category-unexpected', s, `${verbName} must not carry the moveon category`);
  if ((moveOnVerb || verb === VERBS.terminated) && typeof result.duration !== 'string') {
    flag('duration-missing', s, `${verbName} has no result.duration`);
  }
  if (!judged && result.score !== undefined) flag('score-not-allowed', s, `${verbName} must not carry a score`);
  if (judged && result.score !== undefined) {
    const { scaled, raw, min, max } = result.score ?? {};
    if (scaled !== undefined && !(typeof scaled === 'number' && scaled >= 0 && scaled <= 1)) {
      flag('score-invalid', s, `${verbName}: scaled ${scaled} is outside 0..1`);
    }
    if (raw !== undefined && (min === undefined || max === undefined)) {
      flag('score-invalid', s, `${verbName}: raw given without min and max`);
    } else if (raw !== undefined && !(raw >= min && raw <= max)) {
      flag('score-invalid', s, `${verbName}: raw ${raw} is outside ${min}..${max}`);
    }
  }
  if (verb === VERBS.passed && result.success !== true) flag('success-wrong', s, 'passed needs result.success true');
  if (verb === VERBS.failed && result.success !== false) flag('success-wrong', s, 'failed needs result.success false');
  if (!judged && result.success !== undefined) flag('success-wrong', s, `${verbName} must not carry result.success`);
  if (verb === VERBS.completed && result.completion !== true) flag('completion-wrong', s, 'completed needs result.completion true');
  if (verb !== VERBS.completed && result.completion !== undefined) flag('completion-wrong', s, `${verbName} must not carry result.completion`);
  if (judged && info.masteryScore !== null) {
    const scaled = result.score?.scaled;
    if (typeof scaled !== 'number') {
      flag('mastery-score-missing', s, `${verbName} has no scaled score to judge against masteryScore ${info.masteryScore}`);
    } else if (verb === VERBS.passed && scaled < info.masteryScore) {
      flag('mastery-not-met', s, `passed with scaled ${scaled} below masteryScore ${info.masteryScore}`);
    } else if (verb === VERBS.failed && scaled >= info.masteryScore) {
      flag('mastery-met-but-failed', s, `failed with scaled ${scaled} at or above masteryScore ${info.masteryScore}`);
    }
    const ext = s.context?.extensions?.[CMI5.masteryScore];
    if (ext === undefined) flag('masteryscore-extension-missing', s, `${verbName} lacks the masteryscore extension (${info.masteryScore})`);
    else if (ext !== info.masteryScore) flag('masteryscore-extension-wrong', s, `${verbName} gives masteryscore ${ext}, the launch data says ${info.masteryScore}`);
  }
}

/** Violations as short lines, for assertion messages. */
export function describeViolations(violations) {
  if (violations.length === 0) return '(no violations)';
  return violations.map((v) => `${v.rule}: ${v.message}${v.id ? ` [${v.id}]` : ''}`).join('\n');
}
