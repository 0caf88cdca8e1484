// Offline and installable, end to end: once the player has been opened online, its
// service worker (www/sw.js) lets it open and play with no network at all, images on pages
// not yet seen included; a new deployment is picked up once the tabs of the old one are
// closed, without disturbing a tab that is open during the update; Chromium finds the app
// installable; and none of this costs a request before the first question on a cold load.
//
// Going offline: playwright's context.setOffline(true) cuts the service worker's own
// fetches too, while CDP Network.emulateNetworkConditions on the page does not (the worker
// still reaches the server). Each offline step below also checks that the server saw no
// request at all, so a leak would fail the test instead of passing it silently.

import { test, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { DIST, requireDist, playerUrl, chooseByMouse, answerResumeOffer } from './helpers.mjs';

const MODULE = 'modules/phishing.json';
// What each test opened (servers, browsers, folders), closed when it ends.
const open = [];

before(() => requireDist());

afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** Serves `root` and records the path of every request the server receives. */
async function serveLogged(root) {
  const server = await serveStatic({ root });
  const seen = [];
  server.server.on('request', (req) => seen.push(req.url));
  open.push(() => server.close());
  return { ...server, seen };
}

async function browserWith() {
  const browser = await launchBrowser();
  open.push(() => browser.close());
  return browser;
}

/** Opens the player and waits until the service worker controls the tab. */
async function openControlled(page, url) {
  await page.goto(playerUrl(url, { module: MODULE, lang: 'en' }));
  await answerResumeOffer(page, 'continue');
  await page.waitForSelector('#q-q-pin-true');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

/** Answers the first question, checks the feedback, and goes on to the image page. */
async function playToImage(page) {
  const mouse = chooseByMouse(page);
  await page.waitForSelector('#q-q-pin-false');
  await mouse.trueFalse('q-pin', 'false');
  assert.match(await page.textContent('#q-q-pin .feedback'), /Your answer is correct/);
  await mouse.next();
  await page.waitForSelector('figure img');
  // The image really arrived (a broken image has naturalWidth 0).
  await page.waitForFunction(() => {
    const img = document.querySelector('figure img');
    return img.complete && img.naturalWidth > 0;
  }, null, { timeout: 10_000 });
}

/** The file names the page was built with (its preloaded JS, wasm and chunk loader). */
const assetsOf = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('link[rel=modulepreload], link[rel=preload][as=fetch][type="application/wasm"]')]
      .map((l) => new URL(l.href).pathname.slice(1)));

