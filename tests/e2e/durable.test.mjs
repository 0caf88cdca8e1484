// Nothing lost, nothing counted twice: the player's durable outbox end to end, with the
// test harness's fault-injecting proxy (tests/support/proxy.mjs) between Chromium and the
// real LRS. The proxy drops connections, answers 500 and 503 with Retry-After, holds a
// request past the client's time-out, and forwards a batch but loses the reply; an invalid
// statement is planted in the stored outbox; two tabs play the same module at once. Every
// time the LRS must end with each statement the player made exactly once, in the order the
// player made them, and every stored statement must pass @learninglocker/xapi-validation.

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startLrs } from '../support/lrs.mjs';
import { startProxy } from '../support/proxy.mjs';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateStatements } from '../support/validate.mjs';
import {
  DIST, MODULE_ID, requireDist, playerUrl, chooseByMouse, storedOutbox, waitForDelivery,
  answerResumeOffer, playExample, answerFromThirdPage,
} from './helpers.mjs';

let lrs, proxy, server, browser;
/** Tabs opened by the current test; closed after it even when it fails, so that a
 * failed test's tab does not keep the module's sender lock for the next one. */
const tabs = [];

before(async () => {
  requireDist();
  lrs = await startLrs({ username: 'pelita', password: 'durable-secret' });
  proxy = await startProxy({ target: lrs.endpoint });
  server = await serveStatic({ root: DIST });
  browser = await launchBrowser({ viewport: { width: 360, height: 740 } });
});

afterEach(async () => {
  for (const tab of tabs.splice(0)) await tab.close().catch(() => {});
});

after(async () => {
  await browser?.close();
  await server?.close();
  await proxy?.close();
  await lrs?.stop();
});

/** A launch through the proxy for `name`, with a short send time-out for the test. */
function launch(name, extra = {}) {
  return playerUrl(server.url, {
    module: 'modules/phishing.json',
    endpoint: proxy.endpoint(lrs.endpoint),
    auth: lrs.auth,
    actor: { objectType: 'Agent', name, mbox: `mailto:${name.toLowerCase()}@example.go.id` },
    lang: 'en',
    send_timeout: '2',
    ...extra,
  });
}

async function newTab() {
  const page = await browser.newPage();
  tabs.push(page);
  return page;
}

/** A fresh tab with an empty profile's worth of storage for this module. */
async function freshPage() {
  const page = await newTab();
  await page.goto(server.url + 'modules/launch.json');
  await page.evaluate(() => new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase('pelita');
    request.onsuccess = resolve;
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('another tab still has the database open'));
  }));
  return page;
}

/** Plays the whole module, passing, in a new attempt. */
async function playThrough(page) {
  await answerResumeOffer(page, 'start over');
  await playExample(page);
}

/** The LRS's statements for one learner, oldest first. */
async function storedFor(name) {
  const all = await lrs.statements({ agent: JSON.stringify({ mbox: `mailto:${name.toLowerCase()}@example.go.id` }), ascending: 'true' });
  return all;
}

/**
 * Queues the module's stored statements again, with one more between the first two: a
 * copy of the first with `changes` (its own id at least) applied, as if it had been made
 * there. The player reads them all back on its next load.
 */
async function plantBetweenFirstTwo(page, changes) {
  await page.evaluate(({ outbox, changes }) => new Promise((resolve, reject) => {
    const request = indexedDB.open('pelita');
    request.onsuccess = () => {
      const tx = request.result.transaction('outbox', 'readwrite');
      const store = tx.objectStore('outbox');
      const get = store.index('queue').getAll(IDBKeyRange.bound([outbox, -Infinity], [outbox, Infinity]));
      get.onsuccess = () => {
        const records = get.result;
        for (const r of records) store.put({ ...r, state: 'queued' });
        store.put({
          id: changes.id, outbox, seq: (records[0].seq + records[1].seq) / 2, state: 'queued', status: 0, reason: '',
          json: JSON.stringify({ ...JSON.parse(records[0].json), ...changes }),
        });
      };
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    };
    request.onerror = () => reject(request.error);
  }), { outbox: MODULE_ID, changes });
}

/**
 * Asserts that the LRS holds each statement of `made` exactly once, in the player's
 * order, valid; `skip` are ids that must not be there (quarantined).
 */
