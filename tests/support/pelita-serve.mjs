// This module starts `pelita serve` (the embedded LRS with the player and the modules, on
// one origin) for the tests, and gives it the same face as lrs.mjs's startLrs(), so a test
// written against the reference LRS runs against the embedded one by swapping the starter.
// The binary is built once (debug, incremental) with cargo; PELITA_BIN overrides it. The
// server listens on 127.0.0.1 with an OS-assigned port, stores into a temporary SQLite
// file, and requires Basic auth from a credentials file made with `pelita credential`.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const XAPI_VERSION = '1.0.3';
let built;

/** The path of the `pelita` binary, building it on first use. */
export function pelitaBinary() {
  if (process.env.PELITA_BIN) return process.env.PELITA_BIN;
  if (!built) {
    execFileSync('cargo', ['build', '--quiet', '-p', 'pelita-cli'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
    built = path.join(target, 'debug', 'pelita');
  }
  return built;
}

/**
 * Starts `pelita serve` and resolves once it printed its URLs.
 *
 * @param {object} [options]
 * @param {string} [options.username] Basic auth key the LRS accepts.
 * @param {string} [options.password] Its secret.
 * @param {string} [options.db] An SQLite file to use (kept); otherwise a temporary one.
 * @param {string} [options.player] The built player (default dist/).
 * @param {string} [options.modules] The modules folder (default www/modules).
 * @param {string[]} [options.cors] Origins allowed to call the LRS (`*` for any).
 */
export async function startPelitaServe({
  username = 'pelita',
  password = 'pelita-secret',
  db,
  player = path.join(ROOT, 'dist'),
  modules = path.join(ROOT, 'www', 'modules'),
  cors = [],
  startTimeoutMs = 60_000,
} = {}) {
  const bin = pelitaBinary();
  const dir = await mkdtemp(path.join(tmpdir(), 'pelita-serve-'));
  const line = execFileSync(bin, ['credential', username], { input: `${password}\n` }).toString().trim();
  const credentials = path.join(dir, 'credentials');
  await writeFile(credentials, `# made by tests/support/pelita-serve.mjs\n${line}\n`);
  const database = db ?? path.join(dir, 'lrs.sqlite');
  const args = [
    'serve', modules, '--player', player, '--port', '0', '--db', database,
    '--credentials', credentials, '--launch-auth', `${username}:${password}`,
    ...cors.flatMap((origin) => ['--cors', origin]),
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (c) => { log += c; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let alive = true;
  let stopping = false;
  exited.then(({ code, signal }) => {
    alive = false;
    // A server that goes away in the middle of a test shows up there only as "fetch
    // failed"; say why here.
    if (!stopping) console.error(`pelita serve exited unexpectedly (code ${code}, signal ${signal})\n${log.slice(-4000)}`);
  });

  const origin = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`pelita serve did not start in time\n${out}${log}`)), startTimeoutMs);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      log += chunk;
      const m = /Modules and launch links: (http:\/\/127\.0\.0\.1:\d+)\/pelita\//.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`pelita serve exited (code ${code}, signal ${signal})\n${log}`)); });
  });

  const endpoint = `${origin}/xapi/`;
  const auth = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
  const headers = { Authorization: auth, 'X-Experience-API-Version': XAPI_VERSION };

  const { request, statements } = xapiClient(endpoint, headers);

  async function stop() {
    stopping = true;
    if (alive) {
      child.kill('SIGINT');
      const timer = setTimeout(() => { if (alive) child.kill('SIGKILL'); }, 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  }

  return {
    /** The origin serving the player (`${url}/?module=...`), the modules and the LRS. */
    url: `${origin}/`,
    endpoint,
    auth,
    username,
    password,
    headers,
    request,
    statements,
    database,
    process: child,
    exited,
    logs: () => log,
    stop,
  };
}

/**
 * Requests to an LRS at `endpoint` with `headers` (auth and version) set: `request` is
 * fetch() with those headers (each overridable), `statements(query)` every stored
 * statement (newest first, as the LRS returns them) following `more` links, where `query`
 * adds GET /statements parameters such as { verb, activity, registration, limit }.
 */
export function xapiClient(endpoint, headers) {
  async function request(relative, init = {}) {
    const merged = new Headers(headers);
    new Headers(init.headers || {}).forEach((value, key) => merged.set(key, value));
    return fetch(new URL(relative, endpoint), { ...init, headers: merged });
  }

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
      if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
      const body = await res.json();
      all.push(...body.statements);
      if (!body.more) return all;
      url = new URL(body.more, endpoint);
    }
    throw new Error('GET /statements: too many pages');
  }

  return { request, statements };
}
