// Themes, colour schemes, right-to-left and large text, judged in Chromium: axe-core finds
// no WCAG A/AA violation (contrast included) in the dark scheme, with a portal colour that
// reads badly as given, and in a right-to-left module; a JSON or CSS theme file and a logo
// apply without rebuilding; nothing scrolls sideways at 320 px with text at 200 %; every
// control is at least 24 by 24 px; the focused control shows an outline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { DIST, requireDist, playerUrl, chooseByMouse, playExample } from './helpers.mjs';
import { axeViolations } from '../support/axe.mjs';

let server, site, browser;

/** Every language map `{id, en}` of the example becomes `{ar, en}`: a right-to-left module. */
function toArabic(value) {
  if (Array.isArray(value)) return value.map(toArabic);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort().join(',');
    if (keys === 'en,id') return { ar: typeof value.id === 'string' ? `مرحبا ${value.id}` : value.id, en: value.en };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toArabic(v)]));
  }
  return value;
}

before(async () => {
  requireDist();
  site = await mkdtemp(path.join(tmpdir(), 'pelita-themes-'));
  await cp(DIST, site, { recursive: true });
  const example = JSON.parse(await readFile(path.join(DIST, 'modules/phishing.json'), 'utf8'));
  const arabic = toArabic(example);
  arabic.languages = ['ar', 'en'];
  arabic.id = 'https://pelita.example.org/modules/phishing-ar';
  await writeFile(path.join(site, 'modules/rtl.json'), JSON.stringify(arabic, null, 2));
  await mkdir(path.join(site, 'themes'));
  await writeFile(path.join(site, 'themes/portal.json'), JSON.stringify({
    radius: '0', 'radius-l': '0', 'font-body': 'Georgia, serif', accent: '#5b2a86',
    position: 'fixed', ink: 'red; background: url(https://x.example/t.png)',
  }));
  await writeFile(path.join(site, 'themes/portal.css'), ':root { --accent: #1d5e3a; --radius-l: 2px; }\n');
  await writeFile(path.join(site, 'themes/logo.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="32"><rect width="80" height="32" fill="#5b2a86"/></svg>');
  server = await serveStatic({ root: site });
  browser = await launchBrowser({ viewport: { width: 320, height: 640 } });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

const violations = axeViolations;

const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor || getComputedStyle(document.documentElement).backgroundColor);
const rootBackground = (page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

/** Plays the example with every screen checked by axe. */
async function playChecked(page, label) {
  await page.waitForSelector('#q-q-pin-false');
  assert.deepEqual(await violations(page), [], `first page (${label})`);
  await chooseByMouse(page).trueFalse('q-pin', 'true');
  assert.deepEqual(await violations(page), [], `wrong-answer feedback (${label})`);
  await page.goto(page.url());
  await page.waitForSelector('main.resume, #q-q-pin-false');
  if (await page.$('main.resume')) await page.click('main.resume button.secondary');
  await playExample(page);
  await page.click('#record-title');
  await page.click('.record .entry summary');
  assert.deepEqual(await violations(page), [], `result page with the record open (${label})`);
}

test('the dark scheme, from the launch or from the system, passes axe on every screen', async () => {
  const page = browser.page;
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'en', color_scheme: 'dark' }));
  await page.waitForSelector('#q-q-pin-false');
  assert.equal(await rootBackground(page), 'rgb(21, 24, 28)');
  await playChecked(page, 'dark by launch');

  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'id' }));
    await page.waitForSelector('#q-q-pin-false, main.resume');
    assert.equal(await rootBackground(page), 'rgb(21, 24, 28)', 'the system asks for dark');
    await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'id', color_scheme: 'light' }));
    await page.waitForSelector('#q-q-pin-false, main.resume');
    assert.equal(await rootBackground(page), 'rgb(251, 250, 247)', 'the launch overrides the system');
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
});

test('a portal colour that reads badly is adjusted until every screen passes axe, in both schemes', async () => {
  const page = browser.page;
  for (const scheme of ['light', 'dark']) {
    await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'en', primary: '#ffee00', color_scheme: scheme }));
    await page.waitForSelector('#q-q-pin-false, main.resume');
    if (await page.$('main.resume')) await page.click('main.resume button.secondary');
    const accent = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim());
    // Yellow reads on the dark background as it is, and is darkened for the light one.
    if (scheme === 'light') assert.notEqual(accent, '#ffee00', 'adjusted');
    else assert.equal(accent, '#ffee00', 'kept');
    await playChecked(page, `primary #ffee00, ${scheme}`);
  }
});

