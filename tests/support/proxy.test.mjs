// These tests prove that the fault-injecting proxy (proxy.mjs) does what the player's
// delivery tests will rely on, against the real LRS: it passes requests through untouched
// (auth, version header, query, body, CORS answer), and each fault has exactly the effect
// it promises. A drop fails the request and stores nothing; a synthetic error is readable
// cross-origin with its Retry-After; a delay outlasts the client's timeout and still
// stores the batch; forward-drop-reply fails the request although the LRS stored it;
// offline mode refuses everything. The last test shows the same from a Chromium page,
// since Chromium re-sends a request on its own when a reused connection closes without an
// answer. Run with `node --test tests/support/proxy.test.mjs`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { startLrs, XAPI_VERSION } from './lrs.mjs';
import { startProxy } from './proxy.mjs';
import { launchBrowser } from './browser.mjs';

const ORIGIN = 'http://127.0.0.1:9'; // a page origin other than the proxy's; never contacted

function makeStatement(overrides = {}) {
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', name: 'Learner', mbox: 'mailto:learner@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { en: 'experienced' } },
    object: {
      objectType: 'Activity',
      id: 'https://pelita.example.org/modules/proxytest/page/1',
      definition: { name: { en: 'Page 1' }, type: 'http://adlnet.gov/expapi/activities/lesson' },
    },
    context: { registration: randomUUID(), platform: 'Pelita', language: 'en' },
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

let lrs;

before(async () => { lrs = await startLrs(); });
after(async () => { await lrs?.stop(); });

/** A fresh proxy for one test, closed when the test ends. */
async function proxyFor(t) {
  const proxy = await startProxy({ target: lrs.endpoint });
  t.after(() => proxy.close());
  return proxy;
}

/** POSTs statements through the proxy like the player does (auth, version, Origin). */
function post(proxy, statements, { headers = {}, signal } = {}) {
  return fetch(new URL('statements', proxy.endpoint(lrs.endpoint)), {
    method: 'POST',
    headers: { ...lrs.headers, 'Content-Type': 'application/json', Origin: ORIGIN, ...headers },
    body: JSON.stringify(statements),
    signal,
  });
}

/** How many times the LRS holds a statement with this id (read directly, not via the proxy). */
async function storedCount(id) {
  return (await lrs.statements()).filter((s) => s.id === id).length;
}

test('passes a POST through with its headers and body, and the LRS stores it', async (t) => {
  const proxy = await proxyFor(t);
  assert.match(proxy.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(proxy.endpoint(lrs.endpoint), `${proxy.url}/xAPI/`);
  assert.equal(proxy.endpoint('/xAPI/statements?limit=1'), `${proxy.url}/xAPI/statements?limit=1`);

  const batch = [makeStatement(), makeStatement()];
  const res = await post(proxy, batch);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), batch.map((s) => s.id));
  // The LRS's CORS answer comes back, with Retry-After added to the exposed headers.
  assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
  assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
  assert.match(res.headers.get('access-control-expose-headers'), /^ETag, Retry-After$/);
  assert.equal(res.headers.get('x-experience-api-version'), '1.0.3');
  assert.equal(res.headers.get('connection'), 'close');

  // Reading through the proxy (GET with a query) shows the statements too.
  const page = await fetch(`${proxy.endpoint(lrs.endpoint)}statements?limit=1`, { headers: lrs.headers });
  assert.equal(page.status, 200);
  const body = await page.json();
  assert.equal(body.statements.length, 1);
  assert.ok(batch.some((s) => s.id === body.statements[0].id), 'the newest statement is from the batch');
  for (const s of batch) assert.equal(await storedCount(s.id), 1);

  const entry = await proxy.waitFor((e) => e.method === 'POST');
  assert.deepEqual(entry.ids, batch.map((s) => s.id));
  assert.equal(entry.action, 'forwarded');
  assert.equal(entry.mode, 'pass');
  assert.equal(entry.status, 200);
  assert.equal(entry.lrsStatus, 200);
  assert.equal(entry.origin, ORIGIN);
  assert.equal(entry.clientClosed, false);
  assert.ok(typeof entry.time === 'number' && entry.durationMs >= 0);
  const get = proxy.log.find((e) => e.method === 'GET');
  assert.equal(get.query, '?limit=1');
  assert.deepEqual(get.ids, []);
});

