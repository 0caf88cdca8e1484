// Pelita's service worker: it makes the player open and play offline once it has been
// opened online, and it picks up a new deployment without disturbing an attempt that is
// still in progress.
//
// What it keeps, in two caches:
// - "pelita-shell-<version>": the app shell (index.html and the content-hashed JS and
//   wasm), downloaded at install. One cache per build, so a running page keeps the files
//   it started with until the new version takes over. A module's pre-rendered first page
//   (<module>.html, which names this build's files) joins it when it is opened: at
//   install for the pages open tabs show, and later whenever one is loaded from the
//   network. A deployment may hold hundreds of modules; a learner downloads the pages of
//   those they open, not all of them at install. The Markdown reader (a second JS
//   and wasm, used only by `.md` modules) joins it at install when an open tab shows a
//   Markdown module or the previous version had it, and otherwise when first used.
// - "pelita-data-1": modules, their launch.json and their images, and the web app
//   manifest and its icons. Modules are not tied to a build of the player, so this cache
//   survives updates. Its number changes only if what it stores changes shape.
//
// How each request is answered (only same-origin GET requests; everything else, such as
// the statements posted to a cross-origin LRS, goes to the network as the page made it,
// and a request other than GET does not even reach the fetch handler where the browser has
// the static routing API: see the install handler):
// - Page loads (navigations) and other plain files: the network first, so that a new
//   deployment is seen at once; the cached copy when the network fails.
// - Hashed JS and wasm: the cache first. A hashed name never changes its content.
// - JSON (modules, launch.json, the manifest): the network first, the cached copy when
//   offline. When a module comes in, every image it uses is downloaded too, so that pages
//   the learner has not reached yet also work offline; the manifest brings its icons.
// - Images and other media: the cache first.
// - Nothing cached and no network: a short error in Indonesian and English, never the
//   browser's own offline page.
//
// Updates: the browser fetches this file again on every page load and sees that the
// version below changed. The new worker downloads the new shell and then waits: it does
// not call skipWaiting(), because replacing the worker under a running page would serve
// that page files from another build in the middle of an attempt. It takes over once every
// tab running the old version is closed (reloading the only open tab is not enough), and
// only then deletes the old shell cache. Until that moment every open tab keeps working
// with the files it started with, online or offline.

'use strict';

// The build replaces the next line with this build's version (derived from the hashes of
// index.html and its assets) and the list of shell files; it fails when the line is missing.
const BUILD = /* pelita:build */ { version: 'dev', shell: [], chunks: [], reader: [], pages: [] };
// The pre-rendered pages (a worker line of an older build has none).
const PAGES = BUILD.pages || [];

const SHELL_CACHE = 'pelita-shell-' + BUILD.version;
const DATA_CACHE = 'pelita-data-1';
const SCOPE = new URL(self.registration.scope);
const INDEX_URL = new URL('index.html', SCOPE).href;
// index.html links this manifest once the player is shown.
const MANIFEST_URL = new URL('manifest.webmanifest', SCOPE).href;
// The module a page shows when its URL names none; index.html has the same default.
const DEFAULT_MODULE = 'modules/phishing.json';
// Content-hashed file names, as the build writes them (pelita-<16 hex>.js and so on).
const HASHED = /-[0-9a-f]{16}(?:_bg)?\.[a-z0-9]+$/i;
const MEDIA = /\.(?:svg|png|jpe?g|gif|webp|avif|mp3|ogg|opus|mp4|webm|vtt)$/i;

