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

import { fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPelitaServe, xapiClient } from './pelita-serve.mjs';

const SUPPORT = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(SUPPORT, 'lrs-child.cjs');
export const XAPI_VERSION = '1.0.3';
const MAX_LOG_CHARS = 200_000;

/**
 * Starts the LRS the tests run against and resolves once it answers: Learning Locker's
 * `xapi-statements` (the reference), or, when the environment variable PELITA_E2E_LRS is
 * `embedded`, `pelita serve` with the same face (tests/support/pelita-serve.mjs), or, when
 * it is `ralph`, Ralph (startRalph; it has no State API, and allows only the origins in
 * `options.cors`). The options are startReferenceLrs's; the embedded LRS takes the user
 * name and password.
 */
export async function startLrs(options = {}) {
  if (process.env.PELITA_E2E_LRS === 'ralph') return startRalph(options);
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

  const { request, statements } = xapiClient(endpoint, headers);

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

/** Ralph's Python, in the venv scripts/setup.sh makes. */
const RALPH_PYTHON = path.join(SUPPORT, '..', '..', '.venv-ralph', 'bin', 'python');

/**
 * Starts Ralph (PyPI `ralph-malph` 5.1, installed by scripts/setup.sh in `.venv-ralph/`), a
 * second real LRS and a lenient one, on 127.0.0.1 and an OS-assigned port, with its file
 * system backend in a fresh temp dir and real Basic auth (its own bcrypt credentials
 * file), through tests/support/ralph-server.py. Resolves once GET /whoami answers 200 with
 * the credentials. Its face differs from the reference's in what the tests meet:
 * - The xAPI endpoint is /xAPI/; it has only the Statements resource: no /about, no State
 *   API, no agent or activity profiles (404 for every method, PUT included).
 * - Invalid statements get 422 (not 400); stored statements come back oldest first, with
 *   `stored`, `authority` (the test user's agent) and no `version`.
 * - CORS only for the exact origins in `cors` (`http://host:port`); its preflight allows
 *   Authorization, Content-Type and X-Experience-API-Version but not If-Match.
 *
 * @param {object} [options]
 * @param {string} [options.username] Basic auth user name Ralph accepts.
 * @param {string} [options.password] Basic auth password Ralph accepts.
 * @param {string[]} [options.cors] Origins whose pages may call it.
 * @param {boolean} [options.verbose] Also print Ralph's log to this process's stderr.
 * @param {number} [options.startTimeoutMs] How long to wait for it to answer.
 */
export async function startRalph({
  username = 'pelita',
  password = 'pelita-secret',
  cors = [],
  verbose = false,
  startTimeoutMs = 60_000,
} = {}) {
  if (!existsSync(RALPH_PYTHON)) {
    throw new Error(`Ralph is not installed (${RALPH_PYTHON} is missing): run scripts/setup.sh`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'pelita-ralph-'));
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: 'C.UTF-8',
    RALPH_APP_DIR: dir,
    RALPH_AUTH_FILE: path.join(dir, 'auth.json'),
    RALPH_RUNSERVER_BACKEND: 'fs',
    RALPH_RUNSERVER_AUTH_BACKENDS: 'basic',
    RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH: dir,
    RALPH_RUNSERVER_CORS_ALLOW_ORIGINS: JSON.stringify(cors),
    PELITA_RALPH_USERNAME: username,
    PELITA_RALPH_PASSWORD: password,
    PELITA_RALPH_MBOX: 'mailto:ralph@pelita.example.org',
  };
  let log = '';
  const child = spawn(RALPH_PYTHON, [path.join(SUPPORT, 'ralph-server.py')], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let alive = true;
  exited.then(() => { alive = false; });
  let onLine = () => {};
  const collect = (chunk) => {
    const text = chunk.toString();
    log = (log + text).slice(-MAX_LOG_CHARS);
    if (verbose) process.stderr.write(text);
    onLine();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const cleanup = async () => {
    if (alive) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (alive) child.kill('SIGKILL'); }, 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const auth = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
  const headers = { Authorization: auth, 'X-Experience-API-Version': XAPI_VERSION };
  let endpoint;
  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Ralph did not start listening in time')), startTimeoutMs);
      onLine = () => {
        const found = /^listening (\d+)$/m.exec(log);
        if (found) { clearTimeout(timer); resolve(Number(found[1])); }
      };
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`Ralph exited early (code ${code}, signal ${signal})`));
      });
    });
    endpoint = `http://127.0.0.1:${port}/xAPI/`;
    const res = await fetch(new URL('/whoami', endpoint), { headers });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET /whoami answered ${res.status}: ${body}`);
  } catch (err) {
    await cleanup();
    err.message += `\n--- Ralph's log ---\n${log}`;
    throw err;
  }

  const { request, statements } = xapiClient(endpoint, headers);

  /**
   * The requests Ralph's access log shows so far, as `METHOD path status` (the query
   * left out), e.g. `PUT /xAPI/activities/state 404`: what the server saw, including
   * requests a page sent as it went away.
   */
  function requests() {
    const seen = [];
    for (const m of log.matchAll(/"([A-Z]+) ([^ ?"]+)[^ "]* HTTP\/[\d.]+" (\d{3})/g)) {
      seen.push(`${m[1]} ${m[2]} ${m[3]}`);
    }
    return seen;
  }

  return {
    endpoint,
    auth,
    username,
    password,
    headers,
    request,
    statements,
    requests,
    /** Ralph's log so far (uvicorn's access log included). */
    logs: () => log,
    stop: cleanup,
  };
}
