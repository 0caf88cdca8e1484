// This module starts a real, strict Learning Record Store for the Pelita tests: Learning
// Locker's `xapi-statements` service, kept entirely in memory, with real HTTP Basic
// authentication, listening on 127.0.0.1 only. It runs in a child process
// (lrs-child.cjs) because the service reads its configuration from the environment when it
// is first required; each call to startLrs() gets its own process, port and temp dir.
//
// Facts worth knowing when writing tests against it (checked with xapi-statements 5.0.1):
// - The xAPI endpoint is mounted at /xAPI/ (statements at /xAPI/statements, about at
//   /xAPI/about). It has no State API and no agent or activity profile API (404).
// - POST /statements answers 200 with a JSON array of the stored ids (also for an
//   identical re-send of an id); PUT /statements?statementId=.. answers 204. Wrong or
//   missing credentials get 401 (the client-info endpoint's 404 becomes 401); a missing
//   X-Experience-API-Version header gets 400; an invalid statement gets 400 with a
//   `warnings` list; a different statement re-using an id gets 409.
// - Stored statements come back with `stored`, `authority` (the test client's agent) and
//   `version: "1.0.0"` added, newest first, 100 per page by default.
// - CORS is on for every origin: the preflight (OPTIONS) answers 200 and reflects the
//   Origin and the requested headers, allows GET,HEAD,PUT,PATCH,POST,DELETE, sends no
//   Access-Control-Max-Age; every answer, errors included, carries the CORS headers and
//   exposes ETag.
// - GET /statements pages with a `more` link that is an absolute path such as
//   "/xAPI/statements?limit=1&cursor=<id>", so it must be resolved against the origin.

import { fork } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPelitaServe } from './pelita-serve.mjs';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lrs-child.cjs');
export const XAPI_VERSION = '1.0.3';
const MAX_LOG_CHARS = 200_000;

/**
 * Starts the LRS the tests run against and resolves once it answers: Learning Locker's
 * `xapi-statements` (the reference), or, when the environment variable PELITA_E2E_LRS is
 * `embedded`, `pelita serve` with the same face (tests/support/pelita-serve.mjs).
 * The options are startReferenceLrs's; the embedded LRS takes the user name and password.
 */
export async function startLrs(options = {}) {
  if (process.env.PELITA_E2E_LRS === 'embedded') {
    // The second pass of scripts/test.sh: the same tests against Pelita's own LRS. The
    // player is served from another origin by the tests, so any origin may call it.
    const { username = 'pelita', password = 'pelita-secret' } = options;
    return startPelitaServe({ username, password, cors: ['*'] });
  }
  return startReferenceLrs(options);
}

/**
 * Starts Learning Locker's `xapi-statements`, whatever PELITA_E2E_LRS says, and resolves
 * once it answers GET /xAPI/about.
 *
 * @param {object} [options]
 * @param {string} [options.username] Basic auth user name the LRS accepts.
 * @param {string} [options.password] Basic auth password the LRS accepts.
 * @param {boolean} [options.verbose] Also print the service's log to this process's stderr.
 * @param {number} [options.startTimeoutMs] How long to wait for the service to answer.
 */
export async function startReferenceLrs({
  username = 'pelita',
  password = 'pelita-secret',
  verbose = false,
  startTimeoutMs = 20_000,
} = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'pelita-lrs-'));
  const storageDir = path.join(dir, 'storage');
  const logDir = path.join(dir, 'access-logs');
  await mkdir(storageDir);
  await mkdir(logDir);

  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    NODE_ENV: 'test',
    LANG: 'en',
    PELITA_LRS_USERNAME: username,
    PELITA_LRS_PASSWORD: password,
    MODELS_REPO: 'memory',
    STORAGE_REPO: 'local',
    EVENTS_REPO: 'test',
    AUTH_REPO: 'fetch',
    FS_LOCAL_STORAGE_DIR: storageDir,
    EXPRESS_MORGAN_DIRECTORY: logDir,
    EXPRESS_PORT: '0',
    // Answer a POST only after the statement's side effects (activities, references) are
    // stored, so a test can read the results right away.
    SERVICE_AWAIT_UPDATES: 'true',
    WINSTON_CONSOLE_LEVEL: verbose ? 'info' : 'error',
    WINSTON_CLOUDWATCH_ENABLED: 'false',
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
  };

  let log = '';
  const child = fork(CHILD, [], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const collect = (chunk) => {
    const text = chunk.toString();
    log = (log + text).slice(-MAX_LOG_CHARS);
    if (verbose) process.stderr.write(text);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let alive = true;
  exited.then(() => { alive = false; });

  const cleanup = async () => {
    if (alive) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (alive) child.kill('SIGKILL'); }, 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  let endpoint;
  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('LRS did not start listening in time')), startTimeoutMs);
      child.on('message', (msg) => {
        if (msg && msg.type === 'listening') { clearTimeout(timer); resolve(msg.port); }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`LRS process exited early (code ${code}, signal ${signal})`));
      });
    });
    endpoint = `http://127.0.0.1:${port}/xAPI/`;
    await waitForAbout(endpoint, startTimeoutMs, () => alive);
  } catch (err) {
    await cleanup();
    err.message += `\n--- LRS log ---\n${log}`;
    throw err;
  }

  const auth = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
  const headers = { Authorization: auth, 'X-Experience-API-Version': XAPI_VERSION };

  /** fetch() against the LRS with the auth and version headers set (both overridable). */
  async function request(relative, init = {}) {
    const url = new URL(relative, endpoint);
    const merged = new Headers(headers);
    new Headers(init.headers || {}).forEach((value, key) => merged.set(key, value));
    return fetch(url, { ...init, headers: merged });
  }

  /**
   * Every stored statement (newest first, as the LRS returns them), following `more` links.
   * `query` adds GET /statements parameters such as { verb, activity, registration, limit }.
   */
  async function statements(query = {}) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      params.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
    }
    let url = new URL('statements' + (params.size ? `?${params}` : ''), endpoint);
    const all = [];
    for (let page = 0; page < 10_000; page += 1) {
      const res = await fetch(url, { headers });
      if (res.status !== 200) {
        throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
      }
      const body = await res.json();
      all.push(...body.statements);
      if (!body.more) return all;
      url = new URL(body.more, endpoint);
    }
    throw new Error('GET /statements: too many pages');
  }

  return {
    endpoint,
    auth,
    username,
    password,
    headers,
    request,
    statements,
    /** The service's log so far (errors only unless verbose). */
    logs: () => log,
    stop: cleanup,
  };
}

async function waitForAbout(endpoint, timeoutMs, isAlive) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('LRS process exited before answering');
    try {
      const res = await fetch(new URL('about', endpoint), {
        headers: { 'X-Experience-API-Version': XAPI_VERSION },
      });
      await res.arrayBuffer();
      if (res.status === 200) return;
      lastError = new Error(`GET /xAPI/about answered ${res.status}`);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`LRS did not answer in time: ${lastError && lastError.message}`);
}
