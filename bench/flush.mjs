// This script measures how the Pelita player flushes a large backlog from its durable
// outbox: 10,000 statements queued in IndexedDB are sent to the real local LRS
// (tests/support/lrs.mjs) through the logging proxy (tests/support/proxy.mjs), in
// headless Chromium. It reports the time from navigation start until the LRS holds all of
// them, statements per second, the number of requests and statements per request, the
// request times and the player's own time between requests, how busy the page's main
// thread was (long tasks, and how long a click on a radio button took to show while the
// flush ran), what the player asked of IndexedDB, and it checks that no statement was
// lost, sent twice or stored twice. It does this with the default batch (50) and with the
// launch parameter `batch_size=200`, three runs each (one when a run takes over a minute),
// then once each with a quarter and half of the backlog (how the time grows), and once
// with a V8 CPU profile (where the main thread's time goes). It rewrites only its own
// section of BENCHMARKS.md, between the markers `<!-- flush:start -->` and
// `<!-- flush:end -->` (appended if absent); bench/load.mjs owns the rest of the file.
//
// Each run: a fresh LRS, proxy and Chromium profile. The player is opened once with a
// launch through the proxy and the module is played to the end (so the database exists,
// the player has made every kind of statement, and no attempt is left to continue); the
// tab then leaves the player for a plain file of the same origin, copies of the
// statements the player made (each with a fresh UUID v4 id, a later timestamp and a later
// `seq`) are written into the `outbox` store as `queued`, and the player is opened again
// with the same launch: the measured visit. Before it, the script waits until other
// processes leave the machine mostly idle (at most 3 minutes), records how much CPU they
// took during the run, and runs it again if that was over 20% (at most 3 times per batch
// size).
//
// Usage: `cargo xtask dist` once, then `node bench/flush.mjs` (4 minutes on 2026-11-28; longer
// when the player is slow or the machine busy).
// Options: --count N (default 10000), --runs N (fixed number of runs per batch size),
// --batch 50,200 (batch sizes; 50 is the default and is sent without `batch_size`),
// --quick (leave out the smaller backlogs and the profiled run), --no-write (print the
// section instead of writing it), --profile (one profiled run only, printed), --dist DIR
// (serve that build; by default a copy of dist/ taken at the start, so that a rebuild
// during the benchmark cannot mix two builds). FLUSH_DEBUG=1 prints progress.

import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startLrs } from '../tests/support/lrs.mjs';
import { startProxy } from '../tests/support/proxy.mjs';
import { serveStatic } from '../tests/support/serve.mjs';
import { launchBrowser } from '../tests/support/browser.mjs';
import { validateStatements } from '../tests/support/validate.mjs';
import { distSnapshot, machine as describeMachine, sh, writeSection } from './machine.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const OUTPUT = path.join(ROOT, 'BENCHMARKS.md');
const MODULE = 'modules/phishing.json';
const MODULE_ID = 'https://pelita.example.org/modules/phishing';
const DEFAULT_BATCH = 50;
/** A run longer than this (navigation start to all stored) is done once, not three times. */
const LONG_RUN_MS = 60_000;
/** Give up on a run when no statement reached the LRS for this long. */
const STALL_MS = Number(process.env.FLUSH_STALL_MS) || 120_000;
/** Give up on a run after this long in any case. */
const RUN_LIMIT_MS = 20 * 60_000;
/** A run during which other processes took more than this share of the CPU is run again
 * (at most BUSY_RETRIES times per batch size). */
const BUSY_SHARE = 0.2;
const BUSY_RETRIES = 3;
/** The click on a radio happens once this share of the backlog is stored. */
const CLICK_AT = 0.3;

function parseArgs(argv) {
  const opts = { count: 10_000, runs: null, batches: [DEFAULT_BATCH, 200], write: true, profile: false, dist: DIST, scaling: true, profileRun: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.split('=')[1] : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a.startsWith('--count')) opts.count = Number(value());
    else if (a.startsWith('--runs')) opts.runs = Number(value());
    else if (a.startsWith('--batch')) opts.batches = value().split(',').map(Number);
    else if (a === '--no-write') opts.write = false;
    else if (a === '--quick') { opts.scaling = false; opts.profileRun = false; }
    else if (a.startsWith('--dist')) opts.dist = path.resolve(value());
    else if (a === '--profile') { opts.profile = true; opts.write = false; }
    else throw new Error(`unknown option ${a}`);
  }
  if (!(Number.isInteger(opts.count) && opts.count > 0)) throw new Error('--count must be a whole number > 0');
  if (opts.runs !== null && !(Number.isInteger(opts.runs) && opts.runs > 0)) throw new Error('--runs must be > 0');
  if (!opts.batches.every((b) => Number.isInteger(b) && b >= 1 && b <= 500)) throw new Error('--batch: 1 to 500');
  return opts;
}