function assertExactlyOnce(made, stored, skip = new Set()) {
  const ids = stored.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length, 'no statement is stored twice');
  // The outbox also holds what earlier tests' tabs left as they closed (their `suspended`
  // statements, kept and sent by the next tab): compare this learner's only.
  const mbox = stored[0]?.actor.mbox;
  const expected = made
    .filter((e) => e.statement.actor.mbox === mbox)
    .map((e) => e.statement.id)
    .filter((id) => !skip.has(id));
  assert.deepEqual(ids, expected, 'every statement made is stored once, in the order it was made');
  assert.deepEqual(validateStatements(stored), []);
}

test('dropped connections, 500, 503 with Retry-After, a stalled request and a lost reply lose nothing and store nothing twice', async () => {
  proxy.faults.clear();
  const page = await freshPage();
  const mouse = chooseByMouse(page);
  // Each fault meets the next send; the learner's next step makes the next send once the
  // retry has gone through, so that every fault is a first failure (short backoff).
  const plan = [
    [{ action: 'drop' }, () => page.goto(launch('Ayu'))],
    [{ action: 'status', status: 500 }, () => mouse.trueFalse('q-pin', 'false')],
    [{ action: 'status', status: 503, headers: { 'Retry-After': '3' } }, () => mouse.next()],
    // Past the 2 s time-out, then forwarded all the same: the LRS stores a batch the
    // player believes failed, and the retry must not store it twice.
    [{ action: 'delay', ms: 3_000, forward: true }, () => mouse.next()],
    [{ action: 'forward-drop-reply' }, () => mouse.choice('q-url', ['b'])],
  ];
  const seen = [];
  for (const [rule, step] of plan) {
    const from = proxy.log.length;
    proxy.faults.once(rule);
    await step();
    const fault = await proxy.waitFor((e) => e.seq >= from && e.method === 'POST' && e.mode === 'once', 20_000);
    const retry = await proxy.waitFor((e) => e.seq > fault.seq && e.method === 'POST' && e.action === 'forwarded' && e.status === 200, 20_000);
    seen.push([fault.action, fault.status, retry.time - fault.time]);
  }
  assert.deepEqual(proxy.faults.pending, [], 'every planned fault happened');
  assert.deepEqual(seen.map(([action]) => action), ['dropped', 'status', 'status', 'delayed', 'forward-drop-reply']);
  assert.deepEqual([seen[1][1], seen[2][1]], [500, 503]);
  // Retry-After: 3 was honoured: more than the first backoff (at most 2 s) allows.
  assert.ok(seen[2][2] >= 3_000, `the retry after the 503 came ${seen[2][2]} ms later`);
  await answerFromThirdPage(page, { url: false });
  const made = await waitForDelivery(page, 14, 30_000);
  assertExactlyOnce(made, await storedFor('Ayu'));
  await page.waitForFunction(() => document.querySelector('.sync-state')?.textContent.trim() === 'All saved');
  await page.close();
});

test('offline in the middle of a quiz: answers wait in IndexedDB and go out once the network is back', async () => {
  proxy.faults.clear();
  const page = await freshPage();
  await page.goto(launch('Budi'));
  const mouse = chooseByMouse(page);
  await page.waitForSelector('#q-q-pin-false');
  await waitForDelivery(page, 2);
  await page.context().setOffline(true);
  await mouse.trueFalse('q-pin', 'false');
  await mouse.next();
  await page.waitForFunction(() => /records? waiting to sync/.test(document.querySelector('.sync-state')?.textContent));
  assert.equal(await page.getAttribute('.sync-state', 'data-pending'), '2');
  const waiting = await storedOutbox(page);
  assert.deepEqual(waiting.map((e) => e.delivery), ['Sent', 'Sent', 'Queued', 'Queued'], 'written before any send');
  // Back online: the `online` event sends at once, without waiting out the backoff.
  await page.context().setOffline(false);
  const made = await waitForDelivery(page, 4, 10_000);
  assertExactlyOnce(made, await storedFor('Budi'));
  await page.waitForFunction(() => document.querySelector('.sync-state')?.textContent.trim() === 'All saved');
  await page.close();
});

