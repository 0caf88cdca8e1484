// The player as a cmi5 Assignable Unit, end to end: the harness plays the LMS
// (tests/support/cmi5-lms.mjs: the one-time fetch URL, LMS.LaunchData, the learner
// preferences, and the xAPI endpoint in front of the real LRS), launches the player with
// real cmi5 launch parameters, and checks every stored statement against the cmi5 rules
// (the harness's independent checker) and @learninglocker/xapi-validation.

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startLrs } from '../support/lrs.mjs';
import { startCmi5Lms, describeViolations } from '../support/cmi5-lms.mjs';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { validateStatements } from '../support/validate.mjs';
import { packAndUnpack } from '../support/pack.mjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { requireDist, chooseByMouse, answerResumeOffer, playExample, answerFromThirdPage } from './helpers.mjs';

let lrs, server, browser, au;
const opened = [];

before(async () => {
  requireDist();
  lrs = await startLrs({ username: 'pelita', password: 'cmi5-secret' });
  // The package `pelita pack --format cmi5` makes is what the LMS imports and serves.
  const pkg = await packAndUnpack('cmi5');
  server = await serveStatic({ root: pkg.dir });
  const xml = await readFile(path.join(pkg.dir, 'cmi5.xml'), 'utf8');
  au = {
    id: xml.match(/<au[^>]*\sid="([^"]+)"/)[1],
    url: server.url + xml.match(/<url>([^<]+)<\/url>/)[1].replace(/&amp;/g, '&'),
    moveOn: xml.match(/moveOn="([^"]+)"/)[1],
    masteryScore: Number(xml.match(/masteryScore="([^"]+)"/)[1]),
  };
});

afterEach(async () => {
  for (const b of opened.splice(0)) await b.close().catch(() => {});
});

after(async () => {
  await server?.close();
  await lrs?.stop();
});

async function newBrowser() {
  const b = await launchBrowser({ viewport: { width: 360, height: 740 } });
  opened.push(b);
  return b;
}

const verb = (s) => s.verb.id.split('/').pop();
const CMI5 = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
const categories = (s) => (s.context?.contextActivities?.category ?? []).map((c) => c.id);

/** Plays the example module to the end: all right when `pass`, else two wrong. */
function playThrough(page, pass) {
  return playExample(page, pass ? {} : { pin: 'true', report: 'a' });
}

async function waitTerminated(lms) {
  await lms.waitFor((e) => e.kind === 'statements' && e.status < 300 && (e.verbs ?? []).includes('terminated'), 20_000);
}

test('Normal launch: passed against the LMS mastery score, every cmi5 rule kept, back to the LMS', async () => {
  const lms = await startCmi5Lms({ lrs, publisherId: au.id });
  try {
    const b = await newBrowser();
    const page = b.page;
    const returnURL = `${lms.url}/course-home`;
    // As the LMS imported them from cmi5.xml: the module's mastery score and moveOn.
    await page.goto(await lms.launchUrl(au.url, { masteryScore: au.masteryScore, moveOn: au.moveOn, returnURL, lang: 'id' }));
    // The learner preference chose Indonesian.
    await page.waitForFunction(() => document.documentElement.lang === 'id');
    await playThrough(page, true);
    await waitTerminated(lms);
    // The way back appears once everything reached the LMS.
    const back = await page.waitForSelector('.result a.button.primary');
    assert.equal(await back.getAttribute('href'), returnURL);
    const stored = await lms.statements();
    assert.deepEqual(await lms.check(), [], describeViolations(await lms.check()));
    const mine = stored.filter((s) => !lms.lmsIds.has(s.id));
    assert.deepEqual(mine.map(verb), [
      'initialized', 'experienced', 'answered', 'experienced', 'experienced', 'answered',
      'experienced', 'experienced', 'answered', 'answered', 'answered', 'completed', 'passed', 'terminated',
    ]);
    const passed = mine.find((s) => verb(s) === 'passed');
    assert.equal(passed.object.id, lms.activityId);
    const cmi5Categories = (s) => categories(s).filter((c) => c.startsWith('https://w3id.org/xapi/cmi5/'));
    assert.deepEqual(cmi5Categories(passed).sort(), [CMI5, 'https://w3id.org/xapi/cmi5/context/categories/moveon'].sort());
    // The module's competencies travel alongside.
    assert.ok(categories(passed).includes('https://pelita.example.org/competencies/keamanan-siber'));
    assert.equal(passed.context.extensions['https://w3id.org/xapi/cmi5/context/extensions/masteryscore'], 0.8);
    assert.ok(mine.filter((s) => verb(s) === 'answered').every((s) => !categories(s).includes(CMI5)), 'answers are cmi5 allowed');
    assert.ok(mine.every((s) => s.context.registration === lms.registration));
    assert.deepEqual(validateStatements(stored), []);
    // No retry in a cmi5 session: it ended with terminated.
    assert.equal(await page.$('.result button.primary'), null);
  } finally {
    await lms.close();
  }
});

