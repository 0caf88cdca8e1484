// These tests prove that the test harness itself works before any player test relies on
// it: the real Learning Locker LRS starts, enforces Basic auth and the version header,
// stores and pages statements; the validator accepts good statements and names the
// problems of bad ones; the static server negotiates compression, sets cache headers and
// refuses directory traversal; and a Chromium page served from another origin can POST
// to the LRS (CORS). Run with `node --test tests/support/`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, mkdir, readFile, writeFile, rm, access, utimes } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { startLrs } from './lrs.mjs';
import { serveStatic } from './serve.mjs';
import { validateStatements } from './validate.mjs';
import { launchBrowser } from './browser.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function makeStatement(overrides = {}) {
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', name: 'Learner', mbox: 'mailto:learner@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { en: 'experienced' } },
    object: {
      objectType: 'Activity',
      id: 'https://pelita.example.org/modules/selftest/page/1',
      definition: { name: { en: 'Page 1' } },
    },
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

/** A raw HTTP GET, so the test controls the exact path and headers sent. */
function rawGet(url, rawPath, headers = {}) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

let lrs;
let site;
let siteDir;
let workDir;

before(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'pelita-selftest-'));
  siteDir = path.join(workDir, 'dist');
  await mkdir(path.join(siteDir, 'assets'), { recursive: true });
  await writeFile(path.join(workDir, 'secret.txt'), 'outside the root');
  await writeFile(
    path.join(siteDir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>selftest</title><link rel="icon" href="data:,"></head><body>ok</body></html>',
  );
  const js = 'export const answer = 42;\n'.repeat(50);
  await writeFile(path.join(siteDir, 'app-0123456789abcdef.js'), js);
  await writeFile(path.join(siteDir, 'app-0123456789abcdef.js.br'), zlib.brotliCompressSync(js));
  await writeFile(path.join(siteDir, 'app-0123456789abcdef.js.gz'), zlib.gzipSync(js));
  await writeFile(path.join(siteDir, 'style.css'), 'body { color: black; }');
  await writeFile(path.join(siteDir, 'assets', 'player-0123456789abcdef_bg.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));

  [lrs, site] = await Promise.all([
    startLrs({ username: 'selftest', password: 's3cret:with colon' }),
    serveStatic({ root: siteDir }),
  ]);
});

after(async () => {
  await Promise.all([lrs && lrs.stop(), site && site.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

test('LRS stores a valid statement sent with the right auth and version header', async () => {
  assert.match(lrs.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/xAPI\/$/);
  const statement = makeStatement();
  const res = await lrs.request('statements', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(statement),
  });
  assert.ok(res.status === 200 || res.status === 204, `status ${res.status}`);
  assert.deepEqual(await res.json(), [statement.id]);

  // PUT with an id answers 204 No Content.
  const putStatement = makeStatement();
  const put = await lrs.request(`statements?statementId=${putStatement.id}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(putStatement),
  });
  assert.equal(put.status, 204);

  const stored = await lrs.statements();
  const found = stored.find((s) => s.id === statement.id);
  assert.ok(found, 'statement not returned by GET /statements');
  assert.equal(found.verb.id, statement.verb.id);
  assert.equal(found.authority.mbox, 'mailto:pelita-tests@example.org');
  assert.ok(stored.some((s) => s.id === putStatement.id));
});

test('LRS enforces Basic auth and the version header', async () => {
  const body = JSON.stringify(makeStatement());
  const json = { 'Content-Type': 'application/json' };
  const wrong = await lrs.request('statements', {
    method: 'POST',
    headers: { ...json, Authorization: 'Basic ' + Buffer.from('selftest:wrong').toString('base64') },
    body,
  });
  assert.ok([401, 403].includes(wrong.status), `wrong auth got ${wrong.status}`);

  const missingAuth = await fetch(new URL('statements', lrs.endpoint), {
    method: 'POST',
    headers: { ...json, 'X-Experience-API-Version': '1.0.3' },
    body,
  });
  assert.ok([401, 403].includes(missingAuth.status), `missing auth got ${missingAuth.status}`);

  const missingVersion = await fetch(new URL('statements', lrs.endpoint), {
    method: 'POST',
    headers: { ...json, Authorization: lrs.auth },
    body,
  });
  assert.equal(missingVersion.status, 400);

  const invalid = await lrs.request('statements', {
    method: 'POST',
    headers: json,
    body: JSON.stringify(makeStatement({ result: { score: { scaled: 2 } } })),
  });
  assert.equal(invalid.status, 400);

  const readWrong = await fetch(new URL('statements', lrs.endpoint), {
    headers: { 'X-Experience-API-Version': '1.0.3', Authorization: 'Basic Zm9vOmJhcg==' },
  });
  assert.equal(readWrong.status, 401);
});

test('LRS statements() follows more links across pages', async () => {
  const batch = [makeStatement(), makeStatement(), makeStatement()];
  const res = await lrs.request('statements', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(batch),
  });
  assert.equal(res.status, 200);
  const firstPage = await (await lrs.request('statements?limit=1')).json();
  assert.equal(firstPage.statements.length, 1);
  assert.match(firstPage.more, /^\/xAPI\/statements\?/);

  const all = await lrs.statements();
  const paged = await lrs.statements({ limit: 1 });
  assert.deepEqual(paged.map((s) => s.id), all.map((s) => s.id));
  assert.equal(new Set(paged.map((s) => s.id)).size, paged.length);
  for (const s of batch) assert.ok(paged.some((p) => p.id === s.id));
});

test('LRS answers the CORS preflight for the player origin', async () => {
  const res = await fetch(new URL('statements', lrs.endpoint), {
    method: 'OPTIONS',
    headers: {
      Origin: site.url.replace(/\/$/, ''),
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type,x-experience-api-version',
    },
  });
  await res.arrayBuffer();
  assert.ok(res.status === 200 || res.status === 204, `preflight got ${res.status}`);
  assert.equal(res.headers.get('access-control-allow-origin'), site.url.replace(/\/$/, ''));
  const allowed = res.headers.get('access-control-allow-headers').toLowerCase().split(/\s*,\s*/);
  for (const h of ['authorization', 'content-type', 'x-experience-api-version']) assert.ok(allowed.includes(h), h);
  assert.match(res.headers.get('access-control-allow-methods'), /POST/);
  assert.match(res.headers.get('access-control-allow-methods'), /PUT/);
});

test('LRS listens on 127.0.0.1 only', async () => {
  // Read the kernel's table of listening sockets instead of probing another address:
  // tests send no traffic beyond loopback.
  const port = Number(new URL(lrs.endpoint).port);
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const listening = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) listening.push(local.split(':')[0]);
    }
  }
  assert.ok(listening.length > 0, `nothing listens on port ${port}`);
  assert.deepEqual([...new Set(listening)], ['0100007F'], 'bound to 127.0.0.1 only');
});

test('validateStatements accepts stored statements and names the problems of bad ones', async () => {
  const stored = await lrs.statements();
  assert.ok(stored.length > 0);
  assert.deepEqual(validateStatements(stored), []);
  assert.deepEqual(validateStatements([makeStatement()]), []);

  const bad = makeStatement({ result: { score: { scaled: 2 }, duration: '12 seconds' } });
  const problems = validateStatements([makeStatement(), bad]);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].index, 1);
  assert.equal(problems[0].id, bad.id);
  assert.ok(problems[0].problems.some((p) => p.includes('result.score.scaled')), problems[0].problems.join('; '));
  assert.ok(problems[0].problems.some((p) => p.includes('result.duration')));

  const unknown = validateStatements([makeStatement({ extra: true })]);
  assert.ok(unknown[0].problems.some((p) => p.includes('unknown properties') && p.includes('extra')));
});

test('serveStatic serves index, content types, compression and cache headers', async () => {
  const index = await rawGet(site.url, '/');
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(index.headers['cache-control'], 'no-cache');
  assert.match(index.body.toString(), /<title>selftest<\/title>/);

  const br = await rawGet(site.url, '/app-0123456789abcdef.js', { 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['vary'], 'Accept-Encoding');
  assert.match(br.headers['content-type'], /^text\/javascript/);
  assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(zlib.brotliDecompressSync(br.body).toString(), /answer = 42/);

  const gz = await rawGet(site.url, '/app-0123456789abcdef.js', { 'Accept-Encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.match(zlib.gunzipSync(gz.body).toString(), /answer = 42/);

  const refusedBr = await rawGet(site.url, '/app-0123456789abcdef.js', { 'Accept-Encoding': 'br;q=0, gzip' });
  assert.equal(refusedBr.headers['content-encoding'], 'gzip');

  const plain = await rawGet(site.url, '/app-0123456789abcdef.js');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers['vary'], 'Accept-Encoding');
  assert.match(plain.body.toString(), /^export const answer/);

  const css = await rawGet(site.url, '/style.css', { 'Accept-Encoding': 'br' });
  assert.equal(css.headers['content-encoding'], undefined); // no style.css.br on disk

  // A compressed copy older than its original (the file was edited after the build) is
  // stale: the edited original is served.
  await writeFile(path.join(siteDir, 'launch.json.br'), zlib.brotliCompressSync('{}'));
  const past = new Date(Date.now() - 60_000);
  await utimes(path.join(siteDir, 'launch.json.br'), past, past);
  await writeFile(path.join(siteDir, 'launch.json'), '{"endpoint": "http://127.0.0.1:1/xapi/"}');
  const edited = await rawGet(site.url, '/launch.json', { 'Accept-Encoding': 'br' });
  assert.equal(edited.headers['content-encoding'], undefined);
  assert.match(edited.body.toString(), /endpoint/);
  assert.match(css.headers['content-type'], /^text\/css/);
  assert.equal(css.headers['cache-control'], 'no-cache');

  const wasm = await rawGet(site.url, '/assets/player-0123456789abcdef_bg.wasm');
  assert.equal(wasm.headers['content-type'], 'application/wasm');
  assert.equal(wasm.headers['cache-control'], 'public, max-age=31536000, immutable');

  const revalidate = await rawGet(site.url, '/', { 'If-None-Match': index.headers.etag });
  assert.equal(revalidate.status, 304);

  const missing = await rawGet(site.url, '/nope.js');
  assert.equal(missing.status, 404);
  assert.match(missing.headers['content-type'], /^text\/plain/);
});

test('serveStatic rejects directory traversal', async () => {
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/..%2fsecret.txt', '/%2e%2e%5csecret.txt']) {
    const res = await rawGet(site.url, p);
    assert.ok([400, 403, 404].includes(res.status), `${p} answered ${res.status}`);
    assert.doesNotMatch(res.body.toString(), /outside the root/, p);
  }
});

test('serve.mjs runs as a script', async () => {
  const child = spawn(process.execPath, [path.join(HERE, 'serve.mjs'), siteDir, '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
    });
    const match = /^Serving (.+) at (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(line);
    assert.ok(match, line);
    const res = await fetch(match[2]);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /selftest/);
  } finally {
    child.kill('SIGTERM');
  }
});

test('a Chromium page on another origin can POST to the LRS (CORS)', async () => {
  const browser = await launchBrowser();
  try {
    await access(browser.userDataDir);
    const problems = browser.watch();
    await browser.page.goto(site.url);
    const pageOrigin = await browser.page.evaluate(() => location.origin);
    assert.notEqual(pageOrigin, new URL(lrs.endpoint).origin);

    const statement = makeStatement({ verb: { id: 'http://adlnet.gov/expapi/verbs/initialized', display: { en: 'initialized' } } });
    const result = await browser.page.evaluate(
      async ({ endpoint, auth, statement }) => {
        const headers = {
          Authorization: auth,
          'X-Experience-API-Version': '1.0.3',
          'Content-Type': 'application/json',
        };
        const post = await fetch(endpoint + 'statements', { method: 'POST', headers, body: JSON.stringify(statement) });
        const wrong = await fetch(endpoint + 'statements', {
          method: 'POST',
          headers: { ...headers, Authorization: 'Basic ' + btoa('nobody:nothing') },
          body: JSON.stringify(statement),
        });
        const about = await fetch(endpoint + 'about', { headers: { 'X-Experience-API-Version': '1.0.3' } });
        return {
          status: post.status,
          body: await post.json(),
          wrongStatus: wrong.status,
          about: await about.json(),
        };
      },
      { endpoint: lrs.endpoint, auth: lrs.auth, statement },
    );
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, [statement.id]);
    assert.equal(result.wrongStatus, 401); // readable cross-origin: CORS headers on errors too
    assert.ok(result.about.version.includes('1.0.3'));
    assert.deepEqual(problems.filter((p) => !/401/.test(p.text)), []);

    const stored = await lrs.statements({ verb: 'http://adlnet.gov/expapi/verbs/initialized' });
    assert.deepEqual(stored.map((s) => s.id), [statement.id]);
  } finally {
    await browser.close();
  }
  await assert.rejects(access(browser.userDataDir), 'profile dir should be removed');
});