test('one invalid statement in the stored outbox is checked again, quarantined before it is sent, and the rest arrive', async () => {
  proxy.faults.clear();
  const page = await freshPage();
  await page.goto(launch('Citra', { batch_size: '50' }));
  await waitForDelivery(page, 2);
  // Plant an invalid statement (a verb id that is not an IRI) as if it had been queued
  // between the two made so far, then reload: the player sends it with the others.
  const bad = '00000000-0000-4000-8000-0000000000bd';
  await plantBetweenFirstTwo(page, { id: bad, verb: { id: 'not an iri' } });
  const before = (await storedFor('Citra')).length;
  assert.equal(before, 2);
  const start = proxy.log.length;
  await page.reload();
  assert.ok(await answerResumeOffer(page, 'continue'));
  await page.waitForSelector('#q-q-pin-false');
  await chooseByMouse(page).trueFalse('q-pin', 'true');
  await page.waitForFunction(() => /refused by the LRS/.test(document.querySelector('.sync-state')?.textContent));
  await page.waitForFunction(() => document.querySelector('.sync-state')?.getAttribute('data-pending') === '0');
  const outbox = await storedOutbox(page);
  const quarantined = outbox.filter((e) => typeof e.delivery === 'object');
  assert.equal(quarantined.length, 1);
  assert.equal(quarantined[0].statement.id, bad);
  // Storage does not say a statement was checked: read back, it is checked again, by the
  // embedded LRS's own validation (status 0: refused here), and never sent.
  assert.equal(quarantined[0].delivery.Quarantined.status, 0);
  assert.match(quarantined[0].delivery.Quarantined.reason, /\$\.verb\.id/, 'the reason names the field');
  assert.ok(outbox.filter((e) => e !== quarantined[0]).every((e) => e.delivery === 'Sent'));
  const posts = proxy.log.slice(start).filter((e) => e.method === 'POST');
  const last = posts.at(-1);
  assert.ok(posts.every((e) => !e.ids.includes(bad)), 'never sent');
  assert.ok(last.status === 200 || last.status === 204, proxy.describe());
  assertExactlyOnce(outbox, await storedFor('Citra'), new Set([bad]));
  // The record panel shows it, with the reason.
  await page.click('#record-title');
  await page.waitForSelector(`.record .entry.rejected[data-id="${bad}"]`);
  await page.close();
});

test('a statement the LRS refuses on its own is found by halving the batch, kept with the LRS reason, and the rest arrive', async () => {
  proxy.faults.clear();
  const page = await freshPage();
  await page.goto(launch('Lestari', { batch_size: '50' }));
  await waitForDelivery(page, 2);
  // Plant a valid statement (a copy of the first with an id of its own) between the two
  // made so far and queue all three again, then reload: the player checks and sends them
  // in one batch. The LRS (through the proxy) refuses every batch that holds the planted
  // one, as an LRS does with a statement it will not take, whatever the rest.
  const refused = '00000000-0000-4000-8000-0000000000ef';
  await plantBetweenFirstTwo(page, { id: refused });
  const stop = proxy.faults.sticky({
    action: 'status',
    status: 400,
    when: (r) => r.ids.includes(refused),
    body: { errorId: 'pelita-test', message: 'statement refused by this LRS' },
  });
  const start = proxy.log.length;
  try {
    await page.reload();
    assert.ok(await answerResumeOffer(page, 'continue'));
    await page.waitForSelector('#q-q-pin-false');
    await chooseByMouse(page).trueFalse('q-pin', 'true');
    await page.waitForFunction(() => /refused by the LRS/.test(document.querySelector('.sync-state')?.textContent));
    await page.waitForFunction(() => document.querySelector('.sync-state')?.getAttribute('data-pending') === '0');
  } finally {
    stop();
  }
  const outbox = await storedOutbox(page);
  const quarantined = outbox.filter((e) => typeof e.delivery === 'object');
  assert.equal(quarantined.length, 1);
  assert.equal(quarantined[0].statement.id, refused);
  assert.equal(quarantined[0].delivery.Quarantined.status, 400);
  assert.match(quarantined[0].delivery.Quarantined.reason, /statement refused by this LRS/, 'the LRS reason is kept');
  assert.ok(outbox.filter((e) => e !== quarantined[0]).every((e) => e.delivery === 'Sent'));
  // The refused batch was halved until the planted statement stood alone; no batch
  // without it was refused, and the last one was stored.
  const posts = proxy.log.slice(start).filter((e) => e.method === 'POST');
  assert.ok(posts.some((e) => e.status === 400 && e.ids.length > 2 && e.ids.includes(refused)), proxy.describe());
  assert.ok(posts.some((e) => e.status === 400 && e.ids.length === 1 && e.ids[0] === refused), proxy.describe());
  assert.ok(posts.every((e) => e.status !== 400 || e.ids.includes(refused)), 'only batches holding it were refused');
  assert.ok([200, 204].includes(posts.at(-1).status), proxy.describe());
  assertExactlyOnce(outbox, await storedFor('Lestari'), new Set([refused]));
  // The record panel shows it, with the reason.
  await page.click('#record-title');
  await page.waitForSelector(`.record .entry.rejected[data-id="${refused}"]`);
  await page.close();
});

