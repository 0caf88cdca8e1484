// The learner's wasm comes in chunks (crates/player/src/chunks.rs): the first page needs
// only the first one, and the rest (the result page among them) is fetched after it. A
// chunk that cannot be downloaded is tried again; if that fails too, the learner sees a
// message with a retry button where the page would be, and nothing is lost: the attempt's
// statements are already in the record. The browser itself refuses the result page's
// chunk here (the request fails as on a dropped connection), once or until told not to.
// The service worker is kept out, so that every chunk request reaches the network.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { startLrs } from '../support/lrs.mjs';
import { validateStatements } from '../support/validate.mjs';
import {
  DIST, requireDist, playerUrl, chooseByMouse, recordedStatements, playExample, storedOutbox,
  waitForDelivery,
} from './helpers.mjs';

let server, lrs;

before(async () => {
  requireDist();
  server = await serveStatic({ root: DIST });
  lrs = await startLrs({ username: 'pelita', password: 'chunks-secret' });
});

after(async () => {
  await server?.close();
  await lrs?.stop();
});

const RESULT_CHUNK = /\/split_result-[0-9a-f]{16}\.wasm$/;

/**
 * Opens the example module with the result page's chunk refused while `refuse(n)` says
 * so for its n-th request (from 1); returns the browser, the page, the number of requests
 * so far (a function) and the page's uncaught errors.
 */
async function open(refuse) {
  const browser = await launchBrowser({ serviceWorkers: 'block' });
  const { page } = browser;
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /panicked|unreachable/i.test(m.text())) errors.push(m.text());
  });
  let requests = 0;
  await page.route(RESULT_CHUNK, (route) => {
    requests += 1;
    return refuse(requests) ? route.abort('failed') : route.continue();
  });
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'en' }));
  return { browser, page, requests: () => requests, errors };
}

/** Answers every question of the example module rightly and presses Finish. */
async function playToFinish(page) {
  const mouse = chooseByMouse(page);
  await page.waitForSelector('#app #q-q-pin-false');
  await mouse.trueFalse('q-pin', 'false');
  await mouse.next();
  await mouse.next();
  await mouse.choice('q-url', ['b']);
  await mouse.next();
  await mouse.next();
  await mouse.choice('q-signs', ['a', 'c', 'd']);
  await mouse.trueFalse('q-attachment', 'true');
  await mouse.choice('q-report', ['c']);
  await page.click('.nav .finish button');
}

test('a chunk that never arrives: a message with a retry button, nothing lost, and the page once it can be fetched', async (t) => {
  let refusing = true;
  const { browser, page, requests, errors } = await open(() => refusing);
  t.after(() => browser.close());
  await playToFinish(page);
  // Tried again before the learner is told (the idle preload may have tried as well).
  const alert = await page.waitForSelector('.chunk-failed[role="alert"]', { timeout: 30_000 });
  assert.ok(requests() >= 2, `the chunk was asked for ${requests()} time(s)`);
  assert.match(await alert.textContent(), /could not be downloaded.*Your answers are kept/);
  assert.equal(await page.textContent('.chunk-failed button'), 'Try again');
  // The rest of the player is still there: the header and the learning record.
  assert.ok(await page.$('.player header.top'), 'the page around it stays');
  assert.equal(await page.$('.error-page'), null, 'not the error page');
  // Nothing of the attempt is lost: its end is already in the record.
  const verbs = (await recordedStatements(page)).map((e) => e.statement.verb.id.split('/').pop());
  for (const verb of ['initialized', 'answered', 'completed', 'passed']) {
    assert.ok(verbs.includes(verb), `${verb} is in the record (${verbs.join(', ')})`);
  }
  // The connection is back: one click brings the result page.
  refusing = false;
  await page.click('.chunk-failed button');
  await page.waitForSelector('.result');
  assert.equal(await page.$('.chunk-failed'), null);
  assert.deepEqual(errors, [], 'no panic, no uncaught error');
});