test('forwards the auth and version headers the LRS checks, and PUT with its statementId', async (t) => {
  const proxy = await proxyFor(t);
  // Without a forwarded Authorization the good request above would be 401; with a wrong one
  // the LRS must say 401, and without the version header 400: the proxy hides neither.
  const wrong = await post(proxy, makeStatement(), { headers: { Authorization: 'Basic ' + Buffer.from('x:y').toString('base64') } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('access-control-allow-origin'), ORIGIN);
  assert.equal((await wrong.json()).message, 'Unauthorised');

  const noVersion = await fetch(new URL('statements', proxy.endpoint(lrs.endpoint)), {
    method: 'POST',
    headers: { Authorization: lrs.auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(makeStatement()),
  });
  assert.equal(noVersion.status, 400);
  await noVersion.arrayBuffer();

  const s = makeStatement();
  const put = await fetch(`${proxy.endpoint(lrs.endpoint)}statements?statementId=${s.id}`, {
    method: 'PUT',
    headers: { ...lrs.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(s),
  });
  assert.equal(put.status, 204);
  assert.equal(await storedCount(s.id), 1);
  const entry = await proxy.waitFor((e) => e.method === 'PUT');
  assert.deepEqual(entry.ids, [s.id]);
  assert.deepEqual(proxy.log.map((e) => e.status), [401, 400, 204]);
});

test('the CORS preflight passes through even while a POST rule is queued', async (t) => {
  const proxy = await proxyFor(t);
  proxy.faults.once({ action: 'drop' });
  const preflight = await fetch(new URL('statements', proxy.endpoint(lrs.endpoint)), {
    method: 'OPTIONS',
    headers: {
      Origin: ORIGIN,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type,x-experience-api-version',
    },
  });
  await preflight.arrayBuffer();
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
  assert.equal(proxy.faults.pending.length, 1, 'the preflight must not use up the POST rule');
  await assert.rejects(post(proxy, makeStatement()));
  assert.equal(proxy.faults.pending.length, 0);
  assert.deepEqual(proxy.log.map((e) => `${e.method} ${e.action}`), ['OPTIONS forwarded', 'POST dropped']);
});

test('drop: the request fails with a network error and nothing is stored', async (t) => {
  const proxy = await proxyFor(t);
  const queued = proxy.faults.once({ action: 'drop' });
  const lost = makeStatement();
  await assert.rejects(post(proxy, [lost]), (err) => err instanceof TypeError);
  assert.equal(queued.used, 1);
  const entry = await proxy.waitFor((e) => e.ids.includes(lost.id));
  assert.equal(entry.action, 'dropped');
  assert.equal(entry.mode, 'once');
  assert.equal(entry.status, null);
  assert.equal(entry.lrsStatus, null);
  assert.equal(entry.clientClosed, false);
  assert.equal(await storedCount(lost.id), 0);

  // The rule was one-shot: the retry goes through.
  const retry = await post(proxy, [lost]);
  assert.equal(retry.status, 200);
  assert.equal(await storedCount(lost.id), 1);
  assert.deepEqual(proxy.log.map((e) => e.action), ['dropped', 'forwarded']);
});

test('status: 503 with Retry-After is answered by the proxy and readable cross-origin', async (t) => {
  const proxy = await proxyFor(t);
  proxy.faults.once({ action: 'status', status: 503, headers: { 'Retry-After': '2' } });
  const s = makeStatement();
  const res = await post(proxy, [s]);
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '2');
  assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
  assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
  const exposed = res.headers.get('access-control-expose-headers').toLowerCase().split(/\s*,\s*/);
  assert.ok(exposed.includes('retry-after'), exposed.join(','));
  assert.ok(exposed.includes('etag'), exposed.join(','));
  assert.equal(res.headers.get('vary'), 'Origin');
  const body = await res.json();
  assert.match(body.errorId, /^[0-9a-f-]{36}$/);
  assert.match(body.message, /Service Unavailable/);
  assert.equal(await storedCount(s.id), 0, 'a synthetic answer must not forward');
  const entry = await proxy.waitFor((e) => e.ids.includes(s.id));
  assert.equal(entry.action, 'status');
  assert.equal(entry.status, 503);
  assert.equal(entry.lrsStatus, null);
});

test('status: other codes, custom bodies and headers, and no Allow-Origin without an Origin', async (t) => {
  const proxy = await proxyFor(t);
  proxy.faults.once({ action: 'status', status: 401, body: { errorId: 'x', message: 'Unauthorised' } });
  proxy.faults.once({ action: 'status', status: 413, body: 'too large' });
  proxy.faults.once({ action: 'status', status: 429, headers: { 'Retry-After': 'Wed, 21 Oct 2065 07:28:00 GMT', 'X-Rate': '0' } });
  proxy.faults.once({ action: 'status', status: 500 });

  const r401 = await post(proxy, makeStatement());
  assert.equal(r401.status, 401);
  assert.deepEqual(await r401.json(), { errorId: 'x', message: 'Unauthorised' });

  const r413 = await post(proxy, makeStatement());
  assert.equal(r413.status, 413);
  assert.match(r413.headers.get('content-type'), /^text\/plain/);
  assert.equal(await r413.text(), 'too large');

  const r429 = await post(proxy, makeStatement());
  assert.equal(r429.status, 429);
  assert.equal(r429.headers.get('retry-after'), 'Wed, 21 Oct 2065 07:28:00 GMT');
  assert.match(r429.headers.get('access-control-expose-headers'), /\bx-rate\b/i, 'a rule header is exposed too');
  await r429.arrayBuffer();

  const r500 = await post(proxy, makeStatement(), { headers: { Origin: '' } });
  assert.equal(r500.status, 500);
  assert.equal(r500.headers.get('access-control-allow-origin'), null, 'no Origin, nothing to reflect');
  assert.equal(r500.headers.get('access-control-allow-credentials'), 'true'); // as the LRS does
  await r500.arrayBuffer();

  assert.deepEqual(proxy.log.map((e) => e.status), [401, 413, 429, 500]);
  assert.equal((await lrs.statements()).filter((s) => proxy.log.some((e) => e.ids.includes(s.id))).length, 0);
});

test('delay past the client timeout still forwards: the LRS stores what the client gave up on', async (t) => {
  const proxy = await proxyFor(t);
  proxy.faults.once({ action: 'delay', ms: 600 });
  const s = makeStatement();
  const started = Date.now();
  await assert.rejects(post(proxy, [s], { signal: AbortSignal.timeout(150) }), { name: 'TimeoutError' });
  assert.ok(Date.now() - started < 550, 'the client gave up before the delay ended');
  assert.equal(await storedCount(s.id), 0, 'nothing is forwarded during the delay');

  const entry = await proxy.waitFor((e) => e.ids.includes(s.id), 5000);
  assert.equal(entry.action, 'delayed');
  assert.equal(entry.lrsStatus, 200);
  assert.equal(entry.status, null, 'the client was gone, so nothing was answered');
  assert.equal(entry.clientClosed, true);
  assert.ok(entry.durationMs >= 600, `durationMs ${entry.durationMs}`);
  assert.equal(await storedCount(s.id), 1);
});

test('delay with a patient client answers late; delay without forward drops', async (t) => {
  const proxy = await proxyFor(t);
  proxy.faults.once({ action: 'delay', ms: 300 });
  proxy.faults.once({ action: 'delay', ms: 200, forward: false });
  const late = makeStatement();
  const started = Date.now();
  const res = await post(proxy, [late]);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), [late.id]);
  assert.ok(Date.now() - started >= 290, `answered after ${Date.now() - started} ms`);

  const never = makeStatement();
  const started2 = Date.now();
  await assert.rejects(post(proxy, [never]), TypeError);
  assert.ok(Date.now() - started2 >= 190, `dropped after ${Date.now() - started2} ms`);
  assert.equal(await storedCount(never.id), 0);
  assert.equal(await storedCount(late.id), 1);
  assert.deepEqual(proxy.log.map((e) => [e.action, e.status, e.lrsStatus]), [['delayed', 200, 200], ['delayed', null, null]]);
});

