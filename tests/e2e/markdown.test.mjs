// Markdown modules in the player: a `.md` module (docs/authoring.md) is read in the
// browser by the Markdown reader, a second wasm (crates/convert) that the player loads only
// for such a module; the module then plays and reports like its JSON twin, into the real
// LRS. A broken Markdown module gets the error page with every problem at its Markdown
// line and column; a reader that cannot be downloaded is named, not a blank page; and a
// Markdown module opened once plays offline, reader included.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLrs } from '../support/lrs.mjs';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { validateStatements } from '../support/validate.mjs';
import { DIST, ROOT, requireDist, playerUrl, waitForDelivery } from './helpers.mjs';

const MODULE_ID = 'https://pelita.example.org/modules/kata-sandi';
const ACTOR = { objectType: 'Agent', name: 'Sari', mbox: 'mailto:sari@example.go.id' };
const READER = /\/convert(?:_bg)?-[0-9a-f]{16}\.(?:js|wasm)$/;
let site, server, lrs, markdown;
const seen = [];

before(async () => {
  requireDist();
  site = await mkdtemp(path.join(tmpdir(), 'pelita-md-'));
  await cp(DIST, site, { recursive: true });
  markdown = await readFile(path.join(ROOT, 'docs/examples/kata-sandi.md'), 'utf8');
  await writeFile(path.join(site, 'modules/kata-sandi.md'), markdown);
  // Two problems at once: a mastery score and a question's points out of range.
  const broken = markdown
    .replace(/^masteryScore: 0\.75$/m, 'masteryScore: 1.5')
    .replace('{#q-langkah-otp points=2}', '{#q-langkah-otp points=200}');
  assert.notEqual(broken, markdown);
  await writeFile(path.join(site, 'modules/rusak.md'), broken);
  server = await serveStatic({ root: site });
  server.server.on('request', (req) => seen.push(req.url));
  lrs = await startLrs({ username: 'pelita', password: 'markdown-secret' });
});

after(async () => {
  await server?.close();
  await lrs?.stop();
  if (site) await rm(site, { recursive: true, force: true });
});

/** The line of the Markdown where `prefix` starts a line (1-based). */
function lineOf(text, prefix) {
  return text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
}

test('a JSON module downloads neither the Markdown reader nor the report view', async () => {
  const browser = await launchBrowser();
  try {
    seen.length = 0;
    await browser.page.goto(playerUrl(server.url, { module: 'modules/kata-sandi.json', lang: 'en' }));
    await browser.page.waitForSelector('.flashcards');
    assert.ok(seen.some((u) => u.includes('pelita_bg-')), `the player was fetched: ${seen.join(' ')}`);
    assert.deepEqual(seen.filter((u) => READER.test(u.split('?')[0])), []);
    // The report view is a second build of the app (`?view=report`), for content teams.
    assert.deepEqual(seen.filter((u) => /\/report(?:_bg)?-[0-9a-f]{16}\./.test(u)), []);
  } finally {
    await browser.close();
  }
});

test('a Markdown module is read in the browser, plays, and reports into the LRS like its JSON twin', async () => {
  const browser = await launchBrowser();
  try {
    const page = browser.page;
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    seen.length = 0;
    await page.goto(playerUrl(server.url, {
      module: 'modules/kata-sandi.md', lang: 'en', endpoint: lrs.endpoint, auth: lrs.auth, actor: ACTOR,
    }));
    await page.waitForSelector('.flashcards');
    // The same first page as the JSON module: the title and the cards.
    // In a browser of its own, so that its record (kept on the device, no LRS) is not
    // this learner's.
    const other = await launchBrowser();
    try {
      const twin = other.page;
      await twin.goto(playerUrl(server.url, { module: 'modules/kata-sandi.json', lang: 'en' }));
      await twin.waitForSelector('.flashcards');
      for (const part of ['.module-title', 'h1', '.flashcards']) {
        assert.equal(await page.textContent(part), await twin.textContent(part), part);
      }
    } finally {
      await other.close();
    }
    // Reader fetched once each, and before it was needed only because the URL named a
    // Markdown module (the page preloads it).
    const reader = seen.filter((u) => READER.test(u.split('?')[0]));
    assert.equal(reader.length, 2, `reader requests: ${reader.join(' ')}`);
    // On to the sequencing question, checked in the order shown.
    await page.click('.nav button.primary');
    await page.waitForSelector('#q-q-langkah-otp');
    await page.click('#q-q-langkah-otp button.primary');
    await page.waitForSelector('#q-q-langkah-otp .feedback .verdict');
    await waitForDelivery(page, 4, 20_000, MODULE_ID);
    const stored = await lrs.statements({ agent: JSON.stringify({ mbox: ACTOR.mbox }), ascending: 'true' });
    assert.deepEqual(stored.map((s) => s.verb.id.split('/').pop()), ['initialized', 'experienced', 'experienced', 'answered']);
    const answered = stored[3];
    assert.equal(answered.object.id, `${MODULE_ID}/question/q-langkah-otp`);
    assert.equal(answered.object.definition.interactionType, 'sequencing');
    assert.deepEqual(answered.object.definition.correctResponsesPattern, ['kata-sandi[,]kirim-kode[,]ketik-kode[,]periksa']);
    assert.deepEqual(validateStatements(stored), []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a broken Markdown module lists every problem at its Markdown line and column', async () => {
  const browser = await launchBrowser();
  try {
    const page = browser.page;
    await page.goto(playerUrl(server.url, { module: 'modules/rusak.md', lang: 'en' }));
    await page.waitForSelector('.error-page');
    const text = await page.textContent('.error-page');
    const broken = await readFile(path.join(site, 'modules/rusak.md'), 'utf8');
    assert.match(text, new RegExp(`modules/rusak\\.md:${lineOf(broken, 'masteryScore:')}:\\d+: \\$\\.masteryScore: `));
    const question = lineOf(broken, '::: sequencing {#q-langkah-otp');
    assert.match(text, new RegExp(`modules/rusak\\.md:${question}:\\d+: \\$\\.lessons\\[0\\]\\.pages\\[1\\]\\.blocks\\[\\d+\\]\\.points: `), text);
  } finally {
    await browser.close();
  }
});

test('a Markdown reader that cannot be downloaded is named on the error page', async () => {
  const browser = await launchBrowser();
  try {
    const page = browser.page;
    await page.route(READER, (route) => route.abort());
    await page.goto(playerUrl(server.url, { module: 'modules/kata-sandi.md', lang: 'en' }));
    await page.waitForSelector('.error-page');
    assert.match(await page.textContent('.error-page'), /modules\/kata-sandi\.md: the Markdown reader could not be loaded/);
  } finally {
    await browser.close();
  }
});

test('a Markdown module opened once plays offline, the reader included', async () => {
  const browser = await launchBrowser();
  try {
    const { page, context } = browser;
    await page.goto(playerUrl(server.url, { module: 'modules/kata-sandi.md', lang: 'en' }));
    await page.waitForSelector('.flashcards');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
    const cached = await page.evaluate(async () => {
      const urls = [];
      for (const name of await caches.keys()) {
        for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
      }
      return urls;
    });
    assert.equal(cached.filter((u) => READER.test(u)).length, 2, `cached: ${cached.join(' ')}`);
    assert.ok(cached.includes('/modules/kata-sandi.md'), `cached: ${cached.join(' ')}`);
    seen.length = 0;
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('.flashcards, main.resume');
    assert.deepEqual(seen, [], 'nothing reached the server while offline');
    await context.setOffline(false);
  } finally {
    await browser.close();
  }
});