self.addEventListener('install', (event) => {
  // Requests other than GET (statements, State documents) never need this worker, and
  // going through its fetch handler costs them their `keepalive`: Chromium lost most of
  // the statements a page sends as it goes away (`pagehide`) while a worker controls it,
  // and none without one. The static routing API sends them straight to the network, so
  // `suspended`, cmi5's `terminated` and the saved attempt leave with the page. Where
  // the API is missing, the fetch handler below lets them through as before.
  const routed = typeof event.addRoutes === 'function'
    ? event.addRoutes([{ condition: { not: { requestMethod: 'GET' } }, source: 'network' }]).catch(() => {})
    : Promise.resolve();
  event.waitUntil(Promise.all([routed, install()]));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(activate());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Posts to the LRS, other origins and ranged media requests (a cache cannot store a
  // partial answer) go to the network exactly as the page made them. So does everything
  // that speaks to an LRS on this origin (as under `pelita serve`, at /xapi/): a request
  // with credentials, or with the xAPI version header. Its answers are a learner's
  // records, which must be fresh and must never sit in a shared cache.
  if (request.method !== 'GET' || url.origin !== SCOPE.origin || request.headers.has('range')
    || request.headers.has('authorization') || request.headers.has('x-experience-api-version')
    || /\/xapi\//i.test(url.pathname)) {
    return;
  }
  if (!url.href.startsWith(SCOPE.href)) return;
  event.respondWith(answer(event, request, url));
});

async function install() {
  // Download the shell fresh (never from a stale HTTP cache entry of index.html) and
  // refuse to install when index.html does not belong to this build, which happens if a
  // deployment changed the files between the download of this script and now. The
  // browser tries again on the next page load.
  const cache = await caches.open(SHELL_CACHE);
  // The player's later wasm chunks (and the script that loads them) are part of the shell:
  // a learner who goes offline after the first page still gets every page and question.
  // index.html does not name them (the first chunk's script does), so the check below
  // leaves them out.
  // A content-hashed file never changes, so the copy the page has just downloaded into
  // the HTTP cache is as good as a new one: taking it spares a slow link a round trip
  // per file. Everything else (index.html, the pre-rendered pages) is asked for again.
  // Of the pre-rendered pages, only those this device uses come now: the ones open tabs
  // show, and the ones the version being replaced had kept (opened here before, so they
  // keep opening offline after the update).
  const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const shown = new Set([...tabs.map((tab) => pageOf(tab.url)), ...(await pagesKeptBefore())]
    .filter(Boolean));
  await Promise.all(
    [...BUILD.shell, ...BUILD.chunks, ...shown].map(async (name) => {
      const url = new URL(name, SCOPE).href;
      const response = await fetch(url, { cache: HASHED.test(name) ? 'default' : 'no-cache' });
      if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
      if (name.endsWith('.html') && !ofThisBuild(await response.clone().text())) {
        throw new Error(`${name} is not from build ${BUILD.version}`);
      }
      await cache.put(url, response);
    }),
  );
  // The tab that registered this worker loaded its module and the manifest before the
  // worker existed, so the worker never saw them: fetch the modules that open tabs show
  // now, and the manifest, so that they work offline from the start. This is a courtesy;
  // its failures do not stop the install.
  const modules = new Set(tabs.map((tab) => moduleOf(tab.url)).filter(Boolean));
  const data = await caches.open(DATA_CACHE);
  await Promise.all(
    [...modules].flatMap((module) => [module, new URL('launch.json', module).href])
      .concat(MANIFEST_URL)
      .map((url) => (/\.md$/i.test(url) ? keepFile(data, url, 'no-cache') : refresh(data, url)).catch(() => {})),
  );
  // A learner of Markdown modules needs the reader offline too: now, if a tab shows one,
  // or if the version being replaced had the reader (it was used on this device).
  if ([...modules].some((m) => /\.md$/i.test(m)) || (await readerWasUsed())) {
    await Promise.all(
      // Hashed names never change content, so the HTTP cache's copy (the page's own
      // download a moment ago) is as good as a new one.
      BUILD.reader.map((name) => keepFile(cache, new URL(name, SCOPE).href, 'default').catch(() => {})),
    );
  }
}

/** The pre-rendered pages of this build that an older shell cache holds. */
async function pagesKeptBefore() {
  const kept = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith('pelita-shell-') || name === SHELL_CACHE) continue;
    for (const request of await (await caches.open(name)).keys()) kept.push(pageOf(request.url));
  }
  return kept;
}

/** Whether an older shell cache holds a Markdown reader, so this device has used one. */
async function readerWasUsed() {
  for (const name of await caches.keys()) {
    if (!name.startsWith('pelita-shell-') || name === SHELL_CACHE) continue;
    const keys = await (await caches.open(name)).keys();
    if (keys.some((r) => /\/convert(?:_bg)?-[0-9a-f]{16}\.(?:js|wasm)$/.test(new URL(r.url).pathname))) return true;
  }
  return false;
}