test('forward-drop-reply: the client sees a network error, the LRS has the batch, a retry stores it once', async (t) => {
  const proxy = await proxyFor(t);
  proxy.faults.once({ action: 'forward-drop-reply' });
  const batch = [makeStatement(), makeStatement()];
  await assert.rejects(post(proxy, batch), TypeError);
  const entry = await proxy.waitFor((e) => e.action === 'forward-drop-reply');
  assert.deepEqual(entry.ids, batch.map((s) => s.id));
  assert.equal(entry.lrsStatus, 200);
  assert.equal(entry.status, null);
  for (const s of batch) assert.equal(await storedCount(s.id), 1, 'stored although the client saw an error');

  // The client's retry of the identical batch is accepted and does not double the record.
  const retry = await post(proxy, batch);
  assert.equal(retry.status, 200);
  await retry.arrayBuffer();
  for (const s of batch) assert.equal(await storedCount(s.id), 1, 'an identical re-send is stored once');
});

test('offline mode refuses everything, preflights included, until turned off', async (t) => {
  const proxy = await proxyFor(t);
  proxy.faults.once({ action: 'status', status: 500 });
  proxy.faults.offline();
  assert.equal(proxy.faults.isOffline, true);
  const s = makeStatement();
  await assert.rejects(post(proxy, [s]), TypeError);
  await assert.rejects(post(proxy, [s]), TypeError);
  await assert.rejects(fetch(`${proxy.endpoint(lrs.endpoint)}about`, { headers: lrs.headers }), TypeError);
  await assert.rejects(fetch(`${proxy.endpoint(lrs.endpoint)}statements`, { method: 'OPTIONS', headers: { Origin: ORIGIN } }), TypeError);
  assert.equal(await storedCount(s.id), 0);
  assert.deepEqual(proxy.log.map((e) => `${e.method} ${e.mode} ${e.action}`), [
    'POST offline dropped', 'POST offline dropped', 'GET offline dropped', 'OPTIONS offline dropped',
  ]);
  assert.equal(proxy.faults.pending.length, 1, 'offline mode does not use up queued rules');

  proxy.faults.offline(false);
  const afterOnline = await post(proxy, [s]);
  assert.equal(afterOnline.status, 500, 'the queued rule applies once back online');
  await afterOnline.arrayBuffer();
  const ok = await post(proxy, [s]);
  assert.equal(ok.status, 200);
  await ok.arrayBuffer();
  assert.equal(await storedCount(s.id), 1);
});

