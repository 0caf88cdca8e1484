// The bad paths, end to end: an LRS that refuses the credentials or is not there at all
// must not lose a single statement (they stay queued in the browser and go out once the
// LRS is reachable), and a broken module or broken launch parameters get a readable error
// page naming every problem, never a blank page.

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLrs } from '../support/lrs.mjs';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { validateStatements } from '../support/validate.mjs';
import { DIST, requireDist, playerUrl, chooseByMouse, recordedStatements, waitForDelivery, answerResumeOffer } from './helpers.mjs';

const ACTOR = { mbox: 'mailto:budi@example.go.id', name: 'Budi' };
let lrs, server, site, browser;

before(async () => {
  requireDist();
  // A copy of the built player with broken modules beside the good one.
  site = await mkdtemp(path.join(tmpdir(), 'pelita-site-'));
  await cp(DIST, site, { recursive: true });
  const good = JSON.parse(await readFile(path.join(DIST, 'modules/phishing.json'), 'utf8'));
  const broken = structuredClone(good);
  broken.masteryScore = 1.5;
  delete broken.lessons[0].pages[1].blocks[2].alt;
  broken.lessons[1].pages[0].blocks.push({ type: 'hologram', src: 'x.glb' });
  await writeFile(path.join(site, 'modules/broken.json'), JSON.stringify(broken, null, 2));
  await writeFile(path.join(site, 'modules/not-json.json'), '{\n  "pelita": 1,\n  "id": oops\n}\n');
  // A course folder whose launch.json sends the record to the LRS, and one whose
  // launch.json is broken.
  lrs = await startLrs({ username: 'pelita', password: 'right' });
  for (const [folder, launch] of [
    ['course', JSON.stringify({ endpoint: lrs.endpoint, auth: lrs.auth, actor: { mbox: 'mailto:dewi@example.go.id', name: 'Dewi' } })],
    ['broken-launch', '{"endpoint": "lrs.example", "actor": {"name": "No id"}, "registraton": "x"}'],
  ]) {
    await cp(path.join(DIST, 'modules'), path.join(site, folder), { recursive: true });
    await writeFile(path.join(site, folder, 'launch.json'), launch);
  }
  server = await serveStatic({ root: site });
  browser = await launchBrowser();
});

// A tab left open by a failed test would keep the module's sender lock, so that the next
// test's tab could never send: close every tab after each test.
afterEach(async () => {
  for (const page of browser?.context.pages() ?? []) {
    if (page !== browser.page) await page.close().catch(() => {});
  }
});

after(async () => {
  await browser?.close();
  await server?.close();
  await lrs?.stop();
  if (site) await rm(site, { recursive: true, force: true });
});

async function answerFirstQuestion(page) {
  await page.waitForSelector('#q-q-pin-false');
  await chooseByMouse(page).trueFalse('q-pin', 'false');
}