/** Fetches `url` into `cache` as it is (a Markdown module, a reader file). */
async function keepFile(cache, url, mode) {
  const response = await fetch(url, { cache: mode });
  if (response.ok) await cache.put(url, response);
}

async function activate() {
  // The old version has no page left (that is when a waiting worker activates), so its
  // shell can go. The data cache stays.
  const names = await caches.keys();
  await Promise.all(
    names
      .filter((n) => n.startsWith('pelita-') && n !== SHELL_CACHE && n !== DATA_CACHE)
      .map((n) => caches.delete(n)),
  );
  // Serve the tab that installed the first version from now on, so that it works offline
  // without a reload. A later version activates only when no tab of the old one is left,
  // so it can only claim tabs that no worker served (such as after a forced reload).
  await self.clients.claim();
}

async function answer(event, request, url) {
  try {
    if (request.mode === 'navigate') {
      const page = url.href.split('?')[0];
      if (page === SCOPE.href || page === INDEX_URL) {
        return await networkFirst(request, SHELL_CACHE, INDEX_URL);
      }
      // A module's pre-rendered first page (dist/<module>.html) belongs to the shell too,
      // once it has been opened.
      const name = page.slice(SCOPE.href.length);
      if (PAGES.includes(name)) return await prerendered(event, request, page);
      return await networkFirst(request, DATA_CACHE);
    }
    if (HASHED.test(url.pathname)) return await cacheFirst(request, SHELL_CACHE);
    if (/\.(?:json|webmanifest)$/.test(url.pathname)) return await json(event, request, url);
    if (MEDIA.test(url.pathname)) return await cacheFirst(request, DATA_CACHE);
    return await networkFirst(request, DATA_CACHE, null, true);
  } catch (error) {
    return offline(request, error);
  }
}

/**
 * The network's answer, or, when the network fails, the copy of `key` (by default the
 * request) in the cache `name`. Every page load of the player falls back to index.html of
 * this worker's own build, whatever the query. With `store`, a good answer is kept for
 * next time. index.html never is: a newer one from the network would name assets that
 * this build has not cached.
 */
