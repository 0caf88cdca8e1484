// This module is a small fault-injecting HTTP proxy for the Pelita tests. It sits between
// the browser and the real LRS (tests/support/lrs.mjs) and passes every request through,
// except when a test has asked it to misbehave: drop the connection, answer an error
// itself, hold a request past the client's timeout, or forward a batch and then lose the
// answer. With it, a test can prove what the player's outbox promises: no statement is
// lost, and none is stored twice, whatever the network and the LRS do. It uses node:http
// only and listens on 127.0.0.1 only, on a port the OS picks.
//
// Usage:
//   const lrs = await startLrs();
//   const proxy = await startProxy({ target: lrs.endpoint });
//   const endpoint = proxy.endpoint(lrs.endpoint);   // http://127.0.0.1:<proxy port>/xAPI/
//   proxy.faults.once({ action: 'status', status: 503, headers: { 'Retry-After': '2' } });
//   proxy.faults.once({ action: 'forward-drop-reply' });
//   ... let the player send to `endpoint` ...
//   await proxy.waitFor((e) => e.action === 'forwarded' && e.status === 200);
//   await proxy.close();
//
// startProxy({ target }) resolves to:
// - url: the proxy's origin, such as "http://127.0.0.1:41234" (no trailing slash).
// - endpoint(pathOrUrl = '/'): the proxy URL for a path ("/xAPI/") or for a URL on the
//   LRS (its path and query are kept, its origin replaced), so `proxy.endpoint(lrs.endpoint)`
//   is the LRS endpoint as seen through the proxy.
// - faults: the rules that decide what happens to the next requests (see below).
// - log: every request so far, oldest first (see "The log").
// - waitFor(predicate, timeoutMs = 10000): resolves with the first finished log entry for
//   which predicate(entry) is true, waiting for new ones; rejects after timeoutMs with the
//   log in the message, so a failing test says what the proxy saw.
// - describe(): the log as short text lines, for assertion messages.
// - close(): stops listening, cuts every open connection and pending delay, and resolves
//   once the port is free.
//
// A rule is a plain object: { action, ...matchers, ...action options }.
//   { action: 'drop' }
//       Reads the request, then destroys the client's socket without a byte of answer:
//       fetch() in the browser fails with a network error. Nothing reaches the LRS.
//   { action: 'status', status: 503, headers: { 'Retry-After': '2' }, body }
//       Answers with that status without forwarding. `body` may be a string, a Buffer or
//       an object (sent as JSON); by default it is a JSON error like the LRS's own
//       ({ errorId, message }), and nothing for 204 and 304. The answer carries the CORS
//       headers the LRS would send (see "CORS"), otherwise a page could not read it.
//   { action: 'delay', ms: 15000, forward: true }
//       Waits `ms`, then forwards (forward: true, the default) or drops the connection
//       (forward: false). The forward happens even if the client gave up meanwhile, which
//       is the point: the LRS stores a batch the client believes failed.
//   { action: 'forward-drop-reply' }
//       Forwards, waits for the LRS's whole answer (so the batch is stored), then destroys
//       the client's socket: the browser sees a network error although the statements
//       were stored, and a retry must not store them twice.
// Matchers (all optional):
//   method: 'POST' by default; a method, a list of methods, or '*' for any method except
//     OPTIONS. CORS preflights (OPTIONS) pass through unless a rule names OPTIONS, because
//     a rule meant for a POST must fail that POST, not the preflight before it.
//   path: a RegExp tested against the path without the query, a string the path must end
//     with, or a function (path) => boolean. By default /\/statements$/.
//   when: (request) => boolean, called with { method, path, query, headers, ids } for a
//     finer choice, for instance a batch that holds a given statement id.
//   times: how many matching requests a queued rule applies to (1 by default).
// faults:
//   faults.once(rule)   queues a rule; each request takes the first queued rule it
//                       matches, and a rule leaves the queue once used `times` times.
//                       Returns the rule as stored ({ ...rule, used }).
//   faults.sticky(rule) applies a rule to every matching request not taken by a queued
//                       rule, until the returned function is called.
//   faults.offline(on = true)  while on, every request (preflights included) is dropped,
//                       as if the network were gone. Takes precedence over every rule.
//   faults.clear()      removes queued and sticky rules and turns offline mode off.
//   faults.pending      (getter) the queued rules not used up yet, so a test can check
//                       that every fault it planned did happen.
//   faults.isOffline    (getter) whether offline mode is on.
// An invalid rule (unknown action or key, bad status) throws at once, so a misspelled
// option cannot silently turn a fault test into a pass-through test.
//
// The log: one entry per request, added when the request arrives and completed when the
// proxy is done with it:
//   { seq, time /* ms since epoch */, method, path, query, ids /* statement ids in a POST
//     body (JSON array or single object) or a PUT's statementId */, origin, mode /* 'pass',
//     'once', 'sticky' or 'offline' */, rule, action /* 'forwarded', 'status', 'dropped',
//     'delayed', 'forward-drop-reply' */, status /* what the client was answered, null if
//     nothing */, lrsStatus /* what the LRS answered, null if not forwarded */, clientClosed
//     /* the client's connection closed before the answer was complete */, error, done,
//     durationMs }
// waitFor only looks at finished entries (done: true): an entry in flight has no status.
//
// CORS: the LRS (xapi-statements 5.0.1) sends `Access-Control-Allow-Origin: <Origin>` and
// `Vary: Origin` when the request has an Origin, `Access-Control-Allow-Credentials: true`
// always, and `Access-Control-Expose-Headers: ETag` on every answer, errors included. A
// synthetic answer sends the same, and exposes `Retry-After` and the rule's own headers
// too, since a page cannot read an unexposed header. A forwarded answer that exposes some
// headers gets `Retry-After` added to that list, so a real LRS's Retry-After would be
// readable as well.
//
// Keep-alive: the proxy answers with `Connection: close` on every answer, so no client
// connection is ever reused. Chromium silently re-sends a request (POST included) when a
// reused keep-alive connection closes without an answer, since that is how a server's idle
// timeout looks; a `drop` on a reused connection would then never reach the page. A fresh
// connection per request makes every drop a real network error for the page.

