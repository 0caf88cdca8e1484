// Shared steps of the end-to-end tests: where the built player is, how a learner moves
// through the example module by keyboard or by mouse, and how to wait for the record to
// be delivered.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const MODULE_ID = 'https://pelita.example.org/modules/phishing';
export const VERB = (name) => `http://adlnet.gov/expapi/verbs/${name}`;

export function requireDist() {
  assert.ok(
    existsSync(path.join(DIST, 'index.html')),
    'dist/ is missing: run `cargo xtask dist` first (scripts/test.sh does)',
  );
}

/** The player URL with launch parameters. */
export function playerUrl(base, params) {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) {
    url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return url.toString();
}

/** Presses Tab until `selector` has focus, like a keyboard user; fails if it never does. */
export async function tabTo(page, selector, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${selector} could not be reached with Tab`);
}

/** Waits until the page shows the heading `text`. */
export async function expectHeading(page, text) {
  await page.waitForFunction((t) => document.querySelector('h1')?.textContent === t, text, { timeout: 10_000 });
}

/**
 * Waits until the player shows a page, a result or the offer to continue a saved attempt,
 * and answers the offer with `choice` ('continue' or 'start over') when it comes. Returns
 * whether the offer was made.
 */
export async function answerResumeOffer(page, choice = 'continue') {
  // The player's own page, in #app: a page that shows something before the player runs
  // (issue 14's pre-rendered first page) must not be taken for the player's choice.
  await page.waitForSelector('#app .player main.page, #app .player main.result, #app .player main.resume');
  if (!(await page.$('#app main.resume'))) return false;
  await page.click(choice === 'continue' ? 'main.resume button.primary' : 'main.resume button.secondary');
  await page.waitForSelector('.player main.page, .player main.result');
  return true;
}

/** Waits until the page heading is no longer `before`, so the next step acts on the new page. */
async function pageChanged(page, before) {
  await page.waitForFunction((b) => document.querySelector('h1')?.textContent !== b, before, { timeout: 10_000 });
}

/** The learner's answers by question, and how each is given. */
export function chooseByKeyboard(page) {
  return {
    async trueFalse(qid, value) {
      await radioByKeyboard(page, qid, String(value));
      await submitByKeyboard(page, qid);
    },
    async choice(qid, ids) {
      const multiple = await page.$(`#q-${qid} input[type=checkbox]`);
      for (const id of ids) {
        if (multiple) {
          await tabTo(page, `#q-${qid}-${id}`);
          await page.keyboard.press('Space');
        } else {
          await radioByKeyboard(page, qid, id);
        }
      }
      await submitByKeyboard(page, qid);
    },
    async next() {
      const before = await page.textContent('h1');
      await tabTo(page, '.nav button.primary');
      await page.keyboard.press('Enter');
      await pageChanged(page, before);
    },
  };
}

/** A radio group takes one Tab stop; arrow keys move (and select) within it. */
async function radioByKeyboard(page, qid, value) {
  await tabTo(page, `input[name="q-${qid}"]`);
  const target = `#q-${qid}-${value}`;
  for (let i = 0; i < 12; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, target)) {
      await page.keyboard.press('Space');
      assert.ok(await page.isChecked(target), `${target} is selected`);
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  assert.fail(`${target} could not be reached with the arrow keys`);
}