// Runs in the page before any of its own scripts, on every navigation. It keeps, in
// window.__flush (performance.now() values, ms since navigation start): long tasks,
// slow input events (Event Timing), every click as it is dispatched, the sync
// indicator's `data-pending` whenever it changes, when the first question became
// interactive, and when the first question's "check answer" button became enabled (the
// player's own re-render after a choice) and the frame after that.
function flushProbe() {
  const f = (window.__flush = {
    longtasks: [], events: [], clicks: [], pending: [],
    interactive: null, enabled: null, enabledFrame: null, chosen: null,
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) f.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        f.events.push({
          name: e.name, startTime: e.startTime, processingStart: e.processingStart,
          processingEnd: e.processingEnd, duration: e.duration,
        });
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch {}
  // What the player asks of IndexedDB: puts (one per record written), read-write and
  // read-only transactions, and getAll calls (reads of a whole queue), with the time the
  // calls themselves took on the main thread.
  f.idb = { put: 0, putMs: 0, delete: 0, readwrite: 0, readonly: 0, getAll: 0, getAllMs: 0 };
  const originals = (window.__flushOriginal = {});
  const wrap = (proto, name, count) => {
    const original = proto[name];
    originals[name] = original;
    proto[name] = function (...args) {
      const t = performance.now();
      try { return original.apply(this, args); } finally { count(performance.now() - t, args); }
    };
  };
  const perRecord = new Map();
  const perTx = new Map();
  f.idbDetail = () => {
    const writes = [...perRecord.values()];
    const sizes = [...perTx.values()].sort((a, b) => a - b);
    return {
      records: writes.length,
      maxWrites: writes.reduce((a, b) => Math.max(a, b), 0),
      largestTx: sizes.length ? sizes[sizes.length - 1] : 0,
      medianTx: sizes.length ? sizes[Math.floor(sizes.length / 2)] : 0,
    };
  };
  wrap(IDBObjectStore.prototype, 'put', (ms, args) => {
    f.idb.put++;
    f.idb.putMs += ms;
    const id = args[0] && args[0].id;
    perRecord.set(id, (perRecord.get(id) || 0) + 1);
  });
  const originalPut = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    perTx.set(this.transaction, (perTx.get(this.transaction) || 0) + 1);
    return originalPut.apply(this, args);
  };
  wrap(IDBObjectStore.prototype, 'delete', () => { f.idb.delete++; });
  wrap(IDBIndex.prototype, 'getAll', (ms) => { f.idb.getAll++; f.idb.getAllMs += ms; });
  wrap(IDBDatabase.prototype, 'transaction', (ms, args) => { f.idb[args[1] === 'readwrite' ? 'readwrite' : 'readonly']++; });
  // How many read-write transactions were open at once (created, not yet complete).
  f.idb.openWrites = 0;
  f.idb.maxOpenWrites = 0;
  const counted = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (...args) {
    const tx = counted.apply(this, args);
    if (args[1] === 'readwrite') {
      f.idb.openWrites++;
      f.idb.maxOpenWrites = Math.max(f.idb.maxOpenWrites, f.idb.openWrites);
      let open = true;
      const done = () => { if (open) { open = false; f.idb.openWrites--; } };
      tx.addEventListener('complete', done);
      tx.addEventListener('abort', done);
    }
    return tx;
  };
  document.addEventListener('click', (e) => {
    f.clicks.push({ target: e.target && (e.target.id || e.target.htmlFor || e.target.tagName), timeStamp: e.timeStamp, dispatched: performance.now() });
  }, true);
  let lastPending;
  const check = () => {
    const sync = document.querySelector('.sync-state');
    const p = sync ? sync.getAttribute('data-pending') : null;
    if (p !== lastPending) {
      lastPending = p;
      f.pending.push([performance.now(), p === null ? null : Number(p)]);
    }
    if (f.interactive === null) {
      const input = document.getElementById('q-q-pin-true');
      if (input && !input.disabled && document.querySelector('#app .player')) f.interactive = performance.now();
    }
    if (f.chosen === null && document.querySelector('#q-q-pin .option.chosen')) f.chosen = performance.now();
    const button = document.querySelector('#q-q-pin button.primary');
    if (f.enabled === null && button && !button.disabled) {
      f.enabled = performance.now();
      requestAnimationFrame(() => { f.enabledFrame = performance.now(); });
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['data-pending', 'disabled', 'class'],
  });
}

/** The module's records in IndexedDB, in queue order: {id, seq, state, json}. */
function readOutbox(page) {
  return page.evaluate((outbox) => new Promise((resolve, reject) => {
    const open = indexedDB.open('pelita');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      // The page's own functions, not the probe's counting wrappers (see flushProbe).
      const o = window.__flushOriginal || {};
      const tx = (o.transaction || IDBDatabase.prototype.transaction).call(db, 'outbox');
      const get = (o.getAll || IDBIndex.prototype.getAll).call(tx.objectStore('outbox').index('queue'), IDBKeyRange.bound([outbox, -Infinity], [outbox, Infinity]));
      get.onsuccess = () => { db.close(); resolve(get.result.map((r) => ({ id: r.id, seq: r.seq, state: r.state, json: r.json }))); };
      get.onerror = () => { db.close(); reject(get.error); };
    };
  }), MODULE_ID);
}

/** Only the states, counted (cheaper to carry back than the records). */
function outboxStates(page) {
  return page.evaluate((outbox) => new Promise((resolve, reject) => {
    const open = indexedDB.open('pelita');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const o = window.__flushOriginal || {};
      const tx = (o.transaction || IDBDatabase.prototype.transaction).call(db, 'outbox');
      const get = (o.getAll || IDBIndex.prototype.getAll).call(tx.objectStore('outbox').index('queue'), IDBKeyRange.bound([outbox, -Infinity], [outbox, Infinity]));
      get.onsuccess = () => {
        db.close();
        const counts = {};
        for (const r of get.result) counts[r.state] = (counts[r.state] || 0) + 1;
        resolve({ total: get.result.length, counts });
      };
      get.onerror = () => { db.close(); reject(get.error); };
    };
  }), MODULE_ID);
}

/** Writes the records into the outbox store in one transaction. */
function plant(page, records) {
  return page.evaluate((records) => new Promise((resolve, reject) => {
    const open = indexedDB.open('pelita');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('outbox', 'readwrite');
      const store = tx.objectStore('outbox');
      for (const r of records) store.put(r);
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => { db.close(); reject(tx.error); };
      tx.onabort = () => { db.close(); reject(tx.error || new Error('aborted')); };
    };
  }), records);
}

async function waitUntil(fn, timeoutMs, what, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const debug = (...args) => { if (process.env.FLUSH_DEBUG) console.log(new Date().toISOString(), ...args); };

/** CPU time (ms) used so far by the whole machine and by this process with its
 * descendants (the LRS, Chromium), from /proc: what other processes took during a run
 * is the difference. Processes that exited in between are not counted, so take both
 * snapshots while the browser and the LRS are running. */
function cpuSnapshot() {
  const hz = 100; // USER_HZ on Linux
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields[7] || 0);
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(name), { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) });
    } catch {}
  }
  const ours = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of procs) if (!ours.has(pid) && ours.has(p.ppid)) { ours.add(pid); grew = true; }
  }
  let mine = 0;
  for (const pid of ours) mine += procs.get(pid)?.ticks ?? 0;
  return { at: Date.now(), busyMs: (busy * 1000) / hz, oursMs: (mine * 1000) / hz };
}

/** Share of all cores used by other processes between two snapshots (0..1), and ours. */
function cpuBetween(a, b) {
  const wall = (b.at - a.at) * os.cpus().length;
  const others = Math.max(0, b.busyMs - a.busyMs - (b.oursMs - a.oursMs));
  return { others: others / wall, ours: (b.oursMs - a.oursMs) / wall };
}

/** Waits (up to 3 min) until other processes leave the machine mostly idle, so that a
 * run does not measure someone else's build; returns the share they used at the end. */
async function waitForQuiet() {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const a = cpuSnapshot();
    await sleep(3_000);
    const { others } = cpuBetween(a, cpuSnapshot());
    if (others < 0.1 || Date.now() > deadline) return others;
    debug(`machine busy (${(others * 100).toFixed(0)}% of the cores used by others); waiting`);
  }
}

function median(values) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function quantile(values, q) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