async function networkFirst(request, name, key, store) {
  const cache = await caches.open(name);
  try {
    const response = await fetch(request);
    if (store && response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key || request, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

/**
 * A module's pre-rendered first page: the network first, the kept copy when the network
 * fails (`networkFirst`), and a good answer that belongs to this build is kept in its
 * shell, so that the page opens offline from now on (a kept copy is simply kept again).
 * An answer of another build (a deployment newer than this worker) is shown but not kept:
 * it names files this shell does not have.
 */
async function prerendered(event, request, page) {
  const response = await networkFirst(request, SHELL_CACHE, page);
  if (response.ok) {
    const [read, kept] = [response.clone(), response.clone()];
    event.waitUntil((async () => {
      if (ofThisBuild(await read.text())) await (await caches.open(SHELL_CACHE)).put(page, kept);
    })().catch(() => {}));
  }
  return response;
}

/** Whether a page (index.html or a pre-rendered one) names this build's JS and wasm. */
function ofThisBuild(html) {
  return BUILD.shell.every((n) => n.endsWith('.html') || html.includes(n));
}

async function cacheFirst(request, name) {
  const cache = await caches.open(name);
  // Vary: Accept-Encoding must not prevent a match: a cache holds decoded bodies.
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/**
 * A module, launch.json or the manifest: the network first, the cached copy offline. The
 * copy is updated in the background, and the files it names are downloaded with it.
 */
async function json(event, request, url) {
  const cache = await caches.open(DATA_CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
  const copy = response.clone();
  event.waitUntil(keepJson(cache, url.href, copy).catch(() => {}));
  return response;
}

/** Fetches a module, launch.json or the manifest into `cache` (see keepJson). */
async function refresh(cache, url) {
  await keepJson(cache, url, await fetch(url, { cache: 'no-cache' }));
}

/**
 * Stores a JSON answer and the files it names: a module's images, the manifest's icons. A
 * 404 is kept too: for launch.json it is a real answer ("no LRS configured"), and offline
 * the player must get the same one. Files already cached are downloaded again only when
 * the JSON text changed, because it may come with changed images under the same names.
 */
async function keepJson(cache, url, response) {
  if (!response.ok && response.status !== 404) return;
  const previous = await cache.match(url, { ignoreVary: true });
  const before = previous ? await previous.text() : null;
  const text = await response.clone().text();
  await cache.put(url, response);
  if (!response.ok || url.endsWith('/launch.json')) return;
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    return; // Not a module after all; the player reports the problem.
  }
  if (!doc || typeof doc !== 'object') return;
  const wanted = new Set();
  const found = (src) => {
    const media = mediaUrl(src, url);
    if (media) wanted.add(media);
  };
  if (url === MANIFEST_URL && Array.isArray(doc.icons)) {
    for (const icon of doc.icons) if (icon && typeof icon.src === 'string') found(icon.src);
  } else if (Array.isArray(doc.lessons)) {
    collectImages(doc, found);
  }
  const changed = before !== text;
  await Promise.all(
    [...wanted].map(async (media) => {
      try {
        if (!changed && (await cache.match(media, { ignoreVary: true }))) return;
        const answer = await fetch(media, { cache: changed ? 'no-cache' : 'default' });
        if (answer.ok) await cache.put(media, answer);
      } catch {
        // Offline or gone: the image is fetched again when its page is shown.
      }
    }),
  );
}

/** Calls `found(src)` for every image block anywhere in the module. */
function collectImages(value, found) {
  if (Array.isArray(value)) {
    for (const item of value) collectImages(item, found);
  } else if (value && typeof value === 'object') {
    if (value.type === 'image' && typeof value.src === 'string') found(value.src);
    for (const key of Object.keys(value)) collectImages(value[key], found);
  }
}

/**
 * The URL of an image path from a module or the manifest, or null. Only relative paths
 * inside the scope are cached (the module format allows no others besides https: images
 * on other servers, which this worker leaves alone).
 */
function mediaUrl(src, moduleUrl) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('/') || src.split('/').includes('..')) {
    return null;
  }
  const url = new URL(src, moduleUrl);
  url.hash = '';
  return url.href.startsWith(SCOPE.href) ? url.href : null;
}

/** The pre-rendered page a tab shows (its name in the build), if it shows one. */
function pageOf(tabUrl) {
  const page = tabUrl.split('?')[0].split('#')[0];
  const name = page.startsWith(SCOPE.href) ? page.slice(SCOPE.href.length) : '';
  return PAGES.includes(name) ? name : null;
}

/** The module URL a player tab shows, by the same rule as index.html, or null. */
function moduleOf(tabUrl) {
  const url = new URL(tabUrl);
  const page = url.href.split('?')[0].split('#')[0];
  // A module's pre-rendered page, dist/<name>.html, shows modules/<name>.json (the name
  // `cargo xtask dist` gives it) unless its query names another.
  const name = page.slice(SCOPE.href.length);
  let fallback = null;
  if (page === SCOPE.href || page === INDEX_URL) fallback = DEFAULT_MODULE;
  else if (PAGES.includes(name)) fallback = `modules/${name.slice(0, -5)}.json`;
  if (!fallback) return null;
  const module = url.searchParams.get('module') || fallback;
  if (!/^[^:/][^:]*\.(?:json|md)$/i.test(module) || module.split('/').includes('..')) return null;
  return new URL(module, page).href;
}

/** The answer when nothing is cached and the network fails: short, in both languages. */
function offline(request, error) {
  const id = 'Tidak ada koneksi, dan halaman ini belum tersimpan untuk dibuka tanpa koneksi. Sambungkan ke internet, lalu muat ulang.';
  const en = 'There is no connection, and this page has not been saved for offline use. Connect to the internet, then reload.';
  console.warn('Pelita offline:', request.url, String(error));
  if (request.mode === 'navigate') {
    const html =
      '<!doctype html><html lang="id"><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Pelita</title>' +
      `<main style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem"><p>${id}</p><p lang="en">${en}</p></main>`;
    return new Response(html, {
      status: 503,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  return new Response(`${id}\n${en}\n`, {
    status: 503,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}