test('refused credentials and a missing LRS keep every statement queued until delivery works', async () => {
  const page = await browser.newPage();
  const wrongAuth = 'Basic ' + Buffer.from('pelita:wrong').toString('base64');
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', endpoint: lrs.endpoint, auth: wrongAuth, actor: ACTOR, lang: 'en' }));
  await answerFirstQuestion(page);
  // The LRS refuses (401); the record panel says so and keeps all three statements.
  await page.click('#record-title');
  await page.waitForFunction(() => document.querySelector('.record .warning')?.textContent.startsWith('401'));
  // The learner is told plainly, and sending pauses instead of hammering the LRS.
  const status = await page.textContent('.sync-state.paused');
  assert.match(status, /^Sending paused: the LRS refused the credentials \(401\)\. Your records are safe on this device; ask the course administrator to check the LRS access\./);
  assert.match(status, /3 records waiting to sync/);
  await page.waitForSelector('.sync button');
  let kept = await recordedStatements(page);
  assert.deepEqual(kept.map((e) => e.delivery), ['Queued', 'Queued', 'Queued']);
  assert.equal((await lrs.statements()).length, 0);

  // Then the LRS is not reachable at all (a closed port): still nothing is lost.
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', endpoint: 'http://127.0.0.1:9/xAPI/', auth: lrs.auth, actor: ACTOR, lang: 'en' }));
  assert.ok(await answerResumeOffer(page, 'continue'), 'the learner is offered to continue');
  await page.waitForSelector('#q-q-pin-true');
  await page.click('#record-title');
  await page.waitForFunction(() => document.querySelector('.record .warning'));
  kept = await recordedStatements(page);
  // The earlier three, `suspended` as the first page went away, then `resumed` and the
  // page experienced again.
  const verbs = kept.map((e) => e.statement.verb.id.split('/').pop());
  assert.deepEqual(verbs, ['initialized', 'experienced', 'answered', 'suspended', 'resumed', 'experienced']);
  assert.ok(kept.every((e) => e.delivery === 'Queued'));

  // With the right launch, everything queued before goes out, exactly once.
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', endpoint: lrs.endpoint, auth: lrs.auth, actor: ACTOR, lang: 'en' }));
  await answerResumeOffer(page, 'continue');
  await waitForDelivery(page, 9);
  const made = await recordedStatements(page);
  const stored = await lrs.statements();
  assert.deepEqual(new Set(stored.map((s) => s.id)), new Set(made.map((e) => e.statement.id)));
  assert.equal(stored.length, 9);
  assert.deepEqual(validateStatements(stored), []);
  await page.close();
});

test('a broken module gets an error page listing every problem with file, line and path', async () => {
  const page = await browser.newPage();
  await page.goto(playerUrl(server.url, { module: 'modules/broken.json', lang: 'en' }));
  await page.waitForSelector('.error-page');
  const problems = await page.$$eval('.problems li', (items) => items.map((li) => li.textContent));
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems.find((p) => p.includes('$.masteryScore')), /^modules\/broken\.json:\d+:\d+: \$\.masteryScore: must be a number from 0 to 1/);
  assert.match(problems.find((p) => p.includes('.alt')), /^modules\/broken\.json:\d+:\d+: \$\.lessons\[0\]\.pages\[1\]\.blocks\[2\]\.alt: missing required field `alt`/);
  assert.match(problems.find((p) => p.includes('hologram')), /\$\.lessons\[1\]\.pages\[0\]\.blocks\[\d+\]\.type: unknown block type `hologram`/);
  // The reported line really is where the problem is.
  const source = (await readFile(path.join(site, 'modules/broken.json'), 'utf8')).split('\n');
  const line = Number(problems.find((p) => p.includes('$.masteryScore')).split(':')[1]);
  assert.match(source[line - 1], /"masteryScore": 1.5/);

  await page.goto(playerUrl(server.url, { module: 'modules/not-json.json' }));
  await page.waitForSelector('.error-page');
  assert.match(await page.textContent('.problems'), /^modules\/not-json\.json:3:9: \$: not valid JSON/);

  await page.goto(playerUrl(server.url, { module: 'modules/missing.json' }));
  await page.waitForSelector('.error-page');
  assert.match(await page.textContent('.problems'), /modules\/missing\.json: not found \(HTTP 404\)/);
  await page.close();
});

test('broken launch parameters are named on the error page instead of being ignored', async () => {
  const page = await browser.newPage();
  const url = new URL(server.url);
  url.search = new URLSearchParams({ module: 'modules/phishing.json', endpoint: 'ftp://lrs', actor: '{nope', registration: '42' }).toString();
  await page.goto(url.toString());
  await page.waitForSelector('.error-page');
  const problems = await page.$$eval('.problems li', (items) => items.map((li) => li.textContent));
  assert.deepEqual(problems.map((p) => p.split(':').slice(0, 2).join(':')), ['query: endpoint', 'query: actor', 'query: registration']);
  await page.close();
});