test('two tabs of the same module: one sends for both, never the same statement twice at once', async () => {
  proxy.faults.clear();
  const first = await freshPage();
  const second = await newTab();
  const start = proxy.log.length;
  // Slow answers make overlapping sends likely if both tabs were sending.
  const stop = proxy.faults.sticky({ action: 'delay', ms: 300, forward: true });
  await first.goto(launch('Dewi'));
  await second.goto(launch('Dewi'));
  await Promise.all([playThrough(first), playThrough(second)]);
  await waitForDelivery(first, 28, 30_000);
  stop();
  const made = await waitForDelivery(second, 28, 10_000);
  const posts = proxy.log.slice(start).filter((e) => e.method === 'POST');
  const seen = new Map();
  for (const post of posts) for (const id of post.ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  assert.deepEqual([...seen.values()].filter((n) => n > 1), [], 'each statement was sent once');
  // Requests never overlapped: each began after the previous one was answered.
  for (let i = 1; i < posts.length; i++) {
    assert.ok(posts[i].time >= posts[i - 1].time + posts[i - 1].durationMs, `requests ${i - 1} and ${i} overlap: ${proxy.describe()}`);
  }
  const stored = await storedFor('Dewi');
  assert.equal(stored.length, 28);
  const dewi = made.filter((e) => e.statement.actor.mbox === 'mailto:dewi@example.go.id');
  assert.deepEqual(new Set(stored.map((s) => s.id)), new Set(dewi.map((e) => e.statement.id)));
  assert.deepEqual(validateStatements(stored), []);
  await first.close();
  await second.close();
});

test('offline mid-quiz, finish, reload while still offline, play on, back online: every statement once, in order', async () => {
  proxy.faults.clear();
  const page = await freshPage();
  await page.goto(launch('Gita'));
  await page.waitForSelector('#q-q-pin-false');
  // The service worker (www/sw.js) must control the page for an offline reload to work.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
  await waitForDelivery(page, 2);
  await page.context().setOffline(true);
  const mouse = chooseByMouse(page);
  await mouse.trueFalse('q-pin', 'false');
  await mouse.next();
  await mouse.next();
  await mouse.choice('q-url', ['b']);
  await mouse.next();
  await mouse.next();
  await page.click('.nav .finish button');
  await page.waitForSelector('.result');
  await page.reload();
  // The finished attempt left nothing to continue: a new attempt starts, offline.
  await page.waitForSelector('#q-q-pin-true:not([disabled])');
  await mouse.trueFalse('q-pin', 'true');
  const waiting = await storedOutbox(page);
  assert.ok(waiting.filter((e) => e.delivery === 'Queued').length >= 10, 'everything since going offline waits');
  await page.context().setOffline(false);
  const made = await waitForDelivery(page, 14, 20_000);
  const stored = await storedFor('Gita');
  assertExactlyOnce(made, stored);
  // A valid order: each attempt opens with initialized, and the first closes with terminated.
  const verbs = stored.map((s) => s.verb.id.split('/').pop());
  assert.deepEqual(verbs, [
    'initialized', 'experienced', 'answered', 'experienced', 'experienced', 'answered', 'experienced', 'experienced',
    'completed', 'failed', 'terminated',
    'initialized', 'experienced', 'answered',
  ]);
  assert.notEqual(stored[0].context.registration, stored[11].context.registration);
});

test('a browser restart loses nothing: queued statements go out and the attempt is offered again', async () => {
  proxy.faults.clear();
  const profile = await mkdtemp(path.join(tmpdir(), 'pelita-restart-'));
  try {
    const before = await launchBrowser({ profile });
    const page = before.page;
    await page.goto(launch('Indah'));
    await page.waitForSelector('#q-q-pin-false');
    await waitForDelivery(page, 2);
    // The LRS goes away: the answer and the next page wait in IndexedDB.
    proxy.faults.offline(true);
    const mouse = chooseByMouse(page);
    await mouse.trueFalse('q-pin', 'false');
    await mouse.next();
    await page.waitForFunction(() => document.querySelector('.sync-state')?.getAttribute('data-pending') === '2');
    await before.close();
    proxy.faults.offline(false);
    assert.equal((await storedFor('Indah')).length, 2, 'only what was sent before the restart');

    const after = await launchBrowser({ profile });
    try {
      const again = after.page;
      await again.goto(launch('Indah'));
      assert.ok(await answerResumeOffer(again, 'continue'), 'the attempt is offered again');
      const made = await waitForDelivery(again, 6, 20_000);
      assertExactlyOnce(made, await storedFor('Indah'));
    } finally {
      await after.close();
    }
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
});

test('storage quota exhausted: the learner is told, nothing crashes, and the statements still reach the LRS', async () => {
  proxy.faults.clear();
  const page = await freshPage();
  // Chromium's CDP quota override (Storage.overrideQuotaForOrigin) did not limit
  // IndexedDB writes here, so the full disk is simulated where the player meets it: every
  // IndexedDB write fails with the browser's own QuotaExceededError.
  await page.addInitScript(() => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(launch('Joko'));
  await page.waitForSelector('#q-q-pin-false');
  await chooseByMouse(page).trueFalse('q-pin', 'false');
  await page.click('#record-title');
  await page.waitForFunction(() => /QuotaExceededError/.test(document.querySelector('.record [role=alert]')?.textContent ?? ''));
  const deadline = Date.now() + 15_000;
  let stored = [];
  while (Date.now() < deadline && stored.length < 3) {
    stored = await storedFor('Joko');
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(stored.map((s) => s.verb.id.split('/').pop()), ['initialized', 'experienced', 'answered']);
  assert.deepEqual(errors, [], 'no crash');
  assert.equal(await page.$('.error-page'), null);
  assert.equal((await page.textContent('.sync-state')).trim(), 'All saved');
});

test('hiding the page sends at once, and closing it sends what is queued with keepalive', async () => {
  proxy.faults.clear();
  const page = await freshPage();
  await page.goto(launch('Kartika'));
  await page.waitForSelector('#q-q-pin-false');
  await waitForDelivery(page, 2);
  // The LRS asks for a minute's pause; a page being hidden does not wait that long, since
  // a hidden page on a phone may never run again.
  proxy.faults.once({ action: 'status', status: 503, headers: { 'Retry-After': '60' } });
  const from = proxy.log.length;
  await chooseByMouse(page).trueFalse('q-pin', 'false');
  const refused = await proxy.waitFor((e) => e.seq > from && e.status === 503);
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  const retried = await proxy.waitFor((e) => e.seq > refused.seq && e.method === 'POST' && e.status === 200, 5_000);
  assert.ok(retried.time - refused.time < 5_000, 'sent at once, not after 60 s');
  await waitForDelivery(page, 3);

  // A slow LRS holds the next batch in flight; the page closes with one more statement
  // queued behind it. The `pagehide` handler sends it (and `suspended`) with keepalive.
  const stop = proxy.faults.sticky({ action: 'delay', ms: 1_500, forward: true });
  const mark = proxy.log.length;
  await chooseByMouse(page).next();
  await proxy.waitFor((e) => e.seq > mark && e.method === 'POST', 5_000).catch(() => {});
  const inFlight = proxy.log.slice(mark).find((e) => e.method === 'POST');
  assert.ok(inFlight, 'the next batch went out');
  await page.evaluate(() => {
    // A learner's last click just before leaving.
    document.querySelector('.nav button.primary')?.click();
  });
  await page.close({ runBeforeUnload: false });
  tabs.splice(tabs.indexOf(page), 1);
  stop();
  // The batch held in flight reaches the LRS after its delay, which may be after the last
  // batch overtook it: wait for both, and read them in the order the player made them.
  const deadline = Date.now() + 10_000;
  let stored = [];
  while (Date.now() < deadline) {
    stored = await storedFor('Kartika');
    if (stored.some((s) => s.verb.id.endsWith('/suspended')) && stored.length >= 6) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  stored.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const verbs = stored.map((s) => s.verb.id.split('/').pop());
  assert.deepEqual(verbs, ['initialized', 'experienced', 'answered', 'experienced', 'experienced', 'suspended'],
    `after the page closed the LRS got: ${verbs.join(' ')}\n${proxy.describe()}`);
  assert.deepEqual(validateStatements(stored), []);
});
