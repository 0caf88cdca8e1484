// The embedded LRS (`pelita serve`) and the reference LRS (Learning Locker's
// xapi-statements) are sent the same requests and must give the same answers: the status
// of every valid and invalid statement of the shared corpus
// (crates/xapi/tests/statements-corpus.json), conflicting and repeated PUTs, an
// all-or-nothing batch, voiding, and GET with filters, where the statements returned must
// be the same, in the same order, apart from what each LRS adds itself (`stored`,
// `authority`). Where the two legitimately differ, the case is listed in DIFFERENCES with
// the rule of the xAPI 1.0.3 spec that decides it, and the test checks that each LRS still
// answers as listed, so a change on either side is noticed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startReferenceLrs } from '../support/lrs.mjs';
import { startPelitaServe, ROOT } from '../support/pelita-serve.mjs';

const corpus = JSON.parse(readFileSync(path.join(ROOT, 'crates/xapi/tests/statements-corpus.json'), 'utf8'));

/** RFC 7396 JSON merge patch, as the corpus uses it. */
function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
const build = (c) => ('statement' in c ? structuredClone(c.statement) : mergePatch(structuredClone(corpus.base), c.patch));

/**
 * Cases where the answers differ, with the reason. `reference` and `pelita` are the
 * statuses each LRS gives.
 */
const DIFFERENCES = {
  'valid:attachment': {
    reference: 500,
    pelita: 200,
    why: 'a JSON statement may reference its attachment by fileUrl with no content (Data 2.4.11); Learning Locker fails with a server error on it',
  },
  'invalid:group containing a group': {
    reference: 200,
    pelita: 400,
    why: 'a Group MUST NOT contain Group Objects in its member property (Data 2.4.2.2); Learning Locker accepts it',
  },
  'invalid:duplicate choice ids': {
    reference: 200,
    pelita: 400,
    why: 'within an array of interaction components all id values MUST be distinct (Data 2.4.4.1); Learning Locker accepts duplicates',
  },
  'invalid:timestamp impossible date': {
    reference: 200,
    pelita: 400,
    why: 'a timestamp MUST be ISO 8601 (Data 2.4.7), and 30 February is no date; Learning Locker checks the form only',
  },
  'invalid:team not a group': {
    reference: 200,
    pelita: 400,
    why: 'context.team is a Group (Data 2.4.6), whose objectType MUST be "Group"; Learning Locker accepts an Agent',
  },
  'invalid:context statement not a StatementRef': {
    reference: 200,
    pelita: 400,
    why: 'context.statement is a Statement Reference (Data 2.4.6), whose objectType MUST be "StatementRef"; Learning Locker accepts it without',
  },
};

let reference, pelita;
/** Ids of the corpus statements only one of the two LRSs stored (the documented differences). */
const storedByOne = new Set();

before(async () => {
  [reference, pelita] = await Promise.all([startReferenceLrs(), startPelitaServe()]);
});

after(async () => {
  await Promise.all([reference?.stop(), pelita?.stop()]);
});

async function both(relative, init = {}) {
  const send = async (lrs) => {
    const res = await lrs.request(relative, init);
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, json, text };
  };
  const [a, b] = await Promise.all([send(reference), send(pelita)]);
  return { reference: a, pelita: b };
}

const post = (body) => both('statements', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const put = (id, body) => both(`statements?statementId=${id}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/**
 * A statement as sent, without what an LRS adds on its own: `stored`, `authority`, and a
 * `timestamp` it filled in (equal to `stored`) because the statement had none.
 */
function comparable(s) {
  const { stored, authority, ...rest } = s;
  if (rest.timestamp === stored) delete rest.timestamp;
  return rest;
}

/** Each corpus statement gets an id of its own (except cases about the id), the same on both. */
let counter = 0;
function withId(s, name) {
  if (s && typeof s === 'object' && !Array.isArray(s) && !/^id /.test(name)) {
    counter += 1;
    s.id = `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
  }
  return s;
}

