// The player as a cmi5 Assignable Unit, end to end: the harness plays the LMS
// (tests/support/cmi5-lms.mjs: the one-time fetch URL, LMS.LaunchData, the learner
// preferences, and the xAPI endpoint in front of the real LRS), launches the player with
// real cmi5 launch parameters, and checks every stored statement against the cmi5 rules
// (the harness's independent checker) and @learninglocker/xapi-validation. Also: a second
// session of the same registration, the way back to returnURL, a window closed in the middle
// of a session, Browse and Review without a verdict, and what the learner reads when the
// LMS fails, in English and Indonesian.

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startLrs } from '../support/lrs.mjs';
import { startCmi5Lms, describeViolations } from '../support/cmi5-lms.mjs';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { validateStatements } from '../support/validate.mjs';
import { packAndUnpack } from '../support/pack.mjs';
import { axeViolations } from '../support/axe.mjs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { requireDist, chooseByMouse, answerResumeOffer, playExample, answerFromThirdPage, storedOutbox, waitForDelivery } from './helpers.mjs';

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

/** Waits until the LMS stored the current session's terminated. */
async function waitTerminated(lms) {
  const session = lms.current().id;
  await lms.waitFor((e) => e.kind === 'statements' && e.sessionId === session && e.status < 300 && (e.verbs ?? []).includes('terminated'), 20_000);
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
    // cmi5 10.2.6: after terminated, once everything reached the LMS, the window goes to
    // returnURL by itself.
    await page.waitForURL(returnURL, { timeout: 20_000 });
    const home = lms.log.find((e) => e.path === '/course-home');
    assert.ok(home, 'the browser asked the LMS for returnURL');
    const lastPost = lms.log.filter((e) => e.kind === 'statements' && e.method === 'POST').at(-1);
    assert.ok(lastPost.status < 300 && lastPost.seq < home.seq, 'every statement was stored before leaving');
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
  } finally {
    await lms.close();
  }
});