test('rules match by method, path and content; times and sticky rules; clear()', async (t) => {
  const proxy = await proxyFor(t);
  const target = makeStatement();
  const other = makeStatement();
  proxy.faults.once({ action: 'status', status: 503, when: ({ ids }) => ids.includes(target.id) });
  proxy.faults.once({ action: 'status', status: 418, method: 'GET', path: /\/about$/ });
  proxy.faults.once({ action: 'status', status: 502, method: '*', path: '/statements', times: 2 });

  const r1 = await post(proxy, [other]); // skips the `when` rule, takes the first 502
  const r2 = await post(proxy, [target]); // the `when` rule
  const r3 = await fetch(`${proxy.endpoint(lrs.endpoint)}about`, { headers: lrs.headers });
  const r4 = await fetch(`${proxy.endpoint(lrs.endpoint)}statements?limit=1`, { headers: lrs.headers }); // second 502
  const r5 = await post(proxy, [other]);
  assert.deepEqual([r1, r2, r3, r4, r5].map((r) => r.status), [502, 503, 418, 502, 200]);
  await Promise.all([r1, r2, r3, r4, r5].map((r) => r.arrayBuffer()));
  assert.deepEqual(proxy.faults.pending, []);

  const off = proxy.faults.sticky({ action: 'status', status: 500 });
  proxy.faults.once({ action: 'drop' });
  await assert.rejects(post(proxy, [target]), TypeError); // queued rules come before sticky ones
  for (let i = 0; i < 3; i++) {
    const r = await post(proxy, [target]);
    assert.equal(r.status, 500);
    await r.arrayBuffer();
  }
  off();
  const r6 = await post(proxy, [target]);
  assert.equal(r6.status, 200);
  await r6.arrayBuffer();
  assert.deepEqual(proxy.log.slice(-5).map((e) => e.mode), ['once', 'sticky', 'sticky', 'sticky', 'pass']);

  proxy.faults.once({ action: 'drop' });
  proxy.faults.sticky({ action: 'drop' });
  proxy.faults.offline();
  proxy.faults.clear();
  assert.equal(proxy.faults.isOffline, false);
  assert.deepEqual(proxy.faults.pending, []);
  const r7 = await post(proxy, [other]);
  assert.equal(r7.status, 200);
  await r7.arrayBuffer();
});

