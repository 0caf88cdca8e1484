// Touch: on an emulated phone (touch events, mobile viewport, 360 px) a learner answers by
// tapping the labels and buttons, and the record is kept.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { DIST, requireDist, playerUrl, expectHeading } from './helpers.mjs';

let server, browser;

before(async () => {
  requireDist();
  server = await serveStatic({ root: DIST });
  browser = await launchBrowser({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a learner on a phone answers and moves on by tapping', async () => {
  const page = browser.page;
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'id' }));
  await page.waitForSelector('#q-q-pin-false');
  assert.ok(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), 'the page sees a touch screen');
  await page.tap('label[for="q-q-pin-false"]');
  assert.ok(await page.isChecked('#q-q-pin-false'));
  await page.tap('#q-q-pin button.primary');
  await page.waitForSelector('#q-q-pin .feedback .verdict');
  assert.match(await page.textContent('#q-q-pin .feedback'), /Jawaban Anda benar/);
  // Every tap target is at least 44 CSS pixels tall.
  const small = await page.$$eval('button, .option', (els) =>
    els.filter((e) => e.getBoundingClientRect().height < 44).map((e) => e.outerHTML.slice(0, 80)));
  assert.deepEqual(small, []);
  const heading = await page.textContent('h1');
  await page.tap('.nav button.primary');
  await page.waitForFunction((h) => document.querySelector('h1').textContent !== h, heading);
  await page.tap('.nav button.secondary');
  await page.waitForFunction((h) => document.querySelector('h1').textContent === h, heading);
  assert.ok(await page.isChecked('#q-q-pin-false'), 'the answer is still shown');
  await page.tap('#record-title');
  await page.waitForSelector('.record .entry');
  const verbs = await page.$$eval('.record .entry', (items) => items.map((li) => li.dataset.verb.split('/').pop()));
  assert.deepEqual(verbs, ['initialized', 'experienced', 'answered', 'experienced', 'experienced']);
});
