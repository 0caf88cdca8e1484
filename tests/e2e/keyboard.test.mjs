// The whole example module by keyboard alone, as a keyboard or switch user goes: Tab and
// Shift-Tab between controls, arrows within a radio group, Space to choose, Enter to press.
// No click, no programmatic focus. Along the way: the language is switched by keyboard,
// every focused control shows its outline, focus lands on each new page's heading, and
// feedback and the result sit in live regions.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { DIST, requireDist, playerUrl } from './helpers.mjs';

let server, browser, page;

before(async () => {
  requireDist();
  server = await serveStatic({ root: DIST });
  browser = await launchBrowser({ viewport: { width: 360, height: 740 } });
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const active = () => page.evaluate(() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return { tag: e.tagName, id: e.id, text: e.textContent.trim().slice(0, 40), outline: s.outlineStyle };
});

/** Presses `key` (Tab or Shift+Tab) until `selector` has focus; each stop must show focus. */
async function moveTo(selector, key = 'Tab', max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      const now = await active();
      assert.equal(now.outline, 'solid', `focus is visible on ${now.tag}#${now.id} "${now.text}"`);
      return;
    }
  }
  assert.fail(`${selector} could not be reached with ${key}`);
}

async function expectHeadingFocused() {
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
}

/** Chooses `value` in question `qid` with the arrow keys and Space, then checks it. */
async function answer(qid, values) {
  const multiple = await page.$(`#q-${qid} input[type=checkbox]`);
  for (const value of values) {
    const target = `#q-${qid}-${value}`;
    if (multiple) {
      await moveTo(target);
      await page.keyboard.press('Space');
    } else {
      await moveTo(`input[name="q-${qid}"]`);
      for (let i = 0; i < 8 && !(await page.evaluate((s) => document.activeElement.matches(s), target)); i++) {
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Space');
    }
    assert.ok(await page.isChecked(target), `${target} chosen`);
  }
  await moveTo(`#q-${qid} button.primary:not([disabled])`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#q-${qid} .feedback .verdict`);
  const live = await page.$eval(`#q-${qid} .feedback`, (f) => [f.getAttribute('role'), f.getAttribute('aria-live')]);
  assert.deepEqual(live, ['status', 'polite'], 'feedback is announced');
}

async function next() {
  await moveTo('.nav button.primary');
  await page.keyboard.press('Enter');
  await expectHeadingFocused();
}

test('the whole module, twice, by keyboard alone', async () => {
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'id' }));
  await page.waitForSelector('#q-q-pin-true');
  // Switch to English in the header, reached backwards with Shift-Tab.
  await moveTo('.languages button[lang="en"]', 'Shift+Tab');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.documentElement.lang === 'en');

  await answer('q-pin', ['false']);
  await next();
  await page.waitForSelector('figure img');
  // Back with Shift-Tab to Previous, and forward again.
  await moveTo('.nav button.secondary', 'Shift+Tab');
  await page.keyboard.press('Enter');
  await expectHeadingFocused();
  assert.ok(await page.isChecked('#q-q-pin-false'), 'the answer is still there');
  await next();
  await next();
  await answer('q-url', ['b']);
  await next();
  await next();
  await answer('q-signs', ['a', 'c', 'd']);
  await answer('q-attachment', ['true']);
  await answer('q-report', ['c']);
  await moveTo('.nav .finish button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.result');
  await expectHeadingFocused();
  assert.equal((await page.textContent('.verdict')).trim(), 'Passed');
  assert.equal(await page.getAttribute('.verdict', 'role'), 'status', 'the result is announced');
  assert.match(await page.textContent('.score'), /6 of 6 points \(100%\)/);

  // Try again, still by keyboard, and open the learning record.
  await moveTo('.result button.primary');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#q-q-pin-true');
  await expectHeadingFocused();
  await answer('q-pin', ['true']);
  await moveTo('#record-title');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('record-title').closest('details').open);
  await page.waitForSelector('.record .entry');
  assert.ok((await page.$$('.record .entry')).length > 5, 'the record lists the statements');
});