test('a browser that blocks storage still plays the module and delivers the record', async () => {
  const page = await browser.newPage();
  // Some privacy modes and sandboxed frames throw on any use of window.localStorage and
  // window.indexedDB.
  await page.addInitScript(() => {
    for (const name of ['localStorage', 'indexedDB']) {
      Object.defineProperty(window, name, {
        get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
      });
    }
  });
  const before = (await lrs.statements()).length;
  // A learner with no attempt saved: against an LRS with a State API (the embedded one),
  // Budi's unfinished attempt of the first test would rightly be offered for resuming.
  const fresh = { mbox: 'mailto:citra@example.go.id', name: 'Citra' };
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', endpoint: lrs.endpoint, auth: lrs.auth, actor: fresh, lang: 'en' }));
  await answerFirstQuestion(page);
  await page.click('#record-title');
  await page.waitForFunction(() => document.querySelector('.record [role=alert]')?.textContent.includes('storage blocked'));
  await page.waitForFunction(() => document.querySelectorAll('.record .entry.sent').length === 3);
  const stored = await lrs.statements();
  assert.equal(stored.length - before, 3, 'initialized, experienced and answered reached the LRS');
  await page.close();
});

test('a player that cannot download says so instead of loading forever', async () => {
  // A first visit, in a fresh profile: in the shared one the service worker (www/sw.js)
  // already serves the wasm from its cache, where page.route cannot reach it.
  const fresh = await launchBrowser();
  try {
    const page = fresh.page;
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto(playerUrl(server.url, { module: 'modules/phishing.json' }));
    await page.waitForSelector('.error-page[role=alert]');
    assert.match(await page.textContent('.error-page'), /Pelita could not start/);
  } finally {
    await fresh.close();
  }
});

test('launch.json beside the module configures the LRS, and the query overrides it', async () => {
  const page = await browser.newPage();
  // Start from an empty record: earlier tests played the same module in this profile.
  await page.goto(server.url + 'modules/launch.json');
  await page.evaluate(() => new Promise((resolve, reject) => {
    localStorage.clear();
    const request = indexedDB.deleteDatabase('pelita');
    request.onsuccess = resolve;
    request.onerror = () => reject(request.error);
  }));
  const before = (await lrs.statements()).length;
  await page.goto(playerUrl(server.url, { module: 'course/phishing.json', lang: 'en' }));
  await answerFirstQuestion(page);
  await page.click('#record-title');
  await page.waitForFunction(() => document.querySelectorAll('.record .entry.sent').length === 3);
  const stored = (await lrs.statements()).slice(0, 3);
  assert.equal((await lrs.statements()).length - before, 3);
  assert.ok(stored.every((s) => s.actor.mbox === 'mailto:dewi@example.go.id'), 'the actor comes from launch.json');
  // The image of the course folder resolves beside its module.
  await page.click('.nav button.primary');
  await page.waitForFunction(() => document.querySelector('figure img')?.complete && document.querySelector('figure img').naturalWidth > 0);
  assert.match(await page.getAttribute('figure img', 'src'), /^course\/img\//);

  // The same course with a wrong credential in the query: the query wins (401, kept queued).
  const wrong = 'Basic ' + Buffer.from('pelita:nope').toString('base64');
  await page.goto(playerUrl(server.url, { module: 'course/phishing.json', auth: wrong, lang: 'en' }));
  // Dewi left the first attempt on its second page: she is offered to start over.
  assert.ok(await answerResumeOffer(page, 'start over'));
  await page.waitForSelector('#q-q-pin-true');
  await page.click('#record-title');
  await page.waitForFunction(() => document.querySelector('.record .warning')?.textContent.startsWith('401'));
  await page.close();
});

test('a broken launch.json is named on the error page, key by key', async () => {
  const page = await browser.newPage();
  await page.goto(playerUrl(server.url, { module: 'broken-launch/phishing.json' }));
  await page.waitForSelector('.error-page');
  const problems = await page.$$eval('.problems li', (items) => items.map((li) => li.textContent));
  const fields = problems.map((p) => p.split(':').slice(0, 2).join(':')).sort();
  assert.deepEqual(fields, [
    'broken-launch/launch.json: actor',
    'broken-launch/launch.json: endpoint',
    'broken-launch/launch.json: registraton',
  ]);
  await page.close();
});