test('every statement of the corpus gets the same status from both, or the documented one', async () => {
  const seen = new Set();
  for (const kind of ['valid', 'invalid']) {
    for (const c of corpus[kind]) {
      const key = `${kind}:${c.name}`;
      const statement = withId(build(c), c.name);
      const answer = await post(statement);
      const expected = DIFFERENCES[key];
      if (expected) {
        seen.add(key);
        if (statement && statement.id) storedByOne.add(statement.id);
        assert.equal(answer.reference.status, expected.reference, `${key}: reference (${expected.why}): ${answer.reference.text}`);
        assert.equal(answer.pelita.status, expected.pelita, `${key}: pelita (${expected.why}): ${answer.pelita.text}`);
        continue;
      }
      const want = kind === 'valid' ? 200 : 400;
      assert.equal(answer.reference.status, want, `${key}: reference ${answer.reference.text}`);
      assert.equal(answer.pelita.status, want, `${key}: pelita ${answer.pelita.text}`);
      if (kind === 'valid') {
        assert.deepEqual(answer.pelita.json, answer.reference.json, `${key}: the ids answered`);
        // Read back: the same statement from both.
        const got = await both(`statements?statementId=${statement.id}`);
        assert.equal(got.reference.status, 200);
        assert.equal(got.pelita.status, 200);
        assert.deepEqual(comparable(got.pelita.json), comparable(got.reference.json), `${key}: stored statement`);
      }
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(DIFFERENCES).sort(), 'every documented difference was exercised');
});

test('PUT: repeated statement accepted, a different one under the same id refused', async () => {
  const s = withId(build({ patch: {} }), 'put');
  const first = await put(s.id, s);
  assert.equal(first.reference.status, 204);
  assert.equal(first.pelita.status, 204);
  const again = await put(s.id, s);
  assert.deepEqual([again.reference.status, again.pelita.status], [204, 204]);
  const other = structuredClone(s);
  other.verb.id = 'http://adlnet.gov/expapi/verbs/completed';
  const conflict = await put(s.id, other);
  assert.deepEqual([conflict.reference.status, conflict.pelita.status], [409, 409]);
  const byPost = await post(other);
  assert.deepEqual([byPost.reference.status, byPost.pelita.status], [409, 409]);
  const missingId = await both('statements', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(s) });
  assert.deepEqual([missingId.reference.status, missingId.pelita.status], [400, 400]);
  const got = await both(`statements?statementId=${s.id}`);
  assert.equal(got.pelita.json.verb.id, s.verb.id);
  assert.deepEqual(comparable(got.pelita.json), comparable(got.reference.json));
});

test('a batch with one invalid statement stores nothing on either', async () => {
  const good = withId(build({ patch: {} }), 'batch');
  const bad = withId(build({ patch: { result: { score: { scaled: 3 } } } }), 'batch');
  const answer = await post([good, bad]);
  assert.deepEqual([answer.reference.status, answer.pelita.status], [400, 400]);
  const got = await both(`statements?statementId=${good.id}`);
  assert.deepEqual([got.reference.status, got.pelita.status], [404, 404]);
  const dup = await post([good, good]);
  assert.deepEqual([dup.reference.status, dup.pelita.status], [400, 400]);
});