function launchUrl(base, proxy, lrs, name, batch) {
  const url = new URL(base);
  const params = {
    module: MODULE,
    endpoint: proxy.endpoint(lrs.endpoint),
    auth: lrs.auth,
    actor: JSON.stringify({ objectType: 'Agent', name, mbox: `mailto:${name.toLowerCase()}@example.go.id` }),
    lang: 'en',
  };
  if (batch !== DEFAULT_BATCH) params.batch_size = String(batch);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Clicks the label of a radio by its coordinates (no Playwright actionability waits,
 * which would themselves wait for a busy page); resolves with the wall time of the click
 * and when the mouse-up was acknowledged. */
async function clickAt(page, box) {
  const before = Date.now();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  return { before, acked: Date.now() };
}

/** What the probe saw of one click on the q-pin radio (page times, ms). */
function clickReport(probe, clickWall, timeOrigin) {
  const sentAt = clickWall.before - timeOrigin; // when the bench asked for the click
  const click = probe.clicks.find((c) => c.dispatched >= sentAt - 5 && /q-q-pin-true/.test(String(c.target)));
  const slow = probe.events.filter((e) => e.startTime >= sentAt - 5 && /click|pointer|mouse/.test(e.name));
  const origin = click ? Math.min(click.timeStamp, sentAt) : sentAt;
  return {
    sentAt,
    ackMs: clickWall.acked - clickWall.before,
    dispatchDelayMs: click ? click.dispatched - click.timeStamp : null,
    // From the input event's own time stamp to the player's re-render (button enabled),
    // and to the frame after it, i.e. roughly when the learner sees the choice take effect.
    renderMs: probe.enabled !== null ? probe.enabled - origin : null,
    frameMs: probe.enabledFrame !== null ? probe.enabledFrame - origin : null,
    slowEvents: slow.map((e) => ({ name: e.name, inputDelay: e.processingStart - e.startTime, duration: e.duration })),
  };
}

/** A V8 CPU profile of the page's main thread (with --profile): where the flush spends
 * its time. The wasm has no name section, so wasm functions are only numbered; the
 * summary splits the time into wasm, JavaScript, garbage collection and the browser's own
 * work, and lists the busiest functions. */
const profiler = {
  cdp: null,
  async start(page) {
    this.cdp = await page.context().newCDPSession(page);
    await this.cdp.send('Profiler.enable');
    await this.cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await this.cdp.send('Profiler.start');
  },
  async stop() {
    const { profile } = await this.cdp.send('Profiler.stop');
    await this.cdp.detach().catch(() => {});
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
    const self = new Map();
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) || 0) + (profile.timeDeltas[i] || 0) / 1000));
    const kind = (n) => {
      const f = n.callFrame;
      if (['(idle)', '(program)', '(garbage collector)', '(root)'].includes(f.functionName)) return f.functionName;
      if (/\.wasm/.test(f.url) || /^(\$|wasm-function)/.test(f.functionName)) return 'wasm';
      if (f.url === '') return `native ${f.functionName}`;
      return 'javascript';
    };
    const kinds = {};
    const fns = new Map();
    let total = 0;
    for (const [id, ms] of self) {
      const n = byId.get(id);
      const k = kind(n);
      kinds[k] = (kinds[k] || 0) + ms;
      total += ms;
      const name = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? path.basename(n.callFrame.url) : ''}`.trim();
      fns.set(name, (fns.get(name) || 0) + ms);
    }
    // Time below each JS entry point that calls into wasm: which glue the work comes from.
    const entries = new Map();
    for (const [id, ms] of self) {
      let cur = id;
      let entry = null;
      while (cur !== undefined) {
        const n = byId.get(cur);
        if (kind(n) === 'javascript') entry = n.callFrame.functionName || '(anonymous)';
        cur = parent.get(cur);
      }
      if (entry && kind(byId.get(id)) === 'wasm') entries.set(entry, (entries.get(entry) || 0) + ms);
    }
    const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, ms]) => [name, Math.round(ms)]);
    return {
      totalMs: Math.round(total),
      kinds: Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, Math.round(v)]).sort((a, b) => b[1] - a[1])),
      top: top(fns, 15),
      wasmEntries: top(entries, 8),
    };
  },
};

/** After the first question: the rest of the example module, passing (as the e2e tests
 * play it). */
async function playRest(page) {
  const next = async () => {
    const before = await page.textContent('h1');
    await page.click('.nav button.primary');
    await page.waitForFunction((b) => document.querySelector('h1')?.textContent !== b, before, { timeout: 10_000 });
  };
  const answer = async (qid, ids) => {
    for (const id of ids) await page.click(`label[for="q-${qid}-${id}"]`);
    await page.click(`#q-${qid} button.primary`);
    await page.waitForSelector(`#q-${qid} .feedback .verdict`);
  };
  await next();
  await next();
  await answer('q-url', ['b']);
  await next();
  await next();
  await answer('q-signs', ['a', 'c', 'd']);
  await answer('q-attachment', ['true']);
  await answer('q-report', ['c']);
  await page.click('.nav .finish button');
  await page.waitForSelector('.result');
}