import http from 'node:http';
import { createHash, randomUUID } from 'node:crypto';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);
const ACTIONS = new Set(['drop', 'status', 'delay', 'forward-drop-reply']);
const MATCH_KEYS = ['method', 'path', 'when', 'times'];
const ACTION_KEYS = {
  drop: [],
  status: ['status', 'headers', 'body'],
  delay: ['ms', 'forward'],
  'forward-drop-reply': [],
};
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const XAPI_VERSION = '1.0.3';

/**
 * Starts the proxy in front of `target`, the LRS origin (an endpoint URL is accepted too;
 * only its origin is used, paths pass through unchanged).
 *
 * @param {object} options
 * @param {string} options.target The LRS origin, e.g. "http://127.0.0.1:38211".
 * @param {{auth: string}} [options.stateApi] Serve the xAPI State API (`…/activities/state`)
 *   in the proxy itself, in memory, for requests with exactly this Authorization header:
 *   the reference LRS has none (see stateApiAnswer). `proxy.states` holds the documents.
 */
export async function startProxy({ target, stateApi = null } = {}) {
  const upstream = new URL(target);
  if (upstream.protocol !== 'http:') throw new Error(`proxy target must be http:, got ${target}`);
  // The tests send no traffic beyond loopback; a target elsewhere is a mistake.
  if (!LOOPBACK.has(upstream.hostname)) throw new Error(`proxy target must be on loopback, got ${target}`);

  const agent = new http.Agent({ keepAlive: false });
  const states = new Map();
  const log = [];
  const queue = [];
  const stickies = [];
  let offline = false;
  let seq = 0;
  let closing = false;
  const timers = new Set();
  const waiters = new Set();

  const faults = {
    once(rule) {
      const stored = { ...checkRule(rule), used: 0 };
      queue.push(stored);
      return stored;
    },
    sticky(rule) {
      const stored = { ...checkRule(rule), used: 0 };
      if (rule.times !== undefined) throw new Error('a sticky rule has no `times`');
      stickies.push(stored);
      return () => {
        const i = stickies.indexOf(stored);
        if (i >= 0) stickies.splice(i, 1);
      };
    },
    offline(on = true) { offline = Boolean(on); },
    clear() {
      queue.length = 0;
      stickies.length = 0;
      offline = false;
    },
    get pending() { return queue.filter((r) => r.used < (r.times ?? 1)); },
    get isOffline() { return offline; },
  };

  function choose(request) {
    if (offline) return { mode: 'offline', rule: { action: 'drop' } };
    const i = queue.findIndex((r) => matches(r, request));
    if (i >= 0) {
      const rule = queue[i];
      rule.used += 1;
      if (rule.used >= (rule.times ?? 1)) queue.splice(i, 1);
      return { mode: 'once', rule };
    }
    const sticky = stickies.find((r) => matches(r, request));
    if (sticky) {
      sticky.used += 1;
      return { mode: 'sticky', rule: sticky };
    }
    return { mode: 'pass', rule: null };
  }

  function finish(entry, fields) {
    Object.assign(entry, fields, { done: true, durationMs: Date.now() - entry.time });
    for (const waiter of waiters) waiter(entry);
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://proxy.invalid');
    const entry = {
      seq: ++seq,
      time: Date.now(),
      method: req.method,
      path: url.pathname,
      query: url.search,
      ids: [],
      origin: req.headers.origin ?? null,
      mode: null,
      rule: null,
      action: null,
      status: null,
      lrsStatus: null,
      clientClosed: false,
      error: null,
      done: false,
      durationMs: null,
    };
    log.push(entry);
    let droppedByProxy = false;
    const dropClient = () => { droppedByProxy = true; req.socket.destroy(); };
    res.on('close', () => { if (!res.writableFinished && !droppedByProxy) entry.clientClosed = true; });
    try {
      await decide(req, res, url, entry, dropClient);
    } catch (err) {
      // A bug in the proxy must not look like a fault the test asked for: answer 500 and
      // say so in the log.
      finish(entry, { status: 500, error: `proxy bug: ${err.stack || err}` });
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' });
        res.end(`proxy bug: ${err.message}`);
      } else {
        dropClient();
      }
    }
  }

  async function decide(req, res, url, entry, dropClient) {
    let body;
    try {
      body = await readBody(req);
    } catch (err) {
      finish(entry, { action: 'dropped', error: `reading the request: ${err.message}` });
      dropClient();
      return;
    }
    entry.ids = statementIds(req.method, url, body);
    const { mode, rule } = choose({
      method: req.method, path: url.pathname, query: url.search, headers: req.headers, ids: entry.ids,
    });
    entry.mode = mode;
    entry.rule = rule;

    const action = rule ? rule.action : 'forward';
    if (action === 'forward' && stateApi && req.method === 'OPTIONS' && url.pathname.endsWith('/activities/state')) {
      // The CORS preflight of the emulated resource, answered the way the LRS answers its own.
      res.writeHead(204, {
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET,PUT,POST,DELETE',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
        vary: 'Origin',
        connection: 'close',
      });
      res.end();
      finish(entry, { action: 'state', status: 204 });
      return;
    }
    if (action === 'forward' && stateApi && req.method !== 'OPTIONS' && url.pathname.endsWith('/activities/state')) {
      const answer = stateApiAnswer(req, url, body, states, stateApi.auth);
      const synthetic = syntheticAnswer(req, { status: answer.status, headers: answer.headers, body: answer.body ?? '' });
      if (answer.body === undefined) {
        delete synthetic.headers['content-type'];
        synthetic.headers['content-length'] = '0';
        synthetic.body = undefined;
      }
      res.writeHead(answer.status, synthetic.headers);
      res.end(synthetic.body);
      finish(entry, { action: 'state', status: answer.status });
      return;
    }
    if (action === 'drop') {
      dropClient();
      finish(entry, { action: 'dropped' });
    } else if (action === 'status') {
      const answer = syntheticAnswer(req, rule);
      res.writeHead(rule.status, answer.headers);
      res.end(answer.body);
      finish(entry, { action: 'status', status: rule.status });
    } else if (action === 'delay') {
      await new Promise((resolve) => {
        const timer = setTimeout(() => { timers.delete(timer); resolve(); }, rule.ms);
        timers.add(timer);
      });
      if (closing) return;
      if (rule.forward === false) {
        dropClient();
        finish(entry, { action: 'delayed' });
      } else {
        await relay(req, res, body, entry, 'delayed', null);
      }
    } else if (action === 'forward-drop-reply') {
      await relay(req, res, body, entry, 'forward-drop-reply', dropClient);
    } else {
      await relay(req, res, body, entry, 'forwarded', null);
    }
  }

  /** Forwards the request and sends the LRS's answer back, or drops it if dropReply is given. */
  async function relay(req, res, body, entry, action, dropReply) {
    let answer;
    try {
      answer = await forward(req, body);
    } catch (err) {
      if (closing) return;
      // The LRS could not be reached: answer 502 like a gateway, readable by the page.
      const synthetic = syntheticAnswer(req, { status: 502, body: { message: `proxy: ${err.message}` } });
      if (!res.destroyed) {
        res.writeHead(502, synthetic.headers);
        res.end(synthetic.body);
      }
      finish(entry, { action, status: 502, error: err.message });
      return;
    }
    if (dropReply) {
      dropReply();
      finish(entry, { action, lrsStatus: answer.status });
      return;
    }
    if (res.destroyed || req.socket.destroyed) {
      finish(entry, { action, lrsStatus: answer.status, clientClosed: true });
      return;
    }
    res.writeHead(answer.status, answer.headers);
    // 'close' comes after 'finish', and also when the client goes away mid-answer.
    await new Promise((resolve) => { res.once('close', resolve); res.end(answer.body); });
    finish(entry, { action, status: answer.status, lrsStatus: answer.status });
  }

  function forward(req, body) {
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers.host = upstream.host;
    if (body.length > 0 || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) {
      headers['content-length'] = String(body.length);
    }
    return new Promise((resolve, reject) => {
      const out = http.request({
        hostname: upstream.hostname.replace(/^\[|\]$/g, ''),
        port: upstream.port || 80,
        method: req.method,
        path: req.url,
        headers,
        agent,
      }, (answer) => {
        const chunks = [];
        answer.on('data', (c) => chunks.push(c));
        answer.on('error', reject);
        answer.on('end', () => {
          const data = Buffer.concat(chunks);
          const out = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (!HOP_BY_HOP.has(name)) out[name] = value;
          }
          const bodyless = req.method === 'HEAD' || answer.statusCode === 204 || answer.statusCode === 304;
          if (!bodyless) out['content-length'] = String(data.length);
          out.connection = 'close';
          const exposed = out['access-control-expose-headers'];
          if (exposed !== undefined && !/(^|,)\s*retry-after\s*(,|$)/i.test(exposed)) {
            out['access-control-expose-headers'] = `${exposed}, Retry-After`;
          }
          resolve({ status: answer.statusCode, headers: out, body: bodyless ? undefined : data });
        });
      });
      out.on('error', reject);
      out.end(body);
    });
  }

  const server = http.createServer((req, res) => { handle(req, res); });
  // Only loopback, whatever the test asks: the proxy carries credentials.
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;

  function describe() {
    if (log.length === 0) return '(no requests)';
    return log.map((e) => {
      const what = e.done ? `${e.action}${e.status !== null ? ` ${e.status}` : ''}` : 'in flight';
      const lrs = e.lrsStatus !== null && e.lrsStatus !== e.status ? ` (LRS ${e.lrsStatus})` : '';
      const ids = e.ids.length ? ` ids=${e.ids.join(',')}` : '';
      const err = e.error ? ` error=${e.error}` : '';
      return `#${e.seq} ${e.method} ${e.path}${e.query} [${e.mode ?? '-'}] ${what}${lrs}${ids}${err}`;
    }).join('\n');
  }

  function waitFor(predicate, timeoutMs = 10_000) {
    const found = log.find((e) => e.done && predicate(e));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (entry) => {
        let ok;
        try {
          ok = predicate(entry);
        } catch (err) {
          done();
          reject(err);
          return;
        }
        if (ok) { done(); resolve(entry); }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`proxy.waitFor: nothing matched within ${timeoutMs} ms; the proxy saw:\n${describe()}`));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); waiters.delete(waiter); };
      waiters.add(waiter);
    });
  }

  let closed = null;
  function close() {
    // A second call waits for the same close, so every caller knows the port is free.
    if (closed) return closed;
    closing = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    closed = new Promise((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    agent.destroy();
    return closed;
  }

  return {
    url: origin,
    endpoint(pathOrUrl = '/') {
      const parsed = new URL(pathOrUrl, origin);
      return `${origin}${parsed.pathname}${parsed.search}`;
    },
    faults,
    log,
    /** The State API documents (with stateApi), keyed by their query; values {text, etag, query}. */
    states,
    waitFor,
    describe,
    close,
  };
}

/** Checks a rule and returns a copy with the defaults filled in. */
function checkRule(rule) {
  if (!rule || typeof rule !== 'object') throw new Error('a fault rule must be an object');
  if (!ACTIONS.has(rule.action)) {
    throw new Error(`unknown fault action ${JSON.stringify(rule.action)}; expected one of ${[...ACTIONS].join(', ')}`);
  }
  const allowed = new Set(['action', ...MATCH_KEYS, ...ACTION_KEYS[rule.action]]);
  for (const key of Object.keys(rule)) {
    if (!allowed.has(key)) throw new Error(`fault rule "${rule.action}" has no option "${key}"`);
  }
  if (rule.action === 'status' && !(Number.isInteger(rule.status) && rule.status >= 200 && rule.status <= 599)) {
    throw new Error(`a status rule needs a status between 200 and 599, got ${rule.status}`);
  }
  if (rule.action === 'delay' && !(Number.isFinite(rule.ms) && rule.ms >= 0)) {
    throw new Error(`a delay rule needs ms >= 0, got ${rule.ms}`);
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 1)) {
    throw new Error(`times must be a whole number >= 1, got ${rule.times}`);
  }
  const path = rule.path ?? /\/statements$/;
  if (!(path instanceof RegExp || typeof path === 'string' || typeof path === 'function')) {
    throw new Error('path must be a RegExp, a string or a function');
  }
  if (rule.when !== undefined && typeof rule.when !== 'function') throw new Error('when must be a function');
  const method = rule.method ?? 'POST';
  const methods = (Array.isArray(method) ? method : [method]).map((m) => String(m).toUpperCase());
  return { ...rule, method: methods, path };
}