async function submitByKeyboard(page, qid) {
  await tabTo(page, `#q-${qid} button.primary:not([disabled])`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#q-${qid} .feedback .verdict`);
}

export function chooseByMouse(page) {
  return {
    async trueFalse(qid, value) {
      await page.click(`label[for="q-${qid}-${value}"]`);
      await page.click(`#q-${qid} button.primary`);
      await page.waitForSelector(`#q-${qid} .feedback .verdict`);
    },
    async choice(qid, ids) {
      for (const id of ids) await page.click(`label[for="q-${qid}-${id}"]`);
      await page.click(`#q-${qid} button.primary`);
      await page.waitForSelector(`#q-${qid} .feedback .verdict`);
    },
    async next() {
      const before = await page.textContent('h1');
      await page.click('.nav button.primary');
      await pageChanged(page, before);
    },
  };
}

/**
 * Reads a module's stored outbox from the page's IndexedDB (database `pelita`, store
 * `outbox`, index `queue` on [outbox, seq]; see crates/player/src/glue/idb.rs) in queue
 * order, as `{statement, delivery}` with delivery 'Queued', 'Sent', 'Local' or
 * `{Quarantined: {status, reason}}`. A database that does not exist yet is not created.
 */
export async function storedOutbox(page, activityId = MODULE_ID) {
  return page.evaluate(async (outbox) => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes('pelita')) return [];
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('pelita');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    if (!db.objectStoreNames.contains('outbox')) { db.close(); return []; }
    const records = await new Promise((resolve, reject) => {
      const index = db.transaction('outbox').objectStore('outbox').index('queue');
      const request = index.getAll(IDBKeyRange.bound([outbox, -Infinity], [outbox, Infinity]));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    const names2 = { queued: 'Queued', sent: 'Sent', local: 'Local' };
    return records.map((r) => ({
      statement: JSON.parse(r.json),
      delivery: r.state === 'quarantined' ? { Quarantined: { status: r.status, reason: r.reason } } : names2[r.state],
    }));
  }, activityId);
}

/**
 * Answers the example module (modules/phishing.json) by mouse from its third page on,
 * where q-url is, to the result page: q-url, q-signs and q-attachment right, q-report
 * as given ('c' is right), then Finish. `page` may be a Page or a Frame.
 */
export async function answerFromThirdPage(page, { url = true, report = 'c' } = {}) {
  const mouse = chooseByMouse(page);
  if (url) await mouse.choice('q-url', ['b']);
  await mouse.next();
  await mouse.next();
  await mouse.choice('q-signs', ['a', 'c', 'd']);
  await mouse.trueFalse('q-attachment', 'true');
  await mouse.choice('q-report', [report]);
  const origin = new URL(page.url()).origin;
  await page.click('.nav .finish button');
  // A cmi5 launch with a returnURL leaves the result page by itself once everything is
  // stored (cmi5 10.2.6), which may come before the result is seen here.
  // `page` may be a Page or the Frame that holds the player (SCORM).
  const tab = typeof page.waitForEvent === 'function' ? page : page.page();
  const frame = tab === page ? page.mainFrame() : page;
  const shown = page.waitForSelector('.result');
  shown.catch(() => {});
  const left = tab.waitForEvent('framenavigated', {
    predicate: (f) => f === frame && new URL(f.url()).origin !== origin,
  });
  left.catch(() => {});
  await Promise.race([shown, left]);
}

/**
 * Plays the whole example module by mouse: q-pin as given ('false' is right), then the
 * rest as answerFromThirdPage does. With the defaults every answer is right (6 of 6).
 */
export async function playExample(page, { pin = 'false', report = 'c' } = {}) {
  const mouse = chooseByMouse(page);
  // The player's own first question, in #app (see answerResumeOffer).
  await page.waitForSelector('#app #q-q-pin-false');
  await mouse.trueFalse('q-pin', pin);
  await mouse.next();
  await mouse.next();
  await answerFromThirdPage(page, { report });
}

/** The statements in the order the player made them, from its saved record. */
export async function recordedStatements(page, activityId = MODULE_ID) {
  return storedOutbox(page, activityId);
}

/** Waits until at least `count` statements are stored and every one is delivered. */
export async function waitForDelivery(page, count, timeout = 20_000, activityId = MODULE_ID) {
  const deadline = Date.now() + timeout;
  let last = [];
  while (Date.now() < deadline) {
    last = await storedOutbox(page, activityId);
    if (last.length >= count && last.every((e) => e.delivery === 'Sent')) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not delivered within ${timeout} ms: ${JSON.stringify(last.map((e) => e.delivery))}`);
}