async function measure({ server, batch, count, runIndex, profile }) {
  const lrs = await startLrs({ username: 'pelita', password: 'flush-secret' });
  const proxy = await startProxy({ target: lrs.endpoint, stateApi: { auth: lrs.auth } });
  const browser = await launchBrowser();
  const result = { batch, runIndex, count };
  try {
    const { page } = browser;
    const problems = browser.watch(page);
    page.on('crash', () => console.log('the page crashed'));
    await page.addInitScript(flushProbe);
    const name = `Flush${batch}r${runIndex}`;
    const url = launchUrl(server.url, proxy, lrs, name, batch);

    debug(`batch ${batch}, ${count} statements, run ${runIndex}: first visit`);
    // First visit: the database exists, the player made real statements, and a click on
    // the radio while idle gives the reference for the click during the flush.
    await page.goto(url);
    await page.waitForSelector('#q-q-pin-true:not([disabled])', { timeout: 30_000 });
    await waitUntil(async () => (await outboxStates(page)).counts.sent >= 2, 20_000, 'the first statements to be delivered');
    const idleBox = await page.locator('label[for="q-q-pin-true"]').boundingBox();
    const idleTimeOrigin = await page.evaluate(() => performance.timeOrigin);
    const idleWall = await clickAt(page, idleBox);
    await page.waitForFunction(() => window.__flush.enabledFrame !== null, null, { timeout: 10_000 });
    result.idleClick = clickReport(await page.evaluate(() => window.__flush), idleWall, idleTimeOrigin);
    await page.click('#q-q-pin button.primary');
    await page.waitForSelector('#q-q-pin .feedback .verdict');
    // Play the module to the end, so that the player has made every kind of statement
    // and no attempt is left to continue (the measured visit starts a new one).
    await playRest(page);
    await page.waitForFunction(() => document.querySelector('.sync-state')?.getAttribute('data-pending') === '0', null, { timeout: 20_000 });
    const first = await readOutbox(page);
    if (first.length === 0 || first.some((r) => r.state !== 'sent')) {
      throw new Error(`first visit not delivered: ${JSON.stringify(first.map((r) => r.state))}`);
    }
    const firstStored = await lrs.statements({ limit: 1000 });
    result.firstVisit = { made: first.length, stored: firstStored.length };

    debug('first visit done; planting');
    // The backlog: copies of the statements the player made, in turn, each with a fresh
    // id, a timestamp 1 ms after the previous one, and a seq just after the first visit's
    // last (so the measured visit's own statements queue behind the backlog).
    const templates = first.map((r) => JSON.parse(r.json));
    const lastSeq = Math.max(...first.map((r) => r.seq));
    const baseTime = Date.parse(templates[0].timestamp) || Date.now();
    const records = [];
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const statement = { ...templates[i % templates.length], id, timestamp: new Date(baseTime + i + 1).toISOString() };
      const json = JSON.stringify(statement);
      bytes += json.length;
      records.push({ id, outbox: MODULE_ID, seq: lastSeq + (i + 1) / 1000, state: 'queued', status: 0, reason: '', json });
    }
    result.templates = templates.map((t) => t.verb.id.split('/').pop());
    result.templateStatements = templates;
    result.meanBytes = bytes / count;
    const invalidTemplates = validateStatements(templates.map((t) => ({ ...t, id: randomUUID() })));
    if (invalidTemplates.length) throw new Error(`template statements invalid: ${JSON.stringify(invalidTemplates)}`);
    const planted = new Set(records.map((r) => r.id));
    const plantedOrder = new Map(records.map((r, i) => [r.id, i]));

    // Leave the player (a plain file of the same origin), plant, check.
    await page.goto(new URL(MODULE, server.url).href);
    const plantStarted = Date.now();
    await plant(page, records);
    result.plantMs = Date.now() - plantStarted;
    const check = await outboxStates(page);
    if (check.counts.queued !== count) throw new Error(`planted ${count}, IndexedDB holds ${JSON.stringify(check)}`);
    records.length = 0;

    debug('planted; measured visit');
    // The measured visit.
    const logStart = proxy.log.length;
    problems.length = 0;
    result.quietBefore = await waitForQuiet();
    const cpuStart = cpuSnapshot();
    const wallStart = Date.now();
    if (profile) await profiler.start(page);
    await page.goto(url, { waitUntil: 'commit' });
    const timeOrigin = await page.evaluate(() => performance.timeOrigin);
    result.gotoCommitMs = Date.now() - timeOrigin;

    const delivered = new Set();
    let lastEnd = null;
    let lastProgress = Date.now();
    let clickBox = null;
    let clickWall = null;
    let clickProgress = null;
    const progressSeen = []; // [ms since navigation start, stored count], from the proxy
    let flushDone = false;
    const clicker = (async () => {
      await page.waitForSelector('#q-q-pin-true:not([disabled])', { timeout: RUN_LIMIT_MS });
      while (delivered.size < count * CLICK_AT && !flushDone) await sleep(20);
      if (flushDone || delivered.size >= count) return; // too late to be "during" the flush
      // Where the label is now (the page may have moved it since it appeared).
      clickBox = await page.locator('label[for="q-q-pin-true"]').boundingBox();
      clickProgress = delivered.size;
      clickWall = await clickAt(page, clickBox);
    })();
    clicker.catch(() => {});
    let seen = logStart;
    while (delivered.size < count) {
      for (let i = seen; i < proxy.log.length; i++) {
        const e = proxy.log[i];
        if (!e.done) break;
        seen = i + 1;
        if (e.method !== 'POST' || !(e.status >= 200 && e.status < 300)) continue;
        let added = 0;
        for (const id of e.ids) if (planted.has(id) && !delivered.has(id)) { delivered.add(id); added++; }
        if (added) {
          lastEnd = Math.max(lastEnd ?? 0, e.time + e.durationMs);
          lastProgress = Date.now();
          progressSeen.push([e.time + e.durationMs - timeOrigin, delivered.size]);
        }
      }
      if (Date.now() - lastProgress > STALL_MS) {
        if (process.env.FLUSH_DEBUG) {
          debug(proxy.describe().split('\n').slice(-20).join('\n'));
          await page.screenshot({ path: path.join(os.tmpdir(), 'flush-stall.png'), timeout: 5000 }).catch((e) => debug('screenshot', e.message));
        }
        throw new Error(`stalled: ${delivered.size} of ${count} stored, nothing new for ${STALL_MS / 1000} s`);
      }
      if (Date.now() - wallStart > RUN_LIMIT_MS) throw new Error(`gave up after ${RUN_LIMIT_MS / 1000} s: ${delivered.size} of ${count} stored`);
      await sleep(50);
    }
    result.totalMs = lastEnd - timeOrigin;
    result.cpu = cpuBetween(cpuStart, cpuSnapshot());
    flushDone = true;
    if (profile) result.profile = await profiler.stop(timeOrigin, lastEnd);
    // A click under way finishes; one that never started (no question shown) is left.
    await Promise.race([clicker, sleep(5_000)]);

    debug('all stored');
    // After the backlog: the indicator, then IndexedDB.
    await page.waitForFunction(() => document.querySelector('.sync-state')?.getAttribute('data-pending') === '0', null, { timeout: 180_000 });
    const idbStarted = Date.now();
    const idb = await waitUntil(async () => {
      const s = await outboxStates(page);
      return s.counts.queued ? null : s;
    }, 180_000, 'every IndexedDB record to be sent', 250);
    result.idbAllSentMs = Date.now() - timeOrigin; // an upper bound (polled every 250 ms)
    result.idbWaitMs = Date.now() - idbStarted;
    result.idb = idb;
    const probe = await page.evaluate(() => window.__flush);
    result.problems = [...problems];

    debug('idb all sent');
    // Requests of the measured visit.
    const log = proxy.log.slice(logStart).filter((e) => e.done);
    const posts = log.filter((e) => e.method === 'POST');
    const options = log.filter((e) => e.method === 'OPTIONS');
    const statuses = {};
    for (const p of posts) statuses[p.status] = (statuses[p.status] || 0) + 1;
    const sends = new Map();
    for (const p of posts) for (const id of p.ids) sends.set(id, (sends.get(id) || 0) + 1);
    const flushPosts = posts.filter((p) => p.time + p.durationMs <= lastEnd);
    const plantedPosts = flushPosts.filter((p) => p.ids.some((id) => planted.has(id)));
    const sizes = plantedPosts.map((p) => p.ids.length);
    const durations = plantedPosts.map((p) => p.durationMs);
    const gaps = [];
    for (let i = 1; i < plantedPosts.length; i++) {
      gaps.push(plantedPosts[i].time - (plantedPosts[i - 1].time + plantedPosts[i - 1].durationMs));
    }
    // Order: the planted ids, in the order the LRS received them, against queue order.
    const sentOrder = plantedPosts.flatMap((p) => p.ids.filter((id) => planted.has(id)));
    let inOrder = sentOrder.length === count;
    for (let i = 1; inOrder && i < sentOrder.length; i++) {
      if (plantedOrder.get(sentOrder[i]) < plantedOrder.get(sentOrder[i - 1])) inOrder = false;
    }
    // Throughput per tenth of the backlog, from the proxy's completion times.
    const tenths = [];
    let prev = [plantedPosts.length ? plantedPosts[0].time - timeOrigin : 0, 0];
    for (let k = 1; k <= 10; k++) {
      const target = Math.ceil((count * k) / 10);
      const at = progressSeen.find(([, n]) => n >= target);
      if (!at) break;
      tenths.push(((at[1] - prev[1]) / (at[0] - prev[0])) * 1000);
      prev = at;
    }
    const firstPost = plantedPosts[0];
    const firstAnyPost = posts[0];
    result.requests = {
      posts: posts.length,
      flushPosts: plantedPosts.length,
      options: options.length,
      other: log.length - posts.length - options.length,
      statuses,
      perRequest: { mean: count / plantedPosts.length, min: Math.min(...sizes), median: median(sizes), max: Math.max(...sizes) },
      durationMs: { median: median(durations), p90: quantile(durations, 0.9), max: Math.max(...durations) },
      gapMs: {
        median: median(gaps), p90: quantile(gaps, 0.9), max: Math.max(...gaps),
        firstTenth: median(gaps.slice(0, Math.max(1, Math.floor(gaps.length / 10)))),
        lastTenth: median(gaps.slice(-Math.max(1, Math.floor(gaps.length / 10)))),
      },
      resent: [...sends.values()].filter((n) => n > 1).length,
      inOrder,
      firstPostMs: firstAnyPost ? firstAnyPost.time - timeOrigin : null,
      firstPlantedPostMs: firstPost ? firstPost.time - timeOrigin : null,
      tenths,
    };
    result.idbCalls = { ...probe.idb, ...(await page.evaluate(() => window.__flush.idbDetail())) };
    result.interactiveMs = probe.interactive;
    // The sync indicator: when it first showed the whole backlog waiting (the stored
    // outbox was read back), and when it next said nothing was waiting.
    const shown = probe.pending.findIndex(([, p]) => p !== null && p >= count);
    result.backlogShownMs = shown >= 0 ? probe.pending[shown][0] : null;
    const zero = shown >= 0 ? probe.pending.slice(shown).find(([, p]) => p === 0) : null;
    result.zeroPendingMs = zero ? zero[0] : null;
    // Long tasks between navigation start and the moment the LRS had everything.
    const during = probe.longtasks.filter(([s]) => s <= result.totalMs);
    result.longtasks = {
      count: during.length,
      totalMs: during.reduce((a, [, d]) => a + d, 0),
      maxMs: during.reduce((a, [, d]) => Math.max(a, d), 0),
      afterInteractive: during.filter(([s]) => probe.interactive !== null && s >= probe.interactive),
      beforeInteractiveMs: during.filter(([s]) => probe.interactive === null || s < probe.interactive).reduce((a, [, d]) => a + d, 0),
      top: [...during].sort((a, b) => b[1] - a[1]).slice(0, 5),
    };
    const after = result.longtasks.afterInteractive;
    result.longtasks.afterInteractive = {
      count: after.length,
      totalMs: after.reduce((a, [, d]) => a + d, 0),
      maxMs: after.reduce((a, [, d]) => Math.max(a, d), 0),
    };
    result.click = clickWall ? { ...clickReport(probe, clickWall, timeOrigin), progress: clickProgress } : null;
    result.clickChecked = await page.isChecked('#q-q-pin-true');

    // The LRS: exactly the statements IndexedDB holds, each once, all valid.
    const stored = await lrs.statements({ limit: 100_000 });
    const all = await readOutbox(page);
    const storedIds = stored.map((s) => s.id);
    const storedSet = new Set(storedIds);
    const idbIds = new Set(all.map((r) => r.id));
    result.lrs = {
      total: stored.length,
      unique: storedSet.size,
      expected: idbIds.size,
      plantedStored: [...planted].filter((id) => storedSet.has(id)).length,
      missing: [...idbIds].filter((id) => !storedSet.has(id)).length,
      unexpected: storedIds.filter((id) => !idbIds.has(id)).length,
      invalid: validateStatements(stored.map(({ stored: _s, authority: _a, version: _v, ...s }) => s)).length,
      visitMade: all.filter((r) => !planted.has(r.id)).length - first.length,
    };
    result.wallSeconds = (Date.now() - wallStart) / 1000;
    return result;
  } finally {
    await browser.close().catch(() => {});
    await proxy.close().catch(() => {});
    await lrs.stop().catch(() => {});
  }
}