test('invalid rules are refused at once', async (t) => {
  const proxy = await proxyFor(t);
  assert.throws(() => proxy.faults.once({ action: 'explode' }), /unknown fault action/);
  assert.throws(() => proxy.faults.once({ action: 'status' }), /needs a status/);
  assert.throws(() => proxy.faults.once({ action: 'status', status: 99 }), /needs a status/);
  assert.throws(() => proxy.faults.once({ action: 'status', status: 503, retryAfter: 2 }), /no option "retryAfter"/);
  assert.throws(() => proxy.faults.once({ action: 'delay' }), /needs ms/);
  assert.throws(() => proxy.faults.once({ action: 'drop', times: 0 }), /times/);
  assert.throws(() => proxy.faults.sticky({ action: 'drop', times: 2 }), /sticky/);
  assert.throws(() => proxy.faults.once({ action: 'drop', path: 3 }), /path/);
  assert.deepEqual(proxy.faults.pending, []);
  await assert.rejects(startProxy({ target: 'https://127.0.0.1:1' }), /http:/);
  await assert.rejects(startProxy({ target: 'http://example.org/' }), /loopback/);
});

test('waitFor resolves on later entries and times out with what the proxy saw', async (t) => {
  const proxy = await proxyFor(t);
  const s = makeStatement();
  const waiting = proxy.waitFor((e) => e.ids.includes(s.id) && e.status === 200, 5000);
  const res = await post(proxy, [s]);
  await res.arrayBuffer();
  const entry = await waiting;
  assert.equal(entry.seq, 1);

  await assert.rejects(
    proxy.waitFor((e) => e.status === 999, 200),
    (err) => /nothing matched within 200 ms/.test(err.message) && err.message.includes(`#1 POST /xAPI/statements [pass] forwarded 200 ids=${s.id}`),
  );
  assert.match(proxy.describe(), /^#1 POST \/xAPI\/statements \[pass\] forwarded 200/);
});

test('answers 502 when the LRS cannot be reached', async (t) => {
  // A port that was just free: listen, note it, close.
  const probe = http.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const deadPort = probe.address().port;
  await new Promise((r) => probe.close(r));
  const proxy = await startProxy({ target: `http://127.0.0.1:${deadPort}` });
  t.after(() => proxy.close());
  const res = await fetch(`${proxy.url}/xAPI/statements`, { method: 'POST', headers: { Origin: ORIGIN }, body: '[]' });
  assert.equal(res.status, 502);
  assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match((await res.json()).message, /ECONNREFUSED/);
  assert.match(proxy.log[0].error, /ECONNREFUSED/);
});

test('listens on 127.0.0.1 only, and close() frees the port even with a request held', async (t) => {
  const proxy = await startProxy({ target: lrs.endpoint });
  t.after(() => proxy.close()); // only matters if an assertion fails before the close below
  const port = Number(new URL(proxy.url).port);
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const listening = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) listening.push(local.split(':')[0]);
    }
  }
  assert.deepEqual([...new Set(listening)], ['0100007F'], 'bound to 127.0.0.1 only');

  proxy.faults.once({ action: 'delay', ms: 60_000 });
  const held = post(proxy, makeStatement());
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(proxy.log.length, 1);
  assert.equal(proxy.log[0].done, false);
  const started = Date.now();
  await proxy.close();
  assert.ok(Date.now() - started < 2000, 'close() does not wait for the held request');
  await assert.rejects(held, TypeError);
  await assert.rejects(fetch(`${proxy.url}/xAPI/about`), TypeError);
  await proxy.close(); // twice is harmless

  const again = http.createServer();
  await new Promise((resolve, reject) => {
    again.once('error', reject);
    again.listen(port, '127.0.0.1', resolve);
  });
  await new Promise((r) => again.close(r));
});