test('Normal launch: failed when the LMS mastery score is above the module’s own', async () => {
  const lms = await startCmi5Lms({ lrs, publisherId: au.id });
  try {
    const page = (await newBrowser()).page;
    // 5 of 6 (0.83) passes the module's own 0.8, but not the LMS's 0.9.
    await page.goto(await lms.launchUrl(au.url, { masteryScore: 0.9, lang: 'en' }));
    await playExample(page, { report: 'a' });
    assert.equal((await page.textContent('.verdict')).trim(), 'Not passed');
    await waitTerminated(lms);
    assert.deepEqual(await lms.check(), [], describeViolations(await lms.check()));
    const failed = (await lms.statements()).find((s) => verb(s) === 'failed');
    assert.equal(failed.result.score.scaled, 0.8333);
    assert.equal(failed.context.extensions['https://w3id.org/xapi/cmi5/context/extensions/masteryscore'], 0.9);
  } finally {
    await lms.close();
  }
});

for (const launchMode of ['Browse', 'Review']) {
  test(`${launchMode} launch: only initialized and terminated are reported`, async () => {
    const lms = await startCmi5Lms({ lrs, publisherId: au.id });
    try {
      const page = (await newBrowser()).page;
      await page.goto(await lms.launchUrl(au.url, { launchMode, lang: 'en' }));
      await playThrough(page, true);
      await waitTerminated(lms);
      assert.deepEqual(await lms.check(), [], describeViolations(await lms.check()));
      const mine = (await lms.statements()).filter((s) => !lms.lmsIds.has(s.id));
      assert.deepEqual(mine.map(verb), ['initialized', 'terminated']);
    } finally {
      await lms.close();
    }
  });
}

test('a reload in the middle of a session goes on with the same token; a second fetch is refused', async () => {
  const lms = await startCmi5Lms({ lrs, publisherId: au.id });
  try {
    const b = await newBrowser();
    const page = b.page;
    const url = await lms.launchUrl(au.url, { masteryScore: 0.8, lang: 'en' });
    await page.goto(url);
    await page.waitForSelector('#q-q-pin-false');
    await chooseByMouse(page).trueFalse('q-pin', 'false');
    await lms.waitFor((e) => e.kind === 'statements' && (e.verbs ?? []).some((v) => v.endsWith('answered')));
    await page.reload();
    assert.ok(await answerResumeOffer(page, 'continue'), 'the attempt is offered again');
    await page.waitForSelector('#q-q-pin .feedback');
    const fetches = lms.log.filter((e) => e.kind === 'fetch');
    assert.equal(fetches.length, 1, 'the token was kept, not fetched again');
    await chooseByMouse(page).next();
    await chooseByMouse(page).next();
    await answerFromThirdPage(page);
    await waitTerminated(lms);
    assert.deepEqual(await lms.check(), [], describeViolations(await lms.check()));
    const mine = (await lms.statements()).filter((s) => !lms.lmsIds.has(s.id));
    assert.equal(mine.filter((s) => verb(s) === 'initialized').length, 1, 'one initialized in the session');
    assert.ok(mine.some((s) => verb(s) === 'suspended') && mine.some((s) => verb(s) === 'resumed'));
    assert.equal(verb(mine.at(-1)), 'terminated');

    // The same launch URL in another browser has no token, and the LMS refuses a second
    // fetch: the learner is told plainly, nothing is sent.
    const other = (await newBrowser()).page;
    await other.goto(url);
    await other.waitForSelector('.error-page');
    assert.match(await other.textContent('.error-page'), /error "?1"?.*open the course again from the LMS/s);
  } finally {
    await lms.close();
  }
});