function matches(rule, request) {
  const method = request.method.toUpperCase();
  const methodOk = rule.method.includes(method) || (rule.method.includes('*') && method !== 'OPTIONS');
  if (!methodOk) return false;
  const { path } = rule;
  const pathOk = path instanceof RegExp ? path.test(request.path)
    : typeof path === 'function' ? path(request.path)
      : request.path.endsWith(path);
  if (!pathOk) return false;
  return rule.when ? Boolean(rule.when(request)) : true;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('client aborted')));
  });
}

/** Statement ids in a POST body (JSON array or one statement) or a PUT's statementId. */
function statementIds(method, url, body) {
  if (method === 'PUT') {
    const id = url.searchParams.get('statementId');
    return id ? [id] : [];
  }
  if (method !== 'POST' || body.length === 0) return [];
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.map((s) => (s && typeof s.id === 'string' ? s.id : null)).filter((id) => id !== null);
  } catch {
    return [];
  }
}

/** Headers and body of an answer the proxy makes up, with the LRS's CORS headers. */
function syntheticAnswer(req, rule) {
  const headers = {
    'access-control-allow-credentials': 'true',
    'x-experience-api-version': XAPI_VERSION,
    vary: 'Origin',
    connection: 'close',
  };
  if (req.headers.origin) headers['access-control-allow-origin'] = req.headers.origin;
  const own = Object.entries(rule.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]);
  const exposed = new Set(['ETag', 'Retry-After']);
  for (const [name] of own) {
    if (!name.startsWith('access-control-') && name !== 'vary' && name !== 'connection') exposed.add(name);
  }
  headers['access-control-expose-headers'] = [...exposed].join(', ');
  let body;
  if (rule.status === 204 || rule.status === 304) {
    body = undefined;
  } else {
    let value = rule.body;
    if (value === undefined) value = { errorId: randomUUID(), message: `${http.STATUS_CODES[rule.status] ?? 'Error'} (injected by the test proxy)` };
    if (typeof value === 'string' || Buffer.isBuffer(value)) {
      body = Buffer.from(value);
      headers['content-type'] = 'text/plain; charset=utf-8';
    } else {
      body = Buffer.from(JSON.stringify(value));
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    headers['content-length'] = String(body.length);
  }
  for (const [name, value] of own) headers[name] = value;
  return { headers, body };
}