test('from a Chromium page: drops are network errors every time, and a 503 is readable', async (t) => {
  const proxy = await proxyFor(t);
  // The page is served by a throwaway server, so its origin differs from the proxy's.
  const site = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><head><title>proxy</title><link rel="icon" href="data:,"></head><body></body></html>');
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => { site.closeAllConnections(); site.close(r); }));
  const browser = await launchBrowser();
  t.after(() => browser.close());
  await browser.page.goto(`http://127.0.0.1:${site.address().port}/`);

  const batches = [[makeStatement()], [makeStatement()], [makeStatement()], [makeStatement()], [makeStatement()]];
  proxy.faults.once({ action: 'drop', when: ({ ids }) => ids.includes(batches[1][0].id) });
  proxy.faults.once({ action: 'forward-drop-reply', when: ({ ids }) => ids.includes(batches[2][0].id) });
  proxy.faults.once({ action: 'status', status: 503, headers: { 'Retry-After': '2' } , when: ({ ids }) => ids.includes(batches[3][0].id) });
  const results = await browser.page.evaluate(async ({ endpoint, auth, version, batches }) => {
    const out = [];
    for (const batch of batches) {
      try {
        const res = await fetch(endpoint + 'statements', {
          method: 'POST',
          headers: { Authorization: auth, 'X-Experience-API-Version': version, 'Content-Type': 'application/json' },
          body: JSON.stringify(batch),
        });
        await res.text();
        out.push(`${res.status} retry-after=${res.headers.get('Retry-After')}`);
      } catch (err) {
        out.push(`error ${err.name}`);
      }
    }
    return out;
  }, { endpoint: proxy.endpoint(lrs.endpoint), auth: lrs.auth, version: XAPI_VERSION, batches });
  assert.deepEqual(results, [
    '200 retry-after=null',
    'error TypeError',
    'error TypeError',
    '503 retry-after=2',
    '200 retry-after=null',
  ]);
  // Chromium sent each POST once: no silent re-send of the dropped ones.
  const posts = proxy.log.filter((e) => e.method === 'POST');
  assert.deepEqual(posts.map((e) => e.action), ['forwarded', 'dropped', 'forward-drop-reply', 'status', 'forwarded'], proxy.describe());
  const stored = await Promise.all(batches.map(([s]) => storedCount(s.id)));
  assert.deepEqual(stored, [1, 0, 1, 0, 1]);
});

test('with stateApi, the proxy serves the State API in memory with ETags and If-Match', async () => {
  const lrs = await startLrs();
  const proxy = await startProxy({ target: lrs.endpoint, stateApi: { auth: lrs.auth } });
  try {
    const agent = JSON.stringify({ mbox: 'mailto:a@example.org' });
    const url = proxy.endpoint(lrs.endpoint) + `activities/state?stateId=s&activityId=${encodeURIComponent('https://example.org/a')}&agent=${encodeURIComponent(agent)}`;
    const headers = { Authorization: lrs.auth, 'X-Experience-API-Version': '1.0.3', Origin: 'http://127.0.0.1:1' };
    assert.equal((await fetch(url, { headers })).status, 404);
    const put = await fetch(url, { method: 'PUT', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{"a":1}' });
    assert.equal(put.status, 204);
    const etag = put.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{40}"$/);
    assert.match(put.headers.get('access-control-expose-headers'), /ETag/i);
    const got = await fetch(url, { headers });
    assert.equal(got.status, 200);
    assert.equal(await got.text(), '{"a":1}');
    assert.equal(got.headers.get('etag'), etag);
    const stale = await fetch(url, { method: 'PUT', headers: { ...headers, 'If-Match': '"nope"' }, body: '{"a":2}' });
    assert.equal(stale.status, 412);
    const fresh = await fetch(url, { method: 'PUT', headers: { ...headers, 'If-Match': etag }, body: '{"a":3}' });
    assert.equal(fresh.status, 204);
    assert.equal([...proxy.states.values()][0].text, '{"a":3}');
    assert.equal((await fetch(url, { headers: { ...headers, Authorization: 'Basic eDp5' } })).status, 401);
    assert.equal((await fetch(url, { headers: { Authorization: lrs.auth } })).status, 400, 'the version header is required');
    assert.equal((await fetch(url, { method: 'DELETE', headers })).status, 204);
    assert.equal((await fetch(url, { headers })).status, 404);
    assert.ok(proxy.log.every((e) => e.action === 'state'));
  } finally {
    await proxy.close();
    await lrs.stop();
  }
});