/** Statements like the planted ones POSTed from Node through the proxy, one request at a
 * time: what the LRS alone manages on this machine, for comparison. */
async function lrsAlone({ batch, count, templates }) {
  const lrs = await startLrs({ username: 'pelita', password: 'flush-secret' });
  const proxy = await startProxy({ target: lrs.endpoint });
  try {
    const base = Date.now();
    const statements = Array.from({ length: count }, (_, i) => ({
      ...templates[i % templates.length], id: randomUUID(), timestamp: new Date(base + i).toISOString(),
    }));
    const url = proxy.endpoint(lrs.endpoint) + 'statements';
    const started = Date.now();
    const durations = [];
    for (let i = 0; i < count; i += batch) {
      const t = Date.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...lrs.headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(statements.slice(i, i + batch)),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`LRS answered ${res.status}`);
      durations.push(Date.now() - t);
    }
    const ms = Date.now() - started;
    return { ms, perSecond: (count / ms) * 1000, requests: durations.length, medianMs: median(durations) };
  } finally {
    await proxy.close().catch(() => {});
    await lrs.stop().catch(() => {});
  }
}

function machine() {
  return {
    ...describeMachine(),
    commit: sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
    dirty: sh('git', ['-C', ROOT, 'status', '--porcelain', '--', 'crates', 'xtask', 'index.html', 'www']) !== '',
  };
}


const fmtInt = (n) => (n === null || n === undefined || Number.isNaN(n) ? '?' : Math.round(n).toLocaleString('en-US'));
const fmt1 = (n) => (n === null || n === undefined || Number.isNaN(n) ? '?' : n.toFixed(1));
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

function summarise(runs) {
  const pick = (f) => median(runs.map(f).filter((v) => typeof v === 'number' && !Number.isNaN(v)));
  return {
    totalMs: pick((r) => r.totalMs),
    perSecond: pick((r) => (r.count / r.totalMs) * 1000),
    flushPosts: pick((r) => r.requests.flushPosts),
    options: pick((r) => r.requests.options),
    perRequest: pick((r) => r.requests.perRequest.mean),
    durationMs: pick((r) => r.requests.durationMs.median),
    gapMs: pick((r) => r.requests.gapMs.median),
    interactiveMs: pick((r) => r.interactiveMs),
    firstPlantedPostMs: pick((r) => r.requests.firstPlantedPostMs),
    zeroPendingMs: pick((r) => r.zeroPendingMs),
    backlogShownMs: pick((r) => r.backlogShownMs),
    putsPerStatement: pick((r) => r.idbCalls.put / Math.max(1, r.idbCalls.records)),
    clickFrameMs: pick((r) => r.click?.frameMs ?? NaN),
    idleClickFrameMs: pick((r) => r.idleClick?.frameMs ?? NaN),
    longMax: pick((r) => r.longtasks.maxMs),
    longTotal: pick((r) => r.longtasks.totalMs),
    longShare: pick((r) => r.longtasks.totalMs / r.totalMs),
  };
}