/** Polls `check` (which may be async, unlike page.waitForFunction's) until it is true. */
async function until(what, check, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const BUILD_LINE = /^const BUILD = (\{.*\});$/m;

/**
 * Turns the player served from `dir` into a new deployment, the way a rebuild would look to
 * a browser: the JS and wasm get new hashed names (the old ones are deleted from the
 * server), index.html names them, and sw.js carries the new version and shell list.
 */
async function deployNewBuild(dir) {
  const swPath = path.join(dir, 'sw.js');
  const sw = await readFile(swPath, 'utf8');
  const old = JSON.parse(sw.match(BUILD_LINE)[1]);
  const [, js, wasm] = old.shell;
  // The first chunk's script and the splitter's link module import each other by name.
  const [link, ...chunks] = old.chunks;
  const next = {
    version: 'beef00000000beef',
    shell: ['index.html', 'pelita-beef00000000beef.js', 'pelita_bg-beef00000000beef.wasm'],
    chunks: ['split-beef00000000beef.js', ...chunks],
  };
  const script = (await readFile(path.join(dir, js), 'utf8')).replaceAll(`./${link}`, `./${next.chunks[0]}`);
  await writeFile(path.join(dir, next.shell[1]), script + '\n// build 2\n');
  await writeFile(path.join(dir, next.shell[2]), await readFile(path.join(dir, wasm)));
  const linker = (await readFile(path.join(dir, link), 'utf8')).replaceAll(`./${js}`, `./${next.shell[1]}`);
  await writeFile(path.join(dir, next.chunks[0]), linker);
  const index = await readFile(path.join(dir, 'index.html'), 'utf8');
  await writeFile(path.join(dir, 'index.html'),
    index.replaceAll(js, next.shell[1]).replaceAll(wasm, next.shell[2]).replaceAll(link, next.chunks[0]));
  await writeFile(swPath, sw.replace(BUILD_LINE, `const BUILD = ${JSON.stringify(next)};`));
  // Precompressed copies of the old files would be stale; a real build rewrites them all.
  for (const name of [js, wasm, link, 'index.html', 'sw.js']) {
    for (const suffix of ['.br', '.gz']) await rm(path.join(dir, name + suffix), { force: true });
  }
  await rm(path.join(dir, js));
  await rm(path.join(dir, wasm));
  await rm(path.join(dir, link));
  return { old, next };
}

test('after one online visit the module opens and plays offline, images included', async () => {
  const server = await serveLogged(DIST);
  const browser = await browserWith();
  const { page, context } = browser;
  const errors = browser.watch(page);
  await openControlled(page, server.url);
  // The worker downloaded the images of the whole module, not only of the page shown.
  const cached = await page.evaluate(async () => {
    const urls = [];
    for (const name of await caches.keys()) {
      for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
    }
    return urls.sort();
  });
  assert.ok(cached.includes('/modules/img/phishing-email.svg'), `cached: ${cached.join(', ')}`);
  assert.ok(cached.includes('/modules/launch.json'), `cached: ${cached.join(', ')}`);
  // The worker took the content-hashed files the page had already downloaded from the
  // HTTP cache: the server was asked for each of them once.
  for (const name of [/\/pelita_bg-[0-9a-f]{16}\.wasm$/, /\/pelita-[0-9a-f]{16}\.js$/, /\/split-[0-9a-f]{16}\.js$/]) {
    const asked = server.seen.filter((u) => name.test(u.split('?')[0]));
    assert.equal(asked.length, 1, `${name}: ${server.seen.join(', ')}`);
  }

  server.seen.length = 0;
  await context.setOffline(true);
  await page.reload();
  // The first visit's attempt was saved on this device: continue it.
  await answerResumeOffer(page, 'continue');
  await page.waitForSelector('#q-q-pin-true');
  assert.equal(await page.evaluate(() => navigator.onLine), false);
  await playToImage(page);
  assert.deepEqual(server.seen, [], 'nothing reached the server while offline');

  // What was never cached gets a short bilingual answer, not the browser's offline page.
  const other = await browser.newPage();
  const response = await other.goto(new URL('missing.html', server.url).href);
  assert.equal(response.status(), 503);
  const text = await other.textContent('main');
  assert.match(text, /Tidak ada koneksi/);
  assert.match(text, /There is no connection/);
  // A module never opened: the player starts from the cache and shows its error page.
  await other.goto(playerUrl(server.url, { module: 'modules/never-opened.json', lang: 'en' }));
  await other.waitForSelector('.error-page');
  assert.deepEqual(server.seen, [], 'nothing reached the server while offline');
  await other.close();

  await context.setOffline(false);
  assert.deepEqual(errors, []);
});

test('a new deployment takes over once the old tabs are closed; an open tab keeps working', async () => {
  const site = await mkdtemp(path.join(tmpdir(), 'pelita-deploy-'));
  open.push(() => rm(site, { recursive: true, force: true }));
  await cp(DIST, site, { recursive: true });
  const server = await serveLogged(site);
  const browser = await browserWith();
  const { context } = browser;
  const tabA = browser.page;
  const errors = browser.watch(tabA);
  await openControlled(tabA, server.url);

  const { old, next } = await deployNewBuild(site);

  // A tab opened after the deployment gets the new index.html at once (network first),
  // and its navigation makes the browser fetch the new sw.js, which installs and waits.
  const tabB = await browser.newPage();
  await openControlled(tabB, server.url);
  assert.deepEqual(await assetsOf(tabB), [...next.shell.slice(1), next.chunks[0]]);
  await until('the new worker installs and waits', () => tabA.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    return registration.waiting !== null && registration.installing === null;
  }));
  // No skipWaiting(): the old worker still serves both tabs, and the old shell is kept.
  assert.deepEqual(
    await tabA.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return [navigator.serviceWorker.controller.state, registration.active.state, registration.waiting.state];
    }),
    ['activated', 'activated', 'installed'],
  );
  assert.deepEqual((await tabA.evaluate(() => caches.keys())).sort(), [
    'pelita-data-1', `pelita-shell-${next.version}`, `pelita-shell-${old.version}`,
  ].sort());

  // Tab A, opened before the deployment, goes on with its attempt on the old build: its
  // files are gone from the server but still served, the image page still loads, and
  // the next question still answers.
  // (The shell lists the JS and the wasm, then the pre-rendered pages of the example
  // modules; the chunks list starts with the splitter's link module.)
  assert.deepEqual(await assetsOf(tabA), [...old.shell.slice(1, 3), old.chunks[0]]);
  assert.equal(await tabA.evaluate((name) => fetch(name).then((r) => r.status), old.shell[1]), 200);
  await playToImage(tabA);
  const mouse = chooseByMouse(tabA);
  await mouse.next();
  await mouse.choice('q-url', ['b']);
  assert.match(await tabA.textContent('#q-q-url .feedback'), /Your answer is correct/);
  assert.deepEqual(errors, []);

  // Once both tabs are closed the new worker activates (about:blank is no client of it).
  const tabC = await browser.newPage();
  await tabA.close();
  await tabB.close();
  await until('the new worker activates', async () => {
    const states = await Promise.all(context.serviceWorkers().map((w) =>
      w.evaluate(() => `${BUILD.version} ${self.serviceWorker.state}`).catch(() => '')));
    return states.includes(`${next.version} activated`);
  });

  // The next visit runs the new build, the old shell cache is gone, and the new build
  // works offline from its own cache.
  const errorsC = browser.watch(tabC);
  await openControlled(tabC, server.url);
  assert.deepEqual(await assetsOf(tabC), [...next.shell.slice(1), next.chunks[0]]);
  assert.deepEqual((await tabC.evaluate(() => caches.keys())).sort(), ['pelita-data-1', `pelita-shell-${next.version}`]);
  server.seen.length = 0;
  await context.setOffline(true);
  await tabC.reload();
  await answerResumeOffer(tabC, 'continue');
  await tabC.waitForSelector('#q-q-pin-true');
  assert.deepEqual(await assetsOf(tabC), [...next.shell.slice(1), next.chunks[0]]);
  await playToImage(tabC);
  assert.deepEqual(server.seen, [], 'nothing reached the server while offline');
  assert.deepEqual(errorsC, []);
});