/**
 * One State API request against the in-memory store `states`, as xAPI 1.0.3 says: GET
 * (200 with the document and its ETag, or 404), PUT (204, replacing; 412 when If-Match
 * names another version or If-None-Match: * finds one), DELETE (204). The document is
 * keyed by stateId, activityId, agent (as sent) and registration; the version header and
 * the Authorization given to startProxy are required, as a real LRS would.
 */
function stateApiAnswer(req, url, body, states, auth) {
  const json = (status, value) => ({ status, body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
  if (!req.headers['x-experience-api-version']) return json(400, { message: 'X-Experience-API-Version header missing' });
  if (req.headers.authorization !== auth) return json(401, { message: 'Unauthorised' });
  const q = url.searchParams;
  for (const name of ['stateId', 'activityId', 'agent']) {
    if (!q.get(name)) return json(400, { message: `${name} is required` });
  }
  const key = JSON.stringify(['stateId', 'activityId', 'agent', 'registration'].map((n) => q.get(n)));
  const current = states.get(key);
  const etagOf = (text) => `"${createHash('sha1').update(text).digest('hex')}"`;
  if (req.method === 'GET') {
    if (!current) return json(404, { message: 'no such state' });
    return { status: 200, body: current.text, headers: { 'content-type': 'application/json', etag: current.etag } };
  }
  if (req.method === 'PUT' || req.method === 'POST') {
    const ifMatch = req.headers['if-match'];
    if (ifMatch && (!current || ifMatch !== current.etag)) return json(412, { message: 'If-Match does not match' });
    if (req.headers['if-none-match'] === '*' && current) return json(412, { message: 'the document exists' });
    const text = body.toString('utf8');
    const etag = etagOf(text);
    states.set(key, { text, etag, query: Object.fromEntries(q) });
    return { status: 204, body: undefined, headers: { etag } };
  }
  if (req.method === 'DELETE') {
    states.delete(key);
    return { status: 204, body: undefined, headers: {} };
  }
  return json(405, { message: `${req.method} is not supported` });
}
