// Resume: the attempt is saved after every step, in the browser and in the LRS State API,
// and a learner who comes back (in this browser, or in a brand-new one with the same
// actor) is offered to continue at the same page with the same answers; `suspended` and
// `resumed` are reported under the attempt's one registration. The reference LRS has no
// State API, so the harness's proxy serves one in memory in front of it; the embedded LRS
// (PELITA_E2E_LRS=embedded) has its own, which then holds the attempt.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLrs } from '../support/lrs.mjs';
import { startProxy } from '../support/proxy.mjs';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { validateStatements } from '../support/validate.mjs';
import { DIST, requireDist, playerUrl, chooseByMouse, expectHeading, waitForDelivery } from './helpers.mjs';

let lrs, proxy, server;
const EMBEDDED = process.env.PELITA_E2E_LRS === 'embedded';
const MODULE_ID = 'https://pelita.example.org/modules/phishing';

before(async () => {
  requireDist();
  lrs = await startLrs({ username: 'pelita', password: 'resume-secret' });
  proxy = await startProxy({ target: lrs.endpoint, stateApi: EMBEDDED ? null : { auth: lrs.auth } });
  server = await serveStatic({ root: DIST });
});

after(async () => {
  await server?.close();
  await proxy?.close();
  await lrs?.stop();
});

const actor = (name) => ({ objectType: 'Agent', name, mbox: `mailto:${name.toLowerCase()}@example.go.id` });
const launch = (name) => playerUrl(server.url, {
  module: 'modules/phishing.json', endpoint: proxy.endpoint(lrs.endpoint), auth: lrs.auth, actor: actor(name), lang: 'en',
});
const verb = (s) => s.verb.id.split('/').pop();

async function storedFor(name) {
  return lrs.statements({ agent: JSON.stringify({ mbox: actor(name).mbox }), ascending: 'true' });
}

/** The saved attempt the State API holds for `name`, parsed. */
async function savedAttempt(name) {
  if (EMBEDDED) {
    const query = new URLSearchParams({
      stateId: 'pelita.session.v1', activityId: MODULE_ID, agent: JSON.stringify({ mbox: actor(name).mbox }),
    });
    const res = await lrs.request(`activities/state?${query}`);
    if (res.status === 404) return undefined;
    assert.equal(res.status, 200, `GET state answered ${res.status}`);
    return res.json();
  }
  const doc = [...proxy.states.values()].find((d) => JSON.parse(d.query.agent).mbox === actor(name).mbox);
  return doc && JSON.parse(doc.text);
}

