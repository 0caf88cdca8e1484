// Module text is never HTML. Every text of the four example modules (titles, paragraphs,
// list items, choices, feedback, hints, labels, flashcards, alt text, captions, the title
// that becomes the document's) is replaced with script-injection payloads; the player must
// show them as plain text on every page and the result page, and nothing may run: no
// dialog, no flag set by a payload, no element with an event handler attribute.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { DIST, requireDist, playerUrl } from './helpers.mjs';

const PAYLOADS = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '"><svg onload="window.__pwned = \'svg\'">',
  "'><iframe src=\"javascript:parent.__pwned='iframe'\"></iframe>",
  '<a href="javascript:window.__pwned=\'link\'">x</a>',
  '{{constructor.constructor("window.__pwned=\'template\'")()}}',
  '<style>*{display:none}</style><b onmouseover="window.__pwned=\'hover\'">b</b>',
  '&lt;img src=x onerror=window.__pwned=1&gt;',
];
const LANGUAGES = new Set(['id', 'en']);
let n = 0;

/** Every string inside a language map's value becomes payload + original (markers kept). */
function poisonText(value) {
  if (typeof value === 'string') return `${PAYLOADS[n++ % PAYLOADS.length]} ${value}`;
  if (Array.isArray(value)) return value.map(poisonText);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) =>
      [k, ['type', 'href', 'level', 'ordered'].includes(k) ? v : poisonText(v)]));
  }
  return value;
}

function poison(value) {
  if (Array.isArray(value)) return value.map(poison);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((k) => LANGUAGES.has(k))) {
      return Object.fromEntries(keys.map((k) => [k, poisonText(value[k])]));
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v)]));
  }
  return value;
}

let server, site, browser;

before(async () => {
  requireDist();
  site = await mkdtemp(path.join(tmpdir(), 'pelita-injection-'));
  await cp(DIST, site, { recursive: true });
  for (const name of ['phishing', 'kata-sandi', 'analitik-data', 'pemecahan-masalah']) {
    const module = JSON.parse(await readFile(path.join(DIST, `modules/${name}.json`), 'utf8'));
    await writeFile(path.join(site, `modules/${name}-poisoned.json`), JSON.stringify(poison(module), null, 2));
  }
  server = await serveStatic({ root: site });
  browser = await launchBrowser({ viewport: { width: 480, height: 900 } });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

async function assertNothingRan(page, where) {
  const state = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    parentPwned: window.parent.__pwned ?? null,
    handlers: [...document.querySelectorAll('*')].flatMap((e) =>
      [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}[${a.name}]`)),
    frames: document.querySelectorAll('iframe, object, embed').length,
    injectedImages: document.querySelectorAll('img[src="x"]').length,
    styles: document.querySelectorAll('body style').length,
    javascriptLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href'))).length,
  }));
  assert.deepEqual(state, { pwned: null, parentPwned: null, handlers: [], frames: 0, injectedImages: 0, styles: 0, javascriptLinks: 0 }, where);
}

for (const name of ['phishing', 'kata-sandi', 'analitik-data', 'pemecahan-masalah']) {
  test(`${name}: payloads in every text show as text and never run`, async () => {
    const page = await browser.newPage();
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    try {
      await page.goto(playerUrl(server.url, { module: `modules/${name}-poisoned.json`, lang: 'en' }));
      await page.waitForSelector('main.page h1');
      // The payloads are there, as text.
      const body = await page.evaluate(() => document.body.innerText);
      // Which payloads land on the first page depends on how many texts come before it;
      // any with markup or an entity, seen literally, was shown as text.
      assert.ok(PAYLOADS.filter((p) => /[<&]/.test(p)).some((p) => body.includes(p)), 'payloads are shown as text');
      assert.match(await page.title(), /<|\{\{|&lt;/, 'the document title holds the payload as text');
      for (let i = 0; i < 20; i++) {
        await assertNothingRan(page, `page ${i + 1}`);
        // Open whatever can be opened: hints, flashcards, the record.
        for (const summary of await page.$$('details:not([open]) > summary')) await summary.click();
        for (const card of await page.$$('.card button')) await card.click();
        await page.hover('main.page h1');
        await assertNothingRan(page, `page ${i + 1}, opened`);
        const next = await page.$('.nav button.primary');
        const finish = await page.$('.nav .finish button');
        if (finish) {
          await finish.click();
          break;
        }
        const before = await page.textContent('h1');
        await next.click();
        await page.waitForFunction((b) => document.querySelector('h1')?.textContent !== b, before);
      }
      await page.waitForSelector('.result');
      if (!(await page.evaluate(() => document.getElementById('record-title').closest('details').open))) {
        await page.click('#record-title');
      }
      // Each click re-renders the list, so every entry is looked up afresh.
      for (let k = 1; k <= 3; k++) await page.click(`.record .entry:nth-child(${k}) summary`);
      await assertNothingRan(page, 'result page with the record open');
      assert.deepEqual(dialogs, []);
    } finally {
      await page.close();
    }
  });
}

test('links and images that would run script are refused by validation, with their place named', async () => {
  const page = await browser.newPage();
  try {
    const module = JSON.parse(await readFile(path.join(DIST, 'modules/phishing.json'), 'utf8'));
    const text = module.lessons[0].pages[0].blocks[0].content.en;
    text.push({ type: 'paragraph', content: [{ type: 'link', href: 'javascript:window.__pwned=1', content: ['click'] }] });
    text.push({ type: 'paragraph', content: [{ type: 'link', href: 'data:text/html,<script>parent.__pwned=1</script>', content: ['data'] }] });
    module.lessons[0].pages[1].blocks.find((b) => b.type === 'image').src = 'javascript:window.__pwned=1';
    await writeFile(path.join(site, 'modules/links.json'), JSON.stringify(module, null, 2));
    await page.goto(playerUrl(server.url, { module: 'modules/links.json' }));
    await page.waitForSelector('.error-page');
    const report = await page.textContent('.error-page');
    assert.match(report, /\$\.lessons\[0\]\.pages\[0\]\.blocks\[0\]\.content\.en\[\d+\]\.content\[0\]\.href/);
    assert.match(report, /\$\.lessons\[0\]\.pages\[1\]\.blocks\[\d\]\.src/);
    assert.equal((report.match(/\.href/g) || []).length >= 2, true, 'both links are named');
    await assertNothingRan(page, 'error page');
  } finally {
    await page.close();
  }
});