test('a chunk refused once is fetched again without the learner seeing it', async (t) => {
  const { browser, page, requests, errors } = await open((n) => n === 1);
  t.after(() => browser.close());
  await playToFinish(page);
  await page.waitForSelector('.result');
  assert.ok(requests() >= 2, `the chunk was asked for ${requests()} time(s)`);
  assert.equal(await page.$('.chunk-failed'), null, 'no message');
  assert.deepEqual(errors, [], 'no panic, no uncaught error');
});

test('the Indonesian message', async (t) => {
  const browser = await launchBrowser({ serviceWorkers: 'block' });
  t.after(() => browser.close());
  const { page } = browser;
  // Every chunk refused: the learning record, loaded after the first page, says so.
  await page.route(/\/split_[a-z]+-[0-9a-f]{16}\.wasm$/, (route) => route.abort('failed'));
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'id' }));
  const alert = await page.waitForSelector('#app .chunk-failed[role="alert"]', { timeout: 30_000 });
  assert.match(await alert.textContent(), /tidak dapat diunduh/);
  assert.equal(await page.textContent('#app .chunk-failed button'), 'Coba lagi');
  // The first page itself plays: its question works without any other chunk.
  await chooseByMouse(page).trueFalse('q-pin', 'false');
});

// Checking and sending statements is a chunk too (SEND): the first chunk makes every
// statement and stores it, and the statements wait in storage until the sending chunk is
// in. Here it never arrives while the learner plays the whole module and closes the tab;
// the next visit, where it arrives, sends every statement, once each.
test('statements made before the sending chunk arrives are kept, and sent once it comes, even after the tab was closed', async (t) => {
  const browser = await launchBrowser({ serviceWorkers: 'block' });
  t.after(() => browser.close());
  let refusing = true;
  let requests = 0;
  await browser.context.route(/\/split_send-[0-9a-f]{16}\.wasm$/, (route) => {
    requests += 1;
    return refusing ? route.abort('failed') : route.continue();
  });
  const errors = [];
  const watch = (page) => {
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && /panicked|unreachable/i.test(m.text())) errors.push(m.text());
    });
  };
  const mbox = 'mailto:sari.chunks@example.go.id';
  const url = playerUrl(server.url, {
    module: 'modules/phishing.json',
    endpoint: lrs.endpoint,
    auth: lrs.auth,
    actor: { objectType: 'Agent', name: 'Sari', mbox },
    lang: 'en',
  });
  const first = browser.page;
  watch(first);
  await first.goto(url);
  await playExample(first);
  for (let i = 0; i < 100 && requests < 2; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(requests >= 2, `the sending chunk was asked for ${requests} time(s)`);
  const kept = await storedOutbox(first);
  const verbs = kept.map((e) => e.statement.verb.id.split('/').pop());
  for (const verb of ['initialized', 'answered', 'completed', 'passed']) {
    assert.ok(verbs.includes(verb), `${verb} is stored (${verbs.join(', ')})`);
  }
  assert.ok(kept.every((e) => e.delivery === 'Queued'), 'all wait to be sent');
  const agent = JSON.stringify({ mbox });
  assert.deepEqual(await lrs.statements({ agent }), [], 'nothing reached the LRS');
  // The learner closes the tab; the connection comes back; the module is opened again.
  await first.close();
  refusing = false;
  const again = await browser.newPage();
  watch(again);
  await again.goto(url);
  await waitForDelivery(again, kept.length, 30_000);
  const stored = await lrs.statements({ agent, ascending: 'true' });
  const ids = stored.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length, 'no statement is stored twice');
  for (const entry of kept) {
    assert.ok(ids.includes(entry.statement.id), `${entry.statement.verb.id} reached the LRS`);
  }
  assert.deepEqual(validateStatements(stored), []);
  assert.deepEqual(errors, [], 'no panic, no uncaught error');
});