function render({ all, scaling, profiled, alone }, m, opts, dist, distChanged, seconds) {
  const L = [];
  const ref = all[0]?.runs[0];
  const batchName = (b) => (b === DEFAULT_BATCH ? `${b} (default)` : `${b} (\`batch_size=${b}\`)`);
  L.push('<!-- This section is written by bench/flush.mjs, which rewrites only what lies between the flush markers; the rest of this file belongs to bench/load.mjs. -->');
  L.push('');
  L.push(`## Outbox flush (${fmtInt(opts.count)} statements)`);
  L.push('');
  L.push(`Measured ${m.date}: ${m.cpu}, ${m.cores} cores per \`nproc\`, ${m.memory}, ${m.os}, ${m.chromium} (headless, playwright-core), Node ${m.node}.`);
  L.push(`Player: commit ${m.commit}${m.dirty ? ' plus uncommitted changes' : ''}, \`dist/\` built ${dist.built} (\`${dist.name}\`).`);
  L.push(`Rerun: \`node bench/flush.mjs\` after \`cargo xtask dist\` (${Math.ceil(seconds / 60)} min this time; it serves a copy of \`dist/\`, so a rebuild meanwhile does not mix builds).`);
  L.push('');
  L.push('### What is measured');
  L.push('');
  L.push(`${fmtInt(opts.count)} valid statements are written straight into the player's IndexedDB outbox as \`queued\` records of`);
  L.push(`\`${MODULE_ID}\`: copies, in turn, of the ${ref?.templates.length ?? '?'} statements the player made when the module was played`);
  L.push(`through once (${ref ? [...new Set(ref.templates)].join(', ') : '?'}; ${fmtInt(ref?.meanBytes)} bytes of JSON each on average), each with a`);
  L.push('fresh UUID v4 id, a later timestamp and a later `seq`. Then the player is opened again with a launch (endpoint, auth, actor,');
  L.push('`lang=en`) pointing at `tests/support/proxy.mjs` in front of the real LRS (`tests/support/lrs.mjs`, Learning Locker\'s');
  L.push('`xapi-statements` in memory), all on 127.0.0.1; every run has a fresh LRS, proxy and Chromium profile.');
  L.push('');
  L.push('- **Total**: from navigation start (`performance.timeOrigin`) until the proxy relayed the LRS\'s 200 for the last planted');
  L.push('  statement. Statements/s = count / total.');
  L.push('- **POST requests**, **statements/request**: the POSTs to `/statements` that carried planted statements, as the proxy saw');
  L.push('  them; **POST time**: from a POST\'s arrival at the proxy to the end of its answer (the LRS\'s work included); **gap**: from');
  L.push('  the end of one answer to the arrival of the next POST, i.e. the player\'s own work between batches (plus a CORS preflight');
  L.push('  now and then; the LRS sends no `Access-Control-Max-Age`, so Chromium repeats the preflight every 5 s).');
  L.push('- **Backlog shown as waiting**: when the sync indicator first counted the whole backlog (the player had read its');
  L.push('  stored outbox back); **"All saved" shown**: when it next counted nothing waiting.');
  L.push('- **IndexedDB writes per statement**: `put` calls the player made during the measured visit divided by the records it');
  L.push('  wrote (counted by wrapping `IDBObjectStore.prototype.put` in the page); 1 means each statement\'s `sent` state was');
  L.push('  written once.');
  L.push('- **Long tasks**: main-thread tasks over 50 ms (Long Tasks API) between navigation start and the end of the flush.');
  L.push(`- **Click**: a real mouse click on the first question's "true" label once ${CLICK_AT * 100}% of the backlog is stored, timed from`);
  L.push('  the input event\'s time stamp to the animation frame after the player\'s re-render enabled "Check answer"; **idle** is the');
  L.push('  same click on the first visit, with nothing to send.');
  L.push('- **Other processes**: the share of both cores used by processes other than this benchmark, its LRS and its Chromium');
  L.push('  during the measured visit (from `/proc`). The benchmark waits for a quiet machine before each run (up to 3 minutes),');
  L.push(`  and runs again a run in which others took more than ${BUSY_SHARE * 100}% (at most ${BUSY_RETRIES} times per batch size).`);
  L.push('- Checks after every run: the LRS holds exactly the ids IndexedDB holds (first visit + backlog + the statements of the');
  L.push('  measured visit), each once; every stored statement passes `@learninglocker/xapi-validation`; no statement id was POSTed');
  L.push('  twice; the backlog reached the LRS in queue order; IndexedDB ends with every record `sent`.');
  L.push('');
  L.push('### Results');
  L.push('');
  L.push('| Batch | Runs | Total, median (all runs) | Statements/s | POST requests | Statements/request | POST time, median | Gap, median | Preflights | IndexedDB writes per statement | Other processes\' CPU |');
  L.push('|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|');
  for (const { batch, runs, summary: s } of all) {
    L.push(
      `| ${batchName(batch)} | ${runs.length} | ${secs(s.totalMs)} (${runs.map((r) => (r.totalMs / 1000).toFixed(1)).join(', ')}) | ${fmtInt(s.perSecond)} | ` +
        `${fmtInt(s.flushPosts)} | ${fmt1(s.perRequest)} | ${fmtInt(s.durationMs)} ms | ${fmtInt(s.gapMs)} ms | ${fmtInt(s.options)} | ` +
        `${runs.map((r) => fmt1(r.idbCalls.put / Math.max(1, r.idbCalls.records))).join(', ')} | ` +
        `${runs.map((r) => `${fmtInt(r.cpu.others * 100)}%`).join(', ')} |`,
    );
  }
  L.push('');
  L.push('| Batch | Question interactive | Backlog shown as waiting | First backlog POST | "All saved" shown | Main thread in long tasks | Longest long task | Click during flush | Click idle |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { batch, summary: s } of all) {
    L.push(
      `| ${batch} | ${fmtInt(s.interactiveMs)} ms | ${fmtInt(s.backlogShownMs)} ms | ${fmtInt(s.firstPlantedPostMs)} ms | ${secs(s.zeroPendingMs)} | ` +
        `${secs(s.longTotal)} (${fmtInt(s.longShare * 100)}% of the total) | ${fmtInt(s.longMax)} ms | ${fmtInt(s.clickFrameMs)} ms | ${fmtInt(s.idleClickFrameMs)} ms |`,
    );
  }
  L.push('');
  if (alone.length) {
    L.push(
      'The LRS alone (Node POSTing as many statements like the planted ones through the proxy, one request at a time, no browser): ' +
        alone.map((a) => `${fmtInt(a.perSecond)} statements/s in batches of ${a.batch} (median request ${fmtInt(a.medianMs)} ms)`).join('; ') + '.',
    );
    L.push('');
  }
  if (scaling.length) {
    L.push(`How the time grows with the backlog (default batch, one run each; the ${fmtInt(opts.count)} row is the median run above):`);
    L.push('');
    L.push('| Backlog | Total | Statements/s | Gap, median | Gap, first tenth of the POSTs | Gap, last tenth | IndexedDB writes per statement | Longest long task |');
    L.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of scaling) {
      const q = r.requests;
      L.push(
        `| ${fmtInt(r.count)} | ${secs(r.totalMs)} | ${fmtInt((r.count / r.totalMs) * 1000)} | ${fmtInt(q.gapMs.median)} ms | ` +
          `${fmtInt(q.gapMs.firstTenth)} ms | ${fmtInt(q.gapMs.lastTenth)} ms | ${fmt1(r.idbCalls.put / Math.max(1, r.idbCalls.records))} | ${fmtInt(r.longtasks.maxMs)} ms |`,
      );
    }
    L.push('');
  }
  if (profiled) {
    const p = profiled.profile;
    const k = p.kinds;
    const share = (v) => `${fmtInt(((v || 0) / p.totalMs) * 100)}%`;
    const js = Object.entries(k).filter(([name]) => !['wasm', '(idle)', '(program)', '(garbage collector)'].includes(name)).reduce((a, [, v]) => a + v, 0);
    const wasmTop = p.top.filter(([name]) => /^wasm-function/.test(name)).slice(0, 4);
    L.push(
      `Where the page's main thread spent the flush (one extra run at the default batch with a V8 CPU profile, \`--profile\`;` +
        ` profiling slows it: ${secs(profiled.totalMs)}): ${secs(p.totalMs)} sampled, of which wasm ${share(k.wasm)}, JavaScript and browser APIs` +
        ` ${share(js)} (IndexedDB \`put\` ${share(k['native put'])}, \`fetch\` ${share(k['native fetch'])}), garbage collection ${share(k['(garbage collector)'])},` +
        ` other browser work ${share(k['(program)'])}, idle ${share(k['(idle)'])}. The four busiest wasm functions (the build has no names)` +
        ` took ${wasmTop.map(([, ms]) => share(ms)).join(', ')}.`,
    );
    L.push('');
  }
  L.push('### Per run');
  L.push('');
  L.push('Statements per second for each tenth of the backlog (first to last), the main thread\'s longest tasks (start in ms after');
  L.push('navigation start: duration), what the player asked of IndexedDB during the measured visit, and the checks.');
  L.push('');
  L.push('```');
  for (const r of [...all.flatMap((c) => c.runs), ...scaling.filter((r) => r.count !== opts.count)]) {
    const q = r.requests;
    L.push(
      `batch ${r.batch}, ${fmtInt(r.count)} statements, run ${r.runIndex}: total ${secs(r.totalMs)}, ${q.flushPosts} POSTs (${q.perRequest.min}-${q.perRequest.max} statements each), ` +
        `POST ${fmtInt(q.durationMs.median)}/${fmtInt(q.durationMs.p90)}/${fmtInt(q.durationMs.max)} ms (median/p90/max), ` +
        `gap ${fmtInt(q.gapMs.median)}/${fmtInt(q.gapMs.p90)}/${fmtInt(q.gapMs.max)} ms (first tenth ${fmtInt(q.gapMs.firstTenth)}, last tenth ${fmtInt(q.gapMs.lastTenth)})`,
    );
    L.push(`  per tenth: ${q.tenths.map((t) => fmtInt(t)).join(' ')} statements/s`);
    L.push(
      `  long tasks: ${r.longtasks.count}, ${fmtInt(r.longtasks.totalMs)} ms in all; longest ${r.longtasks.top.map(([st, d]) => `${fmtInt(st)}: ${fmtInt(d)}`).join(', ')} ms`,
    );
    const c = r.idbCalls;
    L.push(
      `  IndexedDB: ${fmtInt(c.put)} puts (${fmtInt(c.putMs)} ms in the calls), ${fmtInt(c.readwrite)} read-write and ${fmtInt(c.readonly)} read-only transactions, ` +
        `${fmtInt(c.getAll)} whole-queue reads (${fmtInt(c.getAllMs)} ms), ${fmtInt(c.delete)} deletes; ${fmtInt(c.records)} records written, ` +
        `${fmt1(c.put / Math.max(1, c.records))} times each on average, at most ${fmtInt(c.maxWrites)} times; ` +
        `puts per read-write transaction: median ${fmtInt(c.medianTx)}, largest ${fmtInt(c.largestTx)}; at most ${c.maxOpenWrites} read-write transactions open at once`,
    );
    if (r.click) {
      L.push(
        `  click at ${fmtInt(r.click.progress)} stored: shown after ${fmtInt(r.click.frameMs)} ms (handler ran ${fmtInt(r.click.dispatchDelayMs)} ms after the input, ` +
          `radio checked: ${r.clickChecked}); idle ${fmtInt(r.idleClick?.frameMs)} ms`,
      );
    }
    L.push(
      `  checks: LRS ${fmtInt(r.lrs.total)} statements, ${fmtInt(r.lrs.unique)} ids = ${r.firstVisit.stored} first visit + ${fmtInt(r.lrs.plantedStored)} planted + ` +
        `${r.lrs.visitMade} made on this visit; missing ${r.lrs.missing}, unexpected ${r.lrs.unexpected}, invalid ${r.lrs.invalid}; POSTed twice ${q.resent}; ` +
        `queue order ${q.inOrder ? 'kept' : 'NOT kept'}; answers ${Object.entries(q.statuses).map(([st, n]) => `${n}× ${st}`).join(', ')}; IndexedDB ${Object.entries(r.idb.counts).map(([st, n]) => `${fmtInt(n)} ${st}`).join(', ')}; ` +
        `other processes ${fmtInt(r.cpu.others * 100)}% of the CPU`,
    );
  }
  L.push('```');
  L.push('');
  const allRuns = [...all.flatMap((c) => c.runs), ...scaling];
  const notes = [];
  const problems = allRuns.flatMap((r) => r.problems).filter((p) => !/status of 404/.test(p.text));
  if (problems.length) notes.push(`The page logged ${problems.length} console or page error(s), e.g. \`${problems[0].text.slice(0, 200)}\`.`);
  const bad = allRuns.filter((r) => r.lrs.missing || r.lrs.unexpected || r.lrs.invalid || r.requests.resent || !r.requests.inOrder || r.lrs.total !== r.lrs.unique || r.idb.counts.queued);
  notes.push(bad.length ? `**${bad.length} run(s) failed a check: see the per-run lines.**` : 'Every check passed in every run: nothing lost, nothing sent or stored twice, queue order kept.');
  const discarded = all.reduce((n, c) => n + c.discarded.length, 0);
  if (discarded) notes.push(`${discarded} run(s) were run again because other processes took over ${BUSY_SHARE * 100}% of the CPU during them (not shown).`);
  const busy = allRuns.filter((r) => r.cpu.others > 0.15);
  if (busy.length) notes.push(`In ${busy.length} run(s) other processes used more than 15% of the CPU; those numbers are slower than an idle machine would give.`);
  if (distChanged) notes.push('**Warning: `dist/` changed while it was being copied (a rebuild?); rerun.**');
  const long = all.filter((c) => c.runs.length === 1 && c.runs[0].totalMs > LONG_RUN_MS);
  if (long.length) notes.push(`One run only for batch ${long.map((c) => c.batch).join(' and ')}: the first took over ${LONG_RUN_MS / 1000} s.`);
  notes.push(`This benchmark took ${Math.round(seconds)} s in total.`);
  for (const n of notes) L.push(`- ${n}`);
  return L.join('\n');
}