test('voiding: the voided statement is found by voidedStatementId only', async () => {
  const target = withId(build({ patch: {} }), 'void');
  assert.deepEqual(Object.values(await post(target)).map((a) => a.status), [200, 200]);
  const voiding = withId({
    actor: { objectType: 'Agent', mbox: 'mailto:admin@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { en: 'voided' } },
    object: { objectType: 'StatementRef', id: target.id },
  }, 'void');
  assert.deepEqual(Object.values(await post(voiding)).map((a) => a.status), [200, 200]);
  const plain = await both(`statements?statementId=${target.id}`);
  assert.deepEqual([plain.reference.status, plain.pelita.status], [404, 404]);
  const voided = await both(`statements?voidedStatementId=${target.id}`);
  assert.deepEqual([voided.reference.status, voided.pelita.status], [200, 200]);
  assert.deepEqual(comparable(voided.pelita.json), comparable(voided.reference.json));
});

test('GET with filters returns the same statements in the same order', async () => {
  const registration = '1b7c3e6f-2b1c-4c8e-9a55-2a5f5d8d1e10';
  const learners = ['mailto:ani@example.org', 'mailto:budi@example.org'];
  const sent = [];
  for (let i = 0; i < 12; i += 1) {
    const s = withId(build({
      patch: {
        actor: { mbox: learners[i % 2], name: null },
        verb: { id: `http://adlnet.gov/expapi/verbs/${i % 3 === 0 ? 'experienced' : 'answered'}` },
        object: { id: `https://pelita.example.org/modules/filters/question/q${i % 4}` },
        context: {
          registration: i < 6 ? registration : '2b7c3e6f-2b1c-4c8e-9a55-2a5f5d8d1e10',
          instructor: { mbox: 'mailto:guru@example.org' },
          contextActivities: { parent: [{ id: 'https://pelita.example.org/modules/filters' }] },
        },
      },
    }), 'filters');
    sent.push(s);
    // One at a time, so that both LRSs store them in the same order.
    assert.deepEqual(Object.values(await post(s)).map((a) => a.status), [200, 200]);
  }
  const agent = JSON.stringify({ objectType: 'Agent', mbox: learners[0] });
  const queries = [
    { agent },
    { agent: JSON.stringify({ mbox: 'mailto:guru@example.org' }), related_agents: 'true' },
    { verb: 'http://adlnet.gov/expapi/verbs/experienced' },
    { activity: 'https://pelita.example.org/modules/filters/question/q1' },
    { activity: 'https://pelita.example.org/modules/filters', related_activities: 'true' },
    { registration },
    { agent, verb: 'http://adlnet.gov/expapi/verbs/answered', registration },
    { activity: 'https://pelita.example.org/modules/filters', related_activities: 'true', ascending: 'true' },
    { activity: 'https://pelita.example.org/modules/filters', related_activities: 'true', limit: '5' },
  ];
  for (const q of queries) {
    const [a, b] = await Promise.all([reference.statements(q), pelita.statements(q)]);
    assert.ok(a.length > 0, `${JSON.stringify(q)} matches something`);
    assert.deepEqual(b.map((s) => s.id), a.map((s) => s.id), JSON.stringify(q));
    assert.deepEqual(b.map(comparable), a.map(comparable), JSON.stringify(q));
  }
  // Malformed parameters. Both refuse an unknown parameter, an agent that is not JSON, and
  // a statementId combined with a filter. For the rest Learning Locker is lenient (200, or
  // 404/500), while the embedded LRS refuses each with 400 naming the parameter: the spec
  // types every parameter (Communication 2.1.3: IRIs, a UUID, JSON Agent, timestamps, a
  // non-negative integer, booleans, one of three formats).
  const PARAMS = [
    ['unknown=1', 400, 400],
    ['agent=someone', 400, 400],
    ['statementId=00000000-0000-4000-8000-000000000001&verb=http%3A%2F%2Fx.org%2Fv', 400, 400],
    ['verb=answered', 200, 400],
    ['activity=q1', 200, 400],
    ['registration=abc', 200, 400],
    // Learning Locker answers 200 on an empty store and 500 once it holds statements.
    ['agent=%7B%22name%22%3A%22x%22%7D', [200, 500], 400],
    ['limit=ten', 200, 400],
    ['limit=-1', 500, 400],
    ['since=yesterday', 200, 400],
    ['until=2026-01-01', 200, 400],
    ['ascending=yes', 200, 400],
    ['related_agents=1', 200, 400],
    ['format=full', 200, 400],
    ['statementId=nope', 404, 400],
  ];
  for (const [q, ref, ours] of PARAMS) {
    const answer = await both(`statements?${q}`);
    assert.ok([ref].flat().includes(answer.reference.status), `${q}: reference answered ${answer.reference.status}`);
    assert.equal(answer.pelita.status, ours, q);
    if (ours === 400) assert.match(answer.pelita.json.message, /\w/, q);
  }
  // Requests without the version header are refused by both; /about answers without.
  const noVersion = await Promise.all([reference, pelita].map((l) => fetch(new URL('statements', l.endpoint), { headers: { Authorization: l.auth } })));
  assert.deepEqual(noVersion.map((r) => r.status), [400, 400]);
  const about = await both('about');
  assert.ok(about.reference.json.version.includes('1.0.3'));
  assert.ok(about.pelita.json.version.includes('1.0.3'));
});

test('statements referring to a matching statement match the filters too', async () => {
  const a = withId(build({ patch: { object: { id: 'https://pelita.example.org/modules/refs/question/q1' } } }), 'refs');
  const refer = (verb, target) => withId({
    actor: { objectType: 'Agent', mbox: 'mailto:budi@example.org' },
    verb: { id: `https://pelita.example.org/verbs/${verb}` },
    object: { objectType: 'StatementRef', id: target.id },
  }, 'refs');
  const b = refer('commented', a);
  const c = refer('liked', b);
  for (const s of [a, b, c]) {
    assert.deepEqual(Object.values(await post(s)).map((x) => x.status), [200, 200]);
  }
  for (const q of [
    { activity: 'https://pelita.example.org/modules/refs/question/q1' },
    { agent: JSON.stringify(a.actor), verb: a.verb.id },
    { registration: a.context.registration },
  ]) {
    const [ref, ours] = await Promise.all([reference.statements(q), pelita.statements(q)]);
    assert.ok(ref.length >= 3, JSON.stringify(q));
    // The corpus statements only one LRS accepted (documented above) are left out.
    const shared = (list) => list.map((s) => s.id).filter((id) => !storedByOne.has(id));
    assert.deepEqual(shared(ours), shared(ref), JSON.stringify(q));
  }
});
