// Content blocks in the browser: a quote, code, a table, a callout, an accordion, and a
// video and an audio recording with real files, the video with WebVTT caption tracks that
// the browser loads. Judged by axe-core with everything opened, and used by keyboard.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { DIST, ROOT, requireDist, playerUrl } from './helpers.mjs';
import { axeViolations } from '../support/axe.mjs';

let server, site, browser;

/** A second of a 440 Hz tone as an 8 kHz, 8-bit mono WAV file. */
function wav() {
  const rate = 8000;
  const samples = Buffer.alloc(rate);
  for (let i = 0; i < rate; i++) samples[i] = 128 + Math.round(60 * Math.sin((2 * Math.PI * 440 * i) / rate));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0); header.writeUInt32LE(36 + samples.length, 4); header.write('WAVE', 8);
  header.write('fmt ', 12); header.writeUInt32LE(16, 16); header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24); header.writeUInt32LE(rate, 28); header.writeUInt16LE(1, 32); header.writeUInt16LE(8, 34);
  header.write('data', 36); header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}

before(async () => {
  requireDist();
  site = await mkdtemp(path.join(tmpdir(), 'pelita-blocks-'));
  await cp(DIST, site, { recursive: true });
  await writeFile(path.join(site, 'modules/blocks.json'), await readFile(path.join(ROOT, 'crates/xapi/tests/blocks.json')));
  await mkdir(path.join(site, 'modules/media'), { recursive: true }); // dist has the examples' media/ already
  await writeFile(path.join(site, 'modules/media/klip.wav'), wav());
  await writeFile(path.join(site, 'modules/media/klip.id.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nBunyi nada.\n');
  await writeFile(path.join(site, 'modules/media/klip.en.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nA tone.\n');
  server = await serveStatic({ root: site });
  browser = await launchBrowser({ viewport: { width: 360, height: 740 } });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

test('quote, code, table, callout, accordion, video with captions and audio with a transcript', async () => {
  const page = browser.page;
  await page.goto(playerUrl(server.url, { module: 'modules/blocks.json', lang: 'en' }));
  await page.waitForSelector('main.page h1');
  assert.equal(await page.textContent('blockquote'), 'Never give out a one-time code.');
  assert.equal(await page.textContent('pre code'), 'https://portal.go.id.contoh.example/masuk');
  assert.equal(await page.textContent('p code'), 'go.id');
  // The table: caption, column headers, a focusable scroll box named by the caption.
  assert.equal(await page.textContent('table caption'), 'Domains');
  assert.deepEqual(await page.$$eval('th', (ths) => ths.map((t) => [t.textContent, t.getAttribute('scope')])), [['Address', 'col'], ['Real?', 'col']]);
  assert.equal(await page.getAttribute('.table-wrap', 'tabindex'), '0');
  assert.equal(await page.getAttribute('.table-wrap', 'aria-label'), 'Domains');
  // The callout says what kind it is in words, not by colour alone.
  assert.equal(await page.getAttribute('.callout', 'role'), 'note');
  assert.match(await page.textContent('.callout .callout-title'), /^Warning: Careful$/);
  // The accordion opens by keyboard.
  await page.focus('.accordion .section:nth-child(2) summary');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.accordion .section:nth-child(2)').open);
  assert.match(await page.textContent('.accordion .section:nth-child(2)'), /Two-step verification/);
  // The video: both caption tracks, the learner's language on by default, and loaded.
  const tracks = await page.$$eval('video track', (ts) => ts.map((t) => [t.kind, t.srclang, t.label, t.default]));
  assert.deepEqual(tracks, [['captions', 'id', 'Bahasa Indonesia', false], ['captions', 'en', 'English', true]]);
  await page.waitForFunction(() => {
    const v = document.querySelector('video');
    return v.readyState >= 1 && document.querySelector('video track[srclang="en"]').readyState === 2;
  }, null, { timeout: 15_000 });
  const cue = await page.evaluate(() => {
    const track = [...document.querySelector('video').textTracks].find((t) => t.language === 'en');
    return track.cues?.[0]?.text ?? null;
  });
  assert.equal(cue, 'A tone.');
  assert.ok(await page.evaluate(() => document.querySelector('audio').duration > 0.9), 'the audio file loads');
  await page.click('.transcript summary');
  assert.match(await page.textContent('.transcript'), /A tone\./);
  // Everything open, in both languages: no WCAG A/AA violation.
  for (const lang of ['en', 'id']) {
    if (lang === 'id') await page.click('.languages button[lang="id"]');
    assert.deepEqual(await axeViolations(page), [], lang);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `at 360 px the page scrolls sideways by ${overflow}px (${lang})`);
  }
  assert.equal(await page.textContent('table caption'), 'Domain');
});