test('Chromium finds the player installable', async () => {
  const server = await serveLogged(DIST);
  const browser = await browserWith();
  const { page } = browser;
  await openControlled(page, server.url);
  await page.waitForSelector('link[rel=manifest]', { state: 'attached' });
  const cdp = await browser.cdp(page);
  const manifest = await cdp.send('Page.getAppManifest');
  assert.deepEqual(manifest.errors, []);
  assert.equal(new URL(manifest.url).pathname, '/manifest.webmanifest');
  const data = JSON.parse(manifest.data);
  assert.equal(data.name, 'Pelita');
  assert.equal(data.lang, 'id');
  assert.equal(data.display, 'standalone');
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);

  // Every icon is served, and each PNG has the size the manifest claims.
  for (const icon of data.icons) {
    const res = await page.evaluate(async (src) => {
      const r = await fetch(src);
      const bytes = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, type: r.headers.get('content-type'), head: [...bytes.slice(0, 24)] };
    }, icon.src);
    assert.equal(res.status, 200, icon.src);
    assert.equal(res.type, icon.type, icon.src);
    if (icon.type === 'image/png') {
      const view = new DataView(new Uint8Array(res.head).buffer);
      const [w, h] = icon.sizes.split('x').map(Number);
      assert.deepEqual([view.getUint32(16), view.getUint32(20)], [w, h], icon.src);
    }
  }
  assert.ok(data.icons.some((i) => i.purpose === 'maskable'), 'a maskable icon');
});

test('the worker and the manifest cost no request before the first question', async () => {
  const server = await serveLogged(DIST);
  const browser = await browserWith();
  const { page } = browser;
  // The moments the first question became usable and the worker was registered.
  await page.addInitScript(() => {
    window.__marks = {};
    const container = navigator.serviceWorker;
    const register = container.register.bind(container);
    container.register = (...args) => {
      window.__marks.register = performance.now();
      return register(...args);
    };
    new MutationObserver(() => {
      const input = document.getElementById('q-q-pin-true');
      if (input && !input.disabled && window.__marks.question === undefined) {
        window.__marks.question = performance.now();
      }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  });
  const cdp = await browser.cdp(page);
  const requests = [];
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!e.request.url.startsWith('data:')) requests.push({ path: new URL(e.request.url).pathname, wallTime: e.wallTime });
  });
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await openControlled(page, server.url);
  await page.waitForFunction(() => document.querySelector('link[rel=manifest]'));
  const marks = await page.evaluate(() => ({ ...window.__marks, origin: performance.timeOrigin }));
  assert.ok(marks.register >= marks.question, `registered at ${marks.register} ms, question at ${marks.question} ms`);
  const questionWall = (marks.origin + marks.question) / 1000;
  const early = requests.filter((r) => r.wallTime <= questionWall).map((r) => r.path);
  assert.deepEqual(early.sort(), [
    '/', '/modules/launch.json', '/modules/phishing.json',
    ...(await assetsOf(page)).map((name) => '/' + name),
  ].sort());
  // The manifest is linked only afterwards: it is requested, but not before the question.
  assert.ok(requests.some((r) => r.path === '/manifest.webmanifest'), 'the manifest was requested');
});