for (const [lang, label] of [['en', 'Return to the course'], ['id', 'Kembali ke kursus']]) {
  test(`returnURL: when the browser does not follow, the way back stays on the page (${lang})`, async () => {
    const lms = await startCmi5Lms({ lrs, publisherId: au.id });
    try {
      const page = (await newBrowser()).page;
      const returnURL = `${lms.url}/course-home`;
      // The navigation to returnURL is cancelled, as a blocked or failed redirect leaves it.
      let asked = 0;
      await page.route(returnURL, (route) => { asked += 1; return route.abort('aborted'); });
      await page.goto(await lms.launchUrl(au.url, { masteryScore: 0.8, returnURL, lang }));
      await playThrough(page, true);
      await waitTerminated(lms);
      const back = await page.waitForSelector('.result a.button.primary');
      assert.equal(await back.getAttribute('href'), returnURL);
      assert.equal((await back.textContent()).trim(), label);
      for (let i = 0; i < 50 && asked === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(asked, 1, 'the redirect was tried once');
      assert.ok(page.url().startsWith(server.url), 'still on the result page');
      // No retry in a cmi5 session: it ended with terminated.
      assert.equal(await page.$('.result button.primary'), null);
    } finally {
      await lms.close();
    }
  });
}

test('a second and third session of the registration send no completed or passed it already has', async () => {
  const lms = await startCmi5Lms({ lrs, publisherId: au.id });
  try {
    const sessionVerbs = async () => (await lms.statements()).filter((s) => !lms.lmsIds.has(s.id)).map(verb);
    // First session: finished but failed (completed and failed).
    let page = (await newBrowser()).page;
    await page.goto(await lms.launchUrl(au.url, { masteryScore: 0.8, lang: 'en' }));
    await playThrough(page, false);
    await waitTerminated(lms);
    assert.deepEqual((await sessionVerbs()).filter((v) => ['completed', 'passed', 'failed'].includes(v)), ['completed', 'failed']);
    // Second session, in a fresh browser (nothing remembered on the device): the LMS's
    // statements say completed is there, so only passed is sent.
    page = (await newBrowser()).page;
    await page.goto(await lms.launchUrl(au.url, { masteryScore: 0.8, lang: 'en' }));
    await playThrough(page, true);
    await waitTerminated(lms);
    const second = await sessionVerbs();
    assert.deepEqual(second.filter((v) => ['completed', 'passed', 'failed'].includes(v)), ['passed']);
    assert.equal(second[0], 'initialized');
    assert.equal(second.at(-1), 'terminated');
    const asked = lms.log.filter((e) => e.kind === 'statements' && e.method === 'GET' && e.sessionId === lms.current().id);
    assert.equal(asked.length, 2, 'the AU asked the LMS for the registration’s completed and passed');
    // Third session: both are there; the learner passes again and neither is sent.
    page = (await newBrowser()).page;
    await page.goto(await lms.launchUrl(au.url, { masteryScore: 0.8, lang: 'en' }));
    await playThrough(page, true);
    await waitTerminated(lms);
    const third = await sessionVerbs();
    assert.deepEqual(third.filter((v) => ['completed', 'passed', 'failed'].includes(v)), []);
    assert.deepEqual([third[0], third.at(-1)], ['initialized', 'terminated']);
    const all = (await lms.statements('all')).filter((s) => !lms.lmsIds.has(s.id)).map(verb);
    assert.equal(all.filter((v) => v === 'completed').length, 1);
    assert.equal(all.filter((v) => v === 'passed').length, 1);
    assert.deepEqual(await lms.check(), [], describeViolations(await lms.check()));
    assert.deepEqual(validateStatements(await lms.statements('all')), []);
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

const MODE_NOTES = {
  Browse: { lang: 'en', note: /You looked through the module in browse mode: nothing is graded or recorded/, right: /Your answer is correct/ },
  Review: { lang: 'id', note: /Anda meninjau kembali modul dalam mode tinjau: tidak ada yang dinilai atau dicatat/, right: /Jawaban Anda benar/ },
};

for (const launchMode of ['Browse', 'Review']) {
  test(`${launchMode} launch: only initialized and terminated are reported, and no verdict is shown`, async () => {
    const lms = await startCmi5Lms({ lrs, publisherId: au.id });
    const { lang, note, right } = MODE_NOTES[launchMode];
    try {
      const page = (await newBrowser()).page;
      await page.goto(await lms.launchUrl(au.url, { launchMode, lang }));
      // Two wrong answers: a normal launch would say "Not passed".
      await playThrough(page, false);
      // Looking around is not judged: no verdict, score or pass mark, the answers' feedback.
      assert.equal(await page.$('.result .verdict'), null);
      assert.equal(await page.$('.result .score'), null);
      assert.match(await page.textContent('.result .mode-note'), note);
      const rows = await page.$$eval('.result .summary li', (items) => items.map((li) => li.className + ' ' + li.textContent));
      assert.equal(rows.length, 5, 'every question of the attempt');
      assert.equal(rows.filter((r) => r.startsWith('wrong')).length, 2);
      assert.match(rows.find((r) => r.startsWith('right')), right);
      await waitTerminated(lms);
      assert.deepEqual(await lms.check(), [], describeViolations(await lms.check()));
      const mine = (await lms.statements()).filter((s) => !lms.lmsIds.has(s.id));
      assert.deepEqual(mine.map(verb), ['initialized', 'terminated']);
    } finally {
      await lms.close();
    }
  });
}

/** A port on 127.0.0.1 that nothing listens on (connection refused). */
async function closedPort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const ENDED = {
  en: { title: 'This visit to the course has ended', text: /To go on, open the course again from your LMS/ },
  id: { title: 'Kunjungan ke kursus ini sudah berakhir', text: /Untuk melanjutkan, buka lagi kursus ini dari LMS Anda/ },
};

test('closing the window mid-session sends terminated; a reload says the visit ended, and the LMS’s next launch goes on', async () => {
  const lms = await startCmi5Lms({ lrs, publisherId: au.id });
  try {
    const b = await newBrowser();
    const page = b.page;
    const url = await lms.launchUrl(`${au.url}&lang=id`, { masteryScore: 0.8 });
    await page.goto(url);
    await page.waitForSelector('#app #q-q-pin-false');
    // The offline worker controls the page, as it does for a learner. Chromium lost most
    // keepalive batches sent as the page went away that went through a worker's fetch
    // handler, so the worker routes requests other than GET straight to the network
    // (the static routing API; DevTools reports the rule a request matched).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
    const cdp = await b.cdp(page);
    const methods = new Map();
    const routes = [];
    cdp.on('Network.requestWillBeSent', (e) => methods.set(e.requestId, e.request.method));
    cdp.on('Network.responseReceived', (e) => {
      // The statements POST and the saved attempt's PUT after the answer.
      const method = methods.get(e.requestId);
      if (e.type === 'Fetch' && method !== 'GET' && /\/xapi\//i.test(e.response.url)) {
        routes.push(`${method} ${e.response.serviceWorkerRouterInfo?.matchedSourceType ?? 'through the worker'}`);
      }
    });
    await cdp.send('Network.enable');
    await chooseByMouse(page).trueFalse('q-pin', 'false');
    await lms.waitFor((e) => e.kind === 'statements' && (e.verbs ?? []).some((v) => v.endsWith('answered')));
    for (let i = 0; i < 50 && !routes.some((r) => r.startsWith('POST')); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(routes.some((r) => r.startsWith('POST')), 'the statements POST was seen');
    assert.deepEqual(routes.filter((r) => !r.endsWith(' network')), [], 'every request other than GET went past the worker');
    // The page goes away in the middle of the attempt: suspended, then terminated, in the
    // keepalive batch of its last moment.
    await page.goto('about:blank');
    await waitTerminated(lms);
    const first = (await lms.statements()).filter((s) => !lms.lmsIds.has(s.id)).map(verb);
    assert.deepEqual(first.slice(-2), ['suspended', 'terminated']);
    assert.equal(lms.current().state, 'terminated', 'the LMS saw the session end');
    assert.deepEqual(await lms.check(), [], describeViolations(await lms.check()));

    // A reload of the same launch: the session is over, nothing more may be sent in it, and
    // only the LMS starts a new one. The learner is told, in the launch's language.
    const statementsBefore = lms.log.filter((e) => e.kind === 'statements').length;
    for (const lang of ['id', 'en']) {
      await page.goto(url.replace('lang=id', `lang=${lang}`));
      await page.waitForSelector('.lms-stop h1');
      assert.equal((await page.textContent('.lms-stop h1')).trim(), ENDED[lang].title);
      assert.match(await page.textContent('.lms-stop'), ENDED[lang].text);
      assert.deepEqual(await axeViolations(page), [], 'the page is accessible');
    }
    await page.reload();
    await page.waitForSelector('.lms-stop h1');
    assert.equal(lms.log.filter((e) => e.kind === 'fetch').length, 1, 'the one-time fetch URL was not posted again');
    assert.equal(lms.log.filter((e) => e.kind === 'statements').length, statementsBefore, 'nothing was sent for the ended session');

    // The LMS launches again (a new session): the attempt is offered and goes on.
    await page.goto(await lms.launchUrl(`${au.url}&lang=en`, { masteryScore: 0.8 }));
    assert.ok(await answerResumeOffer(page, 'continue'), 'the attempt is offered again');
    await page.waitForSelector('#q-q-pin .feedback');
    await chooseByMouse(page).next();
    await chooseByMouse(page).next();
    await answerFromThirdPage(page);
    await waitTerminated(lms);
    const second = (await lms.statements()).filter((s) => !lms.lmsIds.has(s.id)).map(verb);
    assert.equal(second[0], 'initialized', 'the new session opens with initialized');
    assert.ok(second.includes('completed') && second.includes('passed'));
    assert.equal(second.at(-1), 'terminated');
    assert.equal(lms.sessions.length, 2);
    // What the closed window's last batch carried was asked for by id, found in the LMS,
    // and counts as delivered; nothing of the first session went out with the new token.
    await waitForDelivery(page, 1, 20_000, lms.activityId);
    const kept = await storedOutbox(page, lms.activityId);
    assert.deepEqual(kept.filter((e) => e.delivery !== 'Sent').map((e) => verb(e.statement)), []);
    const firstSession = lms.sessions[0].id;
    assert.ok(lms.received.filter((r) => r.sessionId !== firstSession).every((r) =>
      r.statements.every((st) => st.context.extensions['https://w3id.org/xapi/cmi5/context/extensions/sessionid'] !== firstSession)));
    assert.deepEqual(await lms.check(), [], describeViolations(await lms.check()));
    assert.deepEqual(validateStatements(await lms.statements('all')), []);
  } finally {
    await lms.close();
  }
});

const REFUSED = {
  en: { text: /Your LMS did not let this course start\. Open the course again from your LMS\./, detail: 'The LMS answered: 1: The authorization token has already been returned.' },
  id: { text: /LMS Anda tidak mengizinkan kursus ini dimulai\. Buka lagi kursus ini dari LMS Anda\./, detail: 'Jawaban LMS: 1: The authorization token has already been returned.' },
};
const LINK_USED = {
  en: /This course link works only once, and it was already used on this device\. Open the course again from your LMS\./,
  id: /Tautan kursus ini hanya berlaku sekali dan sudah dipakai di perangkat ini\. Buka lagi kursus ini dari LMS Anda\./,
};
const UNREACHABLE = {
  en: /Your LMS could not be reached, so this course could not start\. Check your internet connection, then open the course again from your LMS\./,
  id: /LMS Anda tidak dapat dihubungi, jadi kursus ini tidak dapat dimulai\. Periksa koneksi internet Anda, lalu buka lagi kursus ini dari LMS Anda\./,
};

for (const lang of ['en', 'id']) {
  test(`a refused fetch URL tells the learner to open the course again from the LMS (${lang}), and a reload does not post it again`, async () => {
    const lms = await startCmi5Lms({ lrs, publisherId: au.id });
    try {
      const url = await lms.launchUrl(`${au.url}&lang=${lang}`, { masteryScore: 0.8 });
      // Another browser (or an LMS that broke) took the token: the LMS refuses this fetch.
      const other = (await newBrowser()).page;
      await other.goto(url);
      await other.waitForSelector('#app #q-q-pin-false');
      const page = (await newBrowser()).page;
      await page.goto(url);
      await page.waitForSelector('.lms-stop');
      const text = await page.textContent('.lms-stop');
      assert.match(text, REFUSED[lang].text);
      assert.equal((await page.textContent('.lms-stop .detail')).trim(), REFUSED[lang].detail);
      assert.doesNotMatch(text, /Fix each problem|Perbaiki setiap masalah/, 'no advice for authors');
      assert.deepEqual(await axeViolations(page), [], 'the page is accessible');
      assert.equal(lms.log.filter((e) => e.kind === 'fetch').length, 2);
      await page.reload();
      await page.waitForSelector('.lms-stop');
      assert.match(await page.textContent('.lms-stop'), LINK_USED[lang]);
      assert.equal(lms.log.filter((e) => e.kind === 'fetch').length, 2, 'the reload did not post the fetch URL again');
    } finally {
      await lms.close();
    }
  });

  test(`an LMS that cannot be reached (connection refused) gets the learner's words (${lang})`, async () => {
    const lms = await startCmi5Lms({ lrs, publisherId: au.id });
    try {
      const url = new URL(await lms.launchUrl(`${au.url}&lang=${lang}`, { masteryScore: 0.8 }));
      url.searchParams.set('fetch', `http://127.0.0.1:${await closedPort()}/fetch/gone`);
      const page = (await newBrowser()).page;
      await page.goto(url.href);
      await page.waitForSelector('.lms-stop');
      const text = await page.textContent('.lms-stop');
      assert.match(text, UNREACHABLE[lang]);
      assert.doesNotMatch(text, /Fix each problem|Perbaiki setiap masalah/);
      await page.reload();
      await page.waitForSelector('.lms-stop');
      assert.match(await page.textContent('.lms-stop'), LINK_USED[lang], 'the reload did not try the fetch URL again');
    } finally {
      await lms.close();
    }
  });
}

// The cmi5 part of the player is a chunk of its own (crates/player/src/chunks.rs, CMI5),
// downloaded only by a cmi5 launch. When it cannot be downloaded (twice), the launch stops
// before anything is asked of the LMS: the one-time fetch URL is still unused, so the
// learner's "Try again" (a reload) starts the session as if nothing had happened.
test('a cmi5 chunk that cannot be downloaded stops before the fetch URL is used; "Try again" then starts the session', async () => {
  const lms = await startCmi5Lms({ lrs, publisherId: au.id });
  try {
    const b = await newBrowser();
    const page = b.page;
    let refusing = true;
    let requests = 0;
    await page.route(/\/split_cmi5-[0-9a-f]{16}\.wasm$/, (route) => {
      requests += 1;
      return refusing ? route.abort('failed') : route.continue();
    });
    await page.goto(await lms.launchUrl(`${au.url}&lang=en`, { masteryScore: 0.8 }));
    await page.waitForSelector('.lms-stop');
    assert.ok(requests >= 2, `tried again before the learner is told (${requests} request(s))`);
    const text = await page.textContent('.lms-stop');
    assert.match(text, /The course could not start/);
    assert.match(text, /This part of the player could not be downloaded/);
    assert.doesNotMatch(text, /Fix each problem/, 'no advice for authors');
    assert.deepEqual(await axeViolations(page), [], 'the page is accessible');
    assert.equal(lms.log.filter((e) => e.kind === 'fetch').length, 0, 'the fetch URL was not posted');
    refusing = false;
    await page.click('.lms-stop button');
    await page.waitForSelector('#app #q-q-pin-false');
    assert.equal(lms.log.filter((e) => e.kind === 'fetch').length, 1, 'posted once, by the launch that could go on');
    await lms.waitFor((e) => e.kind === 'statements' && e.status < 300 && (e.verbs ?? []).includes('initialized'), 20_000);
    // The learner leaves: the session ends as any other does, every cmi5 rule kept.
    await page.goto('about:blank');
    await waitTerminated(lms);
    assert.deepEqual(await lms.check(), [], describeViolations(await lms.check()));
  } finally {
    await lms.close();
  }
});