function describeRun(r) {
  const q = r.requests;
  return (
    `total ${secs(r.totalMs)} = ${fmtInt((r.count / r.totalMs) * 1000)} statements/s; ${q.flushPosts} POSTs ` +
    `(${fmt1(q.perRequest.mean)} per request), ${q.options} preflights, POST median ${fmtInt(q.durationMs.median)} ms, ` +
    `gap median ${fmtInt(q.gapMs.median)} ms (first tenth ${fmtInt(q.gapMs.firstTenth)}, last ${fmtInt(q.gapMs.lastTenth)}); ` +
    `interactive ${fmtInt(r.interactiveMs)} ms, first backlog POST ${fmtInt(q.firstPlantedPostMs)} ms; ` +
    `long tasks ${fmtInt(r.longtasks.totalMs)} ms, longest ${fmtInt(r.longtasks.maxMs)} ms; click ${fmtInt(r.click?.frameMs)} ms (idle ${fmtInt(r.idleClick?.frameMs)} ms); ` +
    `LRS ${r.lrs.total}/${r.lrs.expected}, missing ${r.lrs.missing}, POSTed twice ${q.resent}, in order ${q.inOrder}; ` +
    `other processes ${fmtInt(r.cpu.others * 100)}% of the CPU (run took ${fmt1(r.wallSeconds)} s)`
  );
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const DIST = opts.dist;
  if (!existsSync(path.join(DIST, 'index.html')) || !existsSync(path.join(DIST, MODULE))) {
    console.error('dist/ is missing or incomplete: run `cargo xtask dist` first.');
    process.exit(1);
  }
  const started = Date.now();
  // The commit and working tree as the build was copied (the date is taken at the end).
  const m = machine();
  const distBefore = distSnapshot(DIST);
  const distName = readdirSync(DIST).find((f) => f.endsWith('.wasm')) ?? '?';
  const distBuilt = statSync(path.join(DIST, distName)).mtime.toISOString().replace(/\.\d+Z$/, 'Z');
  // Serve a copy, so that a rebuild of dist/ during the benchmark cannot mix two builds.
  const served = mkdtempSync(path.join(os.tmpdir(), 'pelita-flush-dist-'));
  cpSync(DIST, served, { recursive: true, preserveTimestamps: true });
  const distChanged = distSnapshot(DIST) !== distBefore;
  const server = await serveStatic({ root: served, port: 0 });
  const all = [];
  const alone = [];
  const scaling = [];
  let profiled = null;
  try {
    if (opts.profile) {
      const r = await measure({ server, batch: opts.batches[0], count: opts.count, runIndex: 1, profile: true });
      console.log(JSON.stringify(r.profile, null, 1));
      console.log(`profiled: ${describeRun(r)}`);
      return;
    }
    for (const batch of opts.batches) {
      const runs = [];
      let planned = opts.runs ?? 3;
      let retries = BUSY_RETRIES;
      const discarded = [];
      for (let i = 1; i <= planned; i++) {
        const r = await measure({ server, batch, count: opts.count, runIndex: i });
        console.log(`batch ${batch} run ${i}: ${describeRun(r)}`);
        if (r.cpu.others > BUSY_SHARE && retries > 0) {
          // Someone else's build or tests took a good part of the CPU: run it again.
          retries--;
          discarded.push(r);
          i--;
          continue;
        }
        runs.push(r);
        if (opts.runs === null && i === 1 && r.totalMs > LONG_RUN_MS) planned = 1;
      }
      all.push({ batch, runs, discarded, summary: summarise(runs) });
      const a = await lrsAlone({ batch, count: opts.count, templates: runs[0].templateStatements });
      alone.push({ batch, ...a });
      console.log(`LRS alone, batches of ${batch}: ${fmtInt(a.perSecond)} statements/s, median request ${fmtInt(a.medianMs)} ms`);
    }
    if (opts.scaling && opts.batches.includes(DEFAULT_BATCH)) {
      for (const n of [Math.round(opts.count / 4), Math.round(opts.count / 2)]) {
        const r = await measure({ server, batch: DEFAULT_BATCH, count: n, runIndex: 1 });
        scaling.push(r);
        console.log(`scaling, ${n} statements: ${describeRun(r)}`);
      }
      const main = all.find((c) => c.batch === DEFAULT_BATCH).runs;
      scaling.push([...main].sort((a, b) => a.totalMs - b.totalMs)[Math.floor((main.length - 1) / 2)]);
    }
    if (opts.profileRun) {
      profiled = await measure({ server, batch: DEFAULT_BATCH, count: opts.count, runIndex: 1, profile: true });
      console.log(`profiled run: ${describeRun(profiled)}`);
      console.log(JSON.stringify(profiled.profile));
    }
  } finally {
    await server.close();
    rmSync(served, { recursive: true, force: true });
  }
  if (distChanged) console.log('WARNING: dist/ changed while it was being copied (a rebuild?); rerun it.');
  const seconds = (Date.now() - started) / 1000;
  m.date = sh('date', ['-u']);
  const text = render({ all, scaling, profiled, alone }, m, opts, { name: distName, built: distBuilt }, distChanged, seconds);
  if (opts.write) {
    writeSection(OUTPUT, 'flush', text);
    console.log(`Wrote the flush section of ${path.relative(process.cwd(), OUTPUT) || OUTPUT} (${Math.round(seconds)} s).`);
  } else {
    console.log(text);
  }
}

await main();
