// Embedding: a portal on one origin frames the player served from another (two 127.0.0.1
// ports) with www/embed.js. The frame follows the player's height, the portal hears
// `pelita:completed` and `pelita:passed`/`pelita:failed` with the score, and messages that
// do not come from the player's frame and origin (a third origin's frame, the portal's own
// window) change nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { DIST, requireDist, playExample } from './helpers.mjs';

let player, portal, stranger, browser;

/** A tiny server answering every GET with one HTML page. */
function servePage(html) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      // No kept-alive connection may hold close() up once a test is done with the page.
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
      res.end(html());
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }),
      });
    });
  });
}

before(async () => {
  requireDist();
  player = await serveStatic({ root: DIST });
  // A page of a third origin that pretends to be a player: it tells its parent a tiny
  // height and a perfect pass.
  stranger = await servePage(() => `<!doctype html><title>stranger</title><script>
    setInterval(function () {
      parent.postMessage({ type: 'pelita:resize', height: 7 }, '*');
      parent.postMessage({ type: 'pelita:passed', score: { scaled: 1, raw: 99, min: 0, max: 99 } }, '*');
    }, 50);
  </script>`);
  portal = await servePage(() => `<!doctype html><html lang="en"><head><meta charset="utf-8">
    <title>Portal</title></head><body>
    <h1>Portal</h1>
    <iframe data-pelita id="lesson" title="Lesson" style="width:100%;border:0"
      src="${player.url}/index.html?module=modules/phishing.json&lang=en"></iframe>
    <iframe id="stranger" title="Stranger" src="${stranger.url}/"></iframe>
    <script src="${player.url}/embed.js"></script>
    <script>
      window.heard = [];
      for (const type of ['pelita:completed', 'pelita:passed', 'pelita:failed']) {
        document.addEventListener(type, (e) => window.heard.push({ type, score: e.detail.score, target: e.target.id }));
      }
    </script></body></html>`);
  browser = await launchBrowser({ viewport: { width: 480, height: 700 } });
});

after(async () => {
  await browser?.close();
  for (const server of [player, portal, stranger]) await server?.close();
});

test('a cross-origin portal sizes the frame to the player and hears its results; strangers are ignored', async () => {
  const page = browser.page;
  await page.goto(portal.url);
  // embed.js told the player who embeds it.
  await page.waitForFunction(() => /embed_origin=/.test(document.getElementById('lesson').src));
  assert.equal(
    new URL(await page.$eval('#lesson', (f) => f.src)).searchParams.get('embed_origin'),
    portal.url,
  );
  const frame = await (await page.waitForSelector('#lesson')).contentFrame();
  await frame.waitForSelector('#q-q-pin-false');

  // The frame is as tall as the player's content, and follows it when it grows.
  const sized = async () => {
    const frameHeight = await page.$eval('#lesson', (f) => f.getBoundingClientRect().height);
    const content = await frame.evaluate(() => document.documentElement.getBoundingClientRect().height);
    return { frameHeight, content };
  };
  await page.waitForFunction(() => parseFloat(document.getElementById('lesson').style.height) > 200);
  let now = await sized();
  assert.ok(Math.abs(now.frameHeight - Math.ceil(now.content)) <= 1, `frame ${now.frameHeight} px for content ${now.content} px`);
  const before = now.frameHeight;
  await frame.click('#record-title');
  await page.waitForFunction((h) => parseFloat(document.getElementById('lesson').style.height) > h, before);
  // The record renders in steps; the frame follows each one, so wait until it caught up.
  const deadline = Date.now() + 5_000;
  do {
    now = await sized();
    if (Math.abs(now.frameHeight - Math.ceil(now.content)) <= 1) break;
    await new Promise((r) => setTimeout(r, 50));
  } while (Date.now() < deadline);
  assert.ok(Math.abs(now.frameHeight - Math.ceil(now.content)) <= 1, `the frame grew with the opened record (${now.frameHeight} px for ${now.content} px)`);
  assert.equal(await frame.evaluate(() => document.documentElement.scrollHeight > window.innerHeight + 1), false,
    'the player never needs its own scroll bar');

  // The portal's own window posting as if it were the player changes nothing either.
  await page.evaluate(() => window.postMessage({ type: 'pelita:failed', score: { raw: 0 } }, '*'));
  await frame.click('#record-title');

  await playExample(frame);
  await page.waitForFunction(() => window.heard.length >= 2);
  await new Promise((r) => setTimeout(r, 300));
  const heard = await page.evaluate(() => window.heard);
  const score = { scaled: 1, raw: 6, min: 0, max: 6 };
  assert.deepEqual(heard, [
    { type: 'pelita:completed', score, target: 'lesson' },
    { type: 'pelita:passed', score, target: 'lesson' },
  ], 'exactly the player\'s events, none of the stranger\'s');
  const height = parseFloat(await page.$eval('#lesson', (f) => f.style.height));
  assert.ok(height > 100, `the stranger's 7 px never stuck (frame is ${height} px)`);
});

test('framed by another origin than the one named, or with none named, the player tells nobody', async () => {
  // The framing page listens to every message; the player's frame is the only sender.
  const framing = (query) => servePage(() => `<!doctype html><html lang="en"><title>Other</title><body>
    <iframe id="lesson" title="Lesson" src="${player.url}/index.html?module=modules/phishing.json&lang=en${query}"></iframe>
    <script>
      window.got = [];
      addEventListener('message', (e) => window.got.push(e.data && e.data.type));
    </script></body></html>`);
  // A wrong origin named: the browser drops every message the player sends. None named:
  // the player sends none.
  for (const query of ['&embed_origin=https://portal.example.org', '']) {
    const page = await browser.newPage();
    const site = await framing(query);
    try {
      await page.goto(site.url);
      const frame = await (await page.waitForSelector('#lesson')).contentFrame();
      // An attempt an earlier test left open is offered first; this test starts over.
      await frame.waitForSelector('#q-q-pin-false, main.resume');
      if (await frame.$('main.resume')) await frame.click('main.resume button.secondary');
      await playExample(frame);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await page.evaluate(() => window.got), [], `nothing reached the framing page (${query || 'no origin named'})`);
    } finally {
      await page.close();
      await site.close();
    }
  }
});