test('a JSON theme, a CSS theme and a logo apply without a rebuild; refused entries are named', async () => {
  const page = browser.page;
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'en', theme: 'themes/portal.json', logo: 'themes/logo.svg' }));
  await page.waitForSelector('#q-q-pin-false, main.resume');
  if (await page.$('main.resume')) await page.click('main.resume button.secondary');
  await page.waitForFunction(() => getComputedStyle(document.querySelector('.question')).borderTopLeftRadius === '0px');
  assert.match(await page.evaluate(() => getComputedStyle(document.body).fontFamily), /Georgia/);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.question button.primary')).backgroundColor), 'rgb(91, 42, 134)');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).color), 'rgb(255, 0, 0)', 'a value with a `;` is refused');
  assert.ok(warnings.some((w) => w.includes('themes/portal.json: $.position: unknown theme property')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes('themes/portal.json: $.ink:') && w.includes('is not a plain CSS value')), warnings.join('\n'));
  const logo = await page.$('header .logo');
  assert.ok(logo, 'the logo is shown');
  assert.equal(await logo.getAttribute('alt'), '', 'decorative: the title says it all');
  assert.ok(await page.evaluate(() => document.querySelector('header .logo').naturalWidth > 0), 'the logo loaded');
  assert.deepEqual(await violations(page), [], 'themed page');

  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'en', theme: 'themes/portal.css' }));
  await page.waitForSelector('#q-q-pin-false, main.resume');
  if (await page.$('main.resume')) await page.click('main.resume button.secondary');
  await page.waitForFunction(() => getComputedStyle(document.querySelector('.question button.primary')).backgroundColor === 'rgb(29, 94, 58)');
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.question')).borderTopLeftRadius), '2px');
});

// A theme is applied by a chunk of its own (chunks::THEME), which only a launch with a
// portal colour or theme file downloads. A theme chunk that cannot be downloaded is a
// broken theme: the lesson plays in the built-in look and the console says why.
test('a theme whose chunk cannot be downloaded leaves the built-in look, and the lesson plays', async (t) => {
  // Without the service worker, which would serve the chunk from its cache.
  const own = await launchBrowser({ viewport: { width: 320, height: 640 }, serviceWorkers: 'block' });
  t.after(() => own.close());
  const page = own.page;
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  let requests = 0;
  await page.route(/\/split_theme-[0-9a-f]{16}\.wasm$/, (route) => {
    requests += 1;
    return route.abort('failed');
  });
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'en', theme: 'themes/portal.json' }));
  await page.waitForSelector('#app #q-q-pin-false, #app main.resume');
  if (await page.$('#app main.resume')) await page.click('#app main.resume button.secondary');
  for (let i = 0; i < 50 && !warnings.some((w) => /theme ignored/.test(w)); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(requests >= 1, 'the theme chunk was asked for');
  assert.ok(warnings.some((w) => /could not be downloaded: theme ignored/.test(w)), warnings.join('\n'));
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.querySelector('.question')).borderTopLeftRadius), '0px', 'the built-in look');
  await chooseByMouse(page).trueFalse('q-pin', 'false');
  await page.waitForSelector('#app .feedback, #app [role="status"]');
});

test('a right-to-left module mirrors, fits 320 px with text at 200 %, and passes axe', async () => {
  const page = browser.page;
  await page.goto(playerUrl(server.url, { module: 'modules/rtl.json', lang: 'ar' }));
  await page.waitForSelector('#q-q-pin-false');
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await page.getAttribute('html', 'lang'), 'ar');
  assert.deepEqual(await violations(page), [], 'first page, right to left');
  // The primary action sits at the left end of the row in right-to-left.
  await chooseByMouse(page).trueFalse('q-pin', 'false');
  const [next, width] = await page.evaluate(() => [document.querySelector('.nav button.primary').getBoundingClientRect().left, window.innerWidth]);
  assert.ok(next < width / 2, `Next is on the left (at ${next} px of ${width})`);
  assert.match(await page.textContent('.nav button.primary'), /←$/, 'and points left');
  // Switching to English turns the page back.
  await page.click('.languages button[lang="en"]');
  await page.waitForFunction(() => document.documentElement.dir === 'ltr');

  // Text at 200 %: still no sideways scrolling, on a lesson page and the result page.
  for (const module of ['modules/phishing.json', 'modules/rtl.json']) {
    await page.goto(playerUrl(server.url, { module, lang: 'en' }));
    await page.waitForSelector('#q-q-pin-false, main.resume');
    if (await page.$('main.resume')) await page.click('main.resume button.secondary');
    await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${module} at 200 % text scrolls sideways by ${overflow}px`);
  }
});

test('every control is at least 24 by 24 px and the focused one shows an outline', async () => {
  const page = browser.page;
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'id' }));
  await page.waitForSelector('#q-q-pin-false, main.resume');
  if (await page.$('main.resume')) await page.click('main.resume button.secondary');
  await page.click('#record-title');
  // The record builds its list when the `toggle` event of its <details> arrives, a task the
  // browser runs only after the click; on a page still busy starting (the stored outbox
  // being read and merged), that is tens of milliseconds later, and tabbing at once found
  // no entries after the record's title.
  await page.waitForSelector('.record .entry summary');
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('button, input, select, textarea, summary, a.button')]
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 24 || r.height < 24)
      .map(({ e, r }) => `${e.outerHTML.slice(0, 60)} ${r.width}x${r.height}`));
  assert.deepEqual(small, []);
  // Every control reached by Tab from the top of the page shows the focus outline.
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  let seen = 0;
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const [what, outline] = await page.evaluate(() => {
      const e = document.activeElement;
      const s = getComputedStyle(e);
      return [e === document.body ? null : e.outerHTML.slice(0, 80), `${s.outlineStyle} ${s.outlineWidth}`];
    });
    if (!what) break; // past the last control
    seen += 1;
    assert.equal(outline, 'solid 3px', `the focus is visible on ${what}`);
  }
  assert.ok(seen >= 6, `only ${seen} controls were reached by Tab`);
});