test('answer half, close the browser, open a new one with the same actor: continue at the same question', async (t) => {
  const first = await launchBrowser({ viewport: { width: 360, height: 740 } });
  // A failure before the first browser is closed below must not leave it running: the
  // test file would never end.
  let firstOpen = true;
  t.after(() => (firstOpen ? first.close() : undefined));
  let page = first.page;
  await page.goto(launch('Eka'));
  let mouse = chooseByMouse(page);
  await page.waitForSelector('#q-q-pin-false');
  await mouse.trueFalse('q-pin', 'false');
  await mouse.next();
  await mouse.next();
  await mouse.choice('q-url', ['b']);
  // Saved to the LRS after the answer: page 3 of 5, two answers.
  const deadline = Date.now() + 10_000;
  while (!(await savedAttempt('Eka'))?.attempt?.answers?.['q-url'] && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const saved = await savedAttempt('Eka');
  // The seed of the attempt's pools and shuffles (from its registration) is kept as text.
  const { seed, ...attempt } = saved.attempt;
  assert.match(seed, /^\d+$/);
  assert.deepEqual(attempt, { attempt: 1, page: 2, answers: { 'q-pin': false, 'q-url': ['b'] }, drafts: {} });
  assert.equal(saved.module, 'https://pelita.example.org/modules/phishing');
  const heading = await page.textContent('h1');
  await waitForDelivery(page, 6);
  firstOpen = false;
  await first.close();

  // A new browser (another device): nothing in its storage, only the LRS knows.
  const second = await launchBrowser({ viewport: { width: 360, height: 740 } });
  try {
    page = second.page;
    await page.goto(launch('Eka'));
    await page.waitForSelector('main.resume');
    assert.equal((await page.textContent('main.resume h1')).trim(), 'Continue where you left off?');
    assert.match(await page.textContent('main.resume p'), /Page 3 of 5 · 2 questions answered/);
    await page.click('main.resume button.primary');
    await expectHeading(page, heading);
    // The answer given on the other device is there, final, with its feedback.
    assert.match(await page.textContent('#q-q-url .feedback'), /is correct/);
    assert.ok(await page.isDisabled('#q-q-url-b'), 'answers stay final');
    mouse = chooseByMouse(page);
    await mouse.next();
    await mouse.next();
    await mouse.choice('q-signs', ['a', 'c', 'd']);
    await mouse.trueFalse('q-attachment', 'true');
    await mouse.choice('q-report', ['c']);
    await page.click('.nav .finish button');
    await expectHeading(page, 'Your result');
    // Both devices' answers count: 6 of 6.
    assert.match(await page.textContent('.score'), /6 of 6 points \(100%\)/);
    await waitForDelivery(page, 10);
    const stored = await storedFor('Eka');
    const verbs = stored.map(verb);
    assert.deepEqual(verbs.slice(0, 6), ['initialized', 'experienced', 'answered', 'experienced', 'experienced', 'answered']);
    const resumedAt = verbs.indexOf('resumed');
    assert.ok(resumedAt >= 6, verbs.join(' '));
    assert.deepEqual(verbs.slice(resumedAt), [
      'resumed', 'experienced', 'experienced', 'experienced', 'answered', 'answered', 'answered', 'completed', 'passed', 'terminated',
    ]);
    const registrations = new Set(stored.map((s) => s.context.registration));
    assert.equal(registrations.size, 1, 'one attempt, one registration, on both devices');
    const passed = stored.find((s) => verb(s) === 'passed');
    assert.deepEqual(passed.result.score, { scaled: 1, raw: 6, min: 0, max: 6 });
    assert.deepEqual(validateStatements(stored), []);
    // Finished: nothing left to continue.
    assert.equal((await savedAttempt('Eka')).attempt, null);
  } finally {
    await second.close();
  }
});

test('on the same device a reload offers to continue; starting over is a new attempt', async () => {
  const browser = await launchBrowser();
  try {
    const page = browser.page;
    await page.goto(launch('Fajar'));
    await page.waitForSelector('#q-q-pin-true');
    await chooseByMouse(page).trueFalse('q-pin', 'true');
    await page.reload();
    await page.waitForSelector('main.resume');
    assert.match(await page.textContent('main.resume p'), /Page 1 of 5 · 1 question answered/);
    await page.click('main.resume button.secondary');
    await page.waitForSelector('#q-q-pin-true:not([disabled])');
    assert.equal(await page.isChecked('#q-q-pin-true'), false, 'a fresh attempt');
    const made = await waitForDelivery(page, 6);
    const verbs = made.map((e) => verb(e.statement));
    // The reload suspended the first attempt; starting over began the second.
    assert.deepEqual(verbs, ['initialized', 'experienced', 'answered', 'suspended', 'initialized', 'experienced']);
    const first = made[0].statement.context.registration;
    assert.equal(made[3].statement.context.registration, first, 'suspended belongs to the first attempt');
    assert.notEqual(made[4].statement.context.registration, first, 'a new attempt, a new registration');
    assert.match(made[3].statement.result.duration, /^PT\d+(\.\d+)?S$/);
    assert.deepEqual(validateStatements(made.map((e) => e.statement)), []);
  } finally {
    await browser.close();
  }
});
