// The pre-rendered first page, end to end: the learner reads the module's first page and
// picks an answer while the player's wasm is held back (route interception), checks it
// before the player runs (the pre-render judged each answer), clicks "Next" and is told
// the player is not ready yet; once the wasm arrives the player takes over with the
// answer kept, checked again and the click done, and the `answered` statement
// reaches a real LRS (Learning Locker's, and the embedded one). Once on a static server (dist/phishing.html, the module's default
// language; the player then takes over in the learner's language, English here) and once
// through `pelita serve`, which renders the page for the launch in its `lang` under its
// strict Content-Security-Policy.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReferenceLrs } from '../support/lrs.mjs';
import { startProxy } from '../support/proxy.mjs';
import { serveStatic } from '../support/serve.mjs';
import { startPelitaServe } from '../support/pelita-serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { axeViolations } from '../support/axe.mjs';
import {
  DIST, MODULE_ID, VERB, requireDist, playerUrl, waitForDelivery, answerResumeOffer,
} from './helpers.mjs';

const ACTOR = { objectType: 'Agent', name: 'Dewi Lestari', mbox: 'mailto:dewi.lestari@example.go.id' };

/**
 * Records every failed response of `page` but the 404 of a saved attempt that does not
 * exist (or of an LRS without the State API); Chromium logs each as a console error too.
 */
function watchFailures(page) {
  const failed = [];
  page.on('response', (r) => {
    const url = new URL(r.url());
    const noSavedAttempt = r.status() === 404 && url.pathname.endsWith('/activities/state')
      && r.request().method() === 'GET';
    if (r.status() >= 400 && !noSavedAttempt) failed.push(`${r.request().method()} ${url.pathname} ${r.status()}`);
  });
  return failed;
}

/** Console errors but the saved-attempt 404s, when no other request failed. */
function unexpected(errors, failed) {
  return errors.filter((e) => !(failed.length === 0 && /status of 404/.test(e.text)));
}

/** Holds every .wasm request of `page` until the returned function is called. */
async function holdWasm(page) {
  let release;
  const released = new Promise((r) => { release = r; });
  const held = [];
  await page.route(/\.wasm(\?|$)/, async (route) => {
    held.push(route.request().url());
    await released;
    // The page may have been closed meanwhile; its request is gone with it.
    await route.continue().catch(() => {});
  });
  return { release, held };
}

/**
 * A second browser (`options` for its context) on `pageName` of `server` with its wasm held back (in the suite's first
 * browser the service worker serves the wasm, past the route that holds it), closed after
 * the test.
 */
async function openHeld(pageName, server, launch, options = {}) {
  const other = await launchBrowser({ viewport: { width: 360, height: 740 }, ...options });
  const page = other.page;
  const errors = other.watch(page);
  const failed = watchFailures(page);
  after(() => other.close());
  const wasm = await holdWasm(page);
  await page.goto(playerUrl(new URL(pageName, server.url).href, launch));
  return { page, errors, failed, wasm };
}

/**
 * The learner's part before the wasm runs; returns nothing, asserts as it goes. The
 * question's answers were judged by the pre-render, so "Check" works at once: `verdict`
 * is the feedback's class (`right` or `wrong`) and `feedback` its words. "Next" needs
 * the player: when `next` is set it is clicked, and the page says the player is not
 * ready yet (`note`) and keeps the click.
 */
async function beforeTheWasm(page, { heading, answer, verdict, feedback, next, note, keyboard }) {
  // The first page is there as HTML: heading, text, the question's real radio buttons.
  await page.waitForSelector('#prerendered h1', { state: 'visible' });
  assert.equal((await page.textContent('#prerendered h1')).trim(), heading);
  assert.ok(await page.isVisible('#prerendered .rich p'), 'the page text is visible');
  assert.equal(await page.$$eval('#prerendered input[type=radio]', (l) => l.length), 2);
  // The player has not started: its element is empty and hidden.
  assert.equal(await page.$eval('#app', (a) => a.hidden && a.childElementCount === 0), true);
  // "Check" waits for an answer, as the player's does.
  const check = '#prerendered #q-q-pin button.primary';
  assert.equal(await page.isDisabled(check), true);
  assert.equal(await page.getAttribute(check, 'aria-disabled'), null);
  // Picking an answer works without the wasm: it is a real radio button.
  if (keyboard) {
    await page.focus(`#prerendered #q-q-pin-${answer}`);
    await page.keyboard.press('Space');
  } else {
    await page.click(`#prerendered label[for="q-q-pin-${answer}"]`);
  }
  assert.equal(await page.isChecked(`#prerendered #q-q-pin-${answer}`), true);
  // "Check" works before the player: the card the session judged for this answer.
  if (keyboard) {
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent.trim()), await page.textContent(check).then((t) => t.trim()));
    await page.keyboard.press('Enter');
  } else {
    await page.click(check);
  }
  await page.waitForSelector(`#prerendered #q-q-pin .feedback.${verdict}`, { state: 'visible' });
  assert.match(await page.textContent('#prerendered #q-q-pin .feedback'), feedback);
  assert.equal(await page.isVisible('#prerendered .not-ready'), false, 'nothing waits for the player');
  // The question is answered as in the player: inputs locked, the answer kept, focus on
  // the feedback, "Check" gone.
  assert.equal(await page.isDisabled(`#prerendered #q-q-pin-${answer}`), true);
  assert.equal(await page.isChecked(`#prerendered #q-q-pin-${answer}`), true);
  assert.equal(await page.$(check), null);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('feedback')), true);
  assert.equal(await page.$eval('#app', (a) => a.childElementCount), 0, 'the player has not started');
  if (!next) return;
  const button = '#prerendered .nav button.primary';
  assert.equal(await page.getAttribute(button, 'aria-disabled'), 'true');
  // Playwright will not click an aria-disabled element by itself; a learner's tap does
  // reach it, and that is what is checked here.
  await page.click(button, { force: true });
  await page.waitForSelector('#prerendered .not-ready', { state: 'visible' });
  assert.match(await page.textContent('#prerendered .not-ready'), note);
  assert.equal(await page.getAttribute(button, 'aria-busy'), 'true');
  assert.equal(await page.$eval('#app', (a) => a.childElementCount), 0);
}

/**
 * After the wasm: the player took over with the answer kept and "Check" done again by
 * the player itself, which judged it as the pre-render had.
 */
async function afterTheWasm(page, { answer, verdict, feedback }) {
  await page.waitForSelector('#app .player main.page');
  await page.waitForFunction(() => !document.getElementById('prerendered'));
  assert.equal(await page.$eval('#app', (a) => a.hidden), false);
  assert.equal(await page.isChecked(`#q-q-pin-${answer}`), true, 'the answer picked before the wasm is kept');
  await page.waitForSelector(`#q-q-pin .feedback.${verdict}`);
  assert.match(await page.textContent('#q-q-pin .feedback'), feedback);
  // The question is answered: its inputs are locked and "Check" is gone.
  assert.equal(await page.isDisabled(`#q-q-pin-${answer}`), true);
  assert.equal(await page.$('#q-q-pin button.primary'), null);
}

/** The `answered` statement for q-pin as the LRS stored it. */
async function answeredInLrs(lrs) {
  const stored = await lrs.statements({ verb: VERB('answered') });
  const pin = stored.filter((s) => s.object.id === `${MODULE_ID}/question/q-pin`);
  assert.equal(pin.length, 1, JSON.stringify(stored.map((s) => s.object.id)));
  return pin[0];
}

describe('the pre-rendered first page on a static host (dist/phishing.html)', () => {
  let lrs, proxy, server, browser, page, errors, failed;

  before(async () => {
    requireDist();
    lrs = await startReferenceLrs({ username: 'pelita', password: 'e2e-secret' });
    // The reference LRS has no State API; the harness's proxy adds one, as a real LRS has.
    proxy = await startProxy({ target: lrs.endpoint, stateApi: { auth: lrs.auth } });
    server = await serveStatic({ root: DIST });
    browser = await launchBrowser({ viewport: { width: 360, height: 740 } });
    page = browser.page;
    errors = browser.watch(page);
    failed = watchFailures(page);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await proxy?.close();
    await lrs?.stop();
  });

  test('content before the wasm, an answer checked and a click kept, the statement in the LRS', async () => {
    const wasm = await holdWasm(page);
    await page.goto(playerUrl(new URL('phishing.html', server.url).href, {
      endpoint: proxy.endpoint(lrs.endpoint), auth: lrs.auth, actor: ACTOR,
    }));
    // No `lang` in the launch: the page is in the module's default language.
    assert.equal(await page.getAttribute('html', 'lang'), 'id');
    assert.equal(await page.title(), 'Mengenali Phishing · Pelita');
    await beforeTheWasm(page, {
      heading: 'Pengantar', answer: 'false', verdict: 'right', feedback: /Bank tidak pernah meminta PIN/,
      next: true, note: /Pemutar masih dimuat/,
    });
    assert.ok(wasm.held.length >= 1, 'the wasm was asked for and held');
    // The page as the learner has it before the player runs (an answer checked, the note
    // shown, a button busy) passes the accessibility judge.
    assert.deepEqual(await axeViolations(page), []);
    wasm.release();
    // The player takes over in the learner's language (the browser's, English), checks the
    // answer again, and then goes on: "Next" was kept.
    await page.waitForSelector('#app .player main.page');
    await page.waitForFunction(() => !document.getElementById('prerendered'));
    await page.waitForFunction(() => document.querySelector('#app h1')?.textContent === 'Signs of a phishing message');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');

    // initialized, the first page, the answer, the second page.
    await waitForDelivery(page, 4);
    const answered = await answeredInLrs(lrs);
    assert.equal(answered.result.response, 'false');
    assert.equal(answered.result.success, true);
    assert.equal(answered.actor.mbox, ACTOR.mbox);
    // Back on the first page, the player shows the answer as it was checked.
    await page.click('#app .nav button.secondary');
    await afterTheWasm(page, { answer: 'false', verdict: 'right', feedback: /Banks never ask for your PIN/ });
    assert.deepEqual(failed, []);
    assert.deepEqual(unexpected(errors, failed), []);
  });

  test('a click is done only on the page it was made on: the offer to continue is the learner’s', async () => {
    // The attempt above is saved in the LRS, so the player opens on the offer to continue
    // it, not on the pre-rendered first page. "Next" clicked before the wasm ran must not
    // land on a button of the offer (by its place, that is "Start over").
    const { page, errors, failed, wasm } = await openHeld('phishing.html', server, {
      endpoint: proxy.endpoint(lrs.endpoint), auth: lrs.auth, actor: ACTOR,
    });
    await page.waitForSelector('#prerendered h1', { state: 'visible' });
    await page.click('#prerendered .nav button.primary', { force: true });
    await page.waitForSelector('#prerendered .not-ready', { state: 'visible' });
    wasm.release();
    await page.waitForSelector('#app main.resume');
    await page.waitForFunction(() => !document.getElementById('prerendered'));
    // A kept click is done on the task after the swap: give it that time, and more.
    await page.waitForTimeout(500);
    assert.ok(await page.$('#app main.resume'), 'the offer to continue is still shown');
    assert.ok(await answerResumeOffer(page, 'continue'));
    await page.waitForSelector('#app #q-q-pin .feedback.right');
    assert.equal(await page.isChecked('#q-q-pin-false'), true, 'the saved attempt was continued');
    assert.deepEqual(failed, []);
    assert.deepEqual(unexpected(errors, failed), []);
  });

  test('an answer checked before the wasm, in a page closed before the player ran, is kept and reported', async () => {
    const learner = { ...ACTOR, name: 'Rina', mbox: 'mailto:rina@example.go.id' };
    const launch = { endpoint: proxy.endpoint(lrs.endpoint), auth: lrs.auth, actor: learner };
    // Without the offline worker, which the error page below registers and which would
    // then serve the last visit's wasm past the route that holds it back.
    const { page, errors, failed } = await openHeld('phishing.html', server, launch, { serviceWorkers: 'block' });
    await beforeTheWasm(page, {
      heading: 'Pengantar', answer: 'true', verdict: 'wrong', feedback: /Kurang tepat/,
    });
    // The tab is closed before the player ever ran: nothing was reported.
    const context = page.context();
    await page.close();
    assert.deepEqual(errors.filter((e) => !/status of 404/.test(e.text)), []);
    assert.deepEqual(failed, []);
    assert.equal((await lrs.statements({ agent: { mbox: learner.mbox } })).length, 0);
    const early = (p) => p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('pelita.early:')));
    // Opened again while the module cannot be had: the player shows its error page, and
    // the answer is still kept for the next visit.
    const broken = await context.newPage();
    await broken.route(/phishing\.json(\?|$)/, (route) => route.abort());
    await broken.goto(playerUrl(new URL('phishing.html', server.url).href, launch));
    await broken.waitForSelector('#app .error-page');
    await broken.waitForFunction(() => !document.getElementById('prerendered'));
    await broken.waitForTimeout(300);
    assert.equal((await early(broken)).length, 1, 'the answer is still kept after an error');
    await broken.close();
    // Opened again (the wasm held once more): the answer is there, checked, before the
    // player runs.
    const again = await context.newPage();
    const wasm = await holdWasm(again);
    await again.goto(playerUrl(new URL('phishing.html', server.url).href, launch));
    await again.waitForSelector('#prerendered #q-q-pin .feedback.wrong', { state: 'visible' });
    assert.equal(await again.isChecked('#prerendered #q-q-pin-true'), true);
    assert.equal(await again.$('#prerendered #q-q-pin button.primary'), null);
    wasm.release();
    // The player takes it over, checks it and reports it; nothing is kept any longer.
    await afterTheWasm(again, { answer: 'true', verdict: 'wrong', feedback: /Not quite/ });
    let answered = [];
    for (let i = 0; i < 100 && !answered.length; i++) {
      answered = (await lrs.statements({ verb: VERB('answered'), agent: { mbox: learner.mbox } }))
        .filter((st) => st.object.id === `${MODULE_ID}/question/q-pin`);
      if (!answered.length) await again.waitForTimeout(200);
    }
    assert.equal(answered.length, 1, 'the answer reached the LRS once');
    assert.equal(answered[0].result.response, 'true');
    assert.equal(answered[0].result.success, false);
    assert.deepEqual(await early(again), []);
  });

  test('a number typed before the wasm, in a widget of a chunk of its own, is kept and checked', async () => {
    // analitik-data opens on a numeric question, whose field the learners' build keeps in
    // the widgets chunk: the player loads that chunk before it shows its first page, so
    // the field is there when the typed text is carried over.
    const { page, errors, failed, wasm } = await openHeld('analitik-data.html', server, {
      endpoint: proxy.endpoint(lrs.endpoint), auth: lrs.auth, actor: ACTOR,
    });
    // The page names the chunks its first page needs, and asks for them as it is parsed,
    // beside the first chunk, not a round trip after the player has read the module.
    const named = (await page.getAttribute('meta[name="pelita-chunks"]', 'content')).split(' ');
    assert.ok(named.some((f) => /^split_widgets-[0-9a-f]{16}\.wasm$/.test(f)), named.join(' '));
    const asked = (f) => wasm.held.filter((u) => u.endsWith(`/${f}`)).length;
    for (let i = 0; i < 50 && !named.every((f) => asked(f) > 0); i++) await page.waitForTimeout(100);
    assert.deepEqual(named.filter((f) => asked(f) !== 1), [], `asked for before the wasm: ${wasm.held.join(', ')}`);
    await page.waitForSelector('#prerendered #q-q-kenaikan-number', { state: 'visible' });
    await page.click('#prerendered #q-q-kenaikan-number');
    await page.keyboard.type('25');
    await page.click('#prerendered #q-q-kenaikan button.primary', { force: true });
    await page.waitForSelector('#prerendered .not-ready', { state: 'visible' });
    assert.equal(await page.$eval('#app', (a) => a.childElementCount), 0, 'the player has not started');
    wasm.release();
    await page.waitForSelector('#app .player main.page');
    await page.waitForFunction(() => !document.getElementById('prerendered'));
    // Each named chunk was downloaded once: the player's own request found the page's.
    assert.deepEqual(named.filter((f) => asked(f) !== 1), [], `downloaded once: ${wasm.held.join(', ')}`);
    assert.equal(await page.inputValue('#app #q-q-kenaikan-number'), '25', 'the number typed before the wasm is kept');
    await page.waitForSelector('#app #q-q-kenaikan .feedback.right');
    const id = 'https://pelita.example.org/modules/analitik-data/question/q-kenaikan';
    let answered = [];
    for (let i = 0; i < 100 && !answered.length; i++) {
      answered = (await lrs.statements({ verb: VERB('answered') })).filter((st) => st.object.id === id);
      if (!answered.length) await page.waitForTimeout(200);
    }
    assert.equal(answered.length, 1, 'the answer reached the LRS');
    assert.equal(answered[0].result.response, '25');
    assert.equal(answered[0].result.success, true);
    assert.deepEqual(failed, []);
    assert.deepEqual(unexpected(errors, failed), []);
  });
});

describe('the pre-rendered first page from pelita serve, in the launch language', () => {
  let served, browser, page, errors, failed;

  before(async () => {
    requireDist();
    served = await startPelitaServe({ username: 'pelita', password: 'e2e-secret' });
    browser = await launchBrowser({ viewport: { width: 360, height: 740 } });
    page = browser.page;
    errors = browser.watch(page);
    failed = watchFailures(page);
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  test('the page is rendered for the launch, kept under the strict policy, then played', async () => {
    const wasm = await holdWasm(page);
    const response = await page.goto(playerUrl(served.url, {
      module: 'modules/phishing.json', endpoint: served.endpoint, auth: served.auth, actor: ACTOR, lang: 'en',
    }));
    const policy = response.headers()['content-security-policy'];
    assert.ok(policy && !policy.includes('unsafe-inline'), policy);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.title(), 'Recognising Phishing · Pelita');
    // A wrong answer this time, with the keyboard: the pre-render's verdict and the
    // player's agree.
    await beforeTheWasm(page, {
      heading: 'Introduction', answer: 'true', verdict: 'wrong', feedback: /Not quite/, keyboard: true,
    });
    wasm.release();
    await afterTheWasm(page, { answer: 'true', verdict: 'wrong', feedback: /Not quite/ });
    assert.equal((await page.textContent('h1')).trim(), 'Introduction');

    await waitForDelivery(page, 3);
    const answered = await answeredInLrs(served);
    assert.equal(answered.result.response, 'true');
    assert.equal(answered.result.success, false);
    // A blocked inline script or style would be a console error.
    assert.deepEqual(failed, []);
    assert.deepEqual(unexpected(errors, failed), []);
  });
});

describe('the pre-rendered page offline', () => {
  let server, browser;
  const seen = [];

  before(async () => {
    requireDist();
    server = await serveStatic({ root: DIST });
    server.server.on('request', (req) => seen.push(req.url));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('once opened online, a module\'s page opens and plays with no network', async () => {
    const { page, context } = browser;
    await page.goto(playerUrl(new URL('kata-sandi.html', server.url).href, { lang: 'en' }));
    await page.waitForSelector('#app .player main.page');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
    const heading = (await page.textContent('#app h1')).trim();
    // The worker cached the page with the build's shell, and the module it shows.
    const cached = await page.evaluate(async () => {
      const urls = [];
      for (const name of await caches.keys()) {
        for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
      }
      return urls.sort();
    });
    assert.ok(cached.includes('/kata-sandi.html'), `cached: ${cached.join(', ')}`);
    assert.ok(cached.includes('/modules/kata-sandi.json'), `cached: ${cached.join(', ')}`);
    // The other modules' pages were not downloaded: a deployment may have hundreds.
    for (const other of ['/phishing.html', '/analitik-data.html', '/pemecahan-masalah.html']) {
      assert.ok(!cached.includes(other), `${other} is cached: ${cached.join(', ')}`);
      assert.ok(!seen.some((u) => u.split('?')[0] === other), `${other} was asked for: ${seen.join(', ')}`);
    }

    seen.length = 0;
    await context.setOffline(true);
    const response = await page.reload();
    // The worker answered with the pre-rendered page of this build.
    assert.equal(response.fromServiceWorker(), true);
    assert.match(await response.text(), /<div id="prerendered">/);
    // The attempt begun online was saved in this browser: continue it.
    await answerResumeOffer(page, 'continue');
    await page.waitForSelector('#app .player main.page');
    assert.equal((await page.textContent('#app h1')).trim(), heading);
    assert.equal(await page.$('#prerendered'), null);
    assert.deepEqual(seen, [], 'nothing reached the server while offline');
    await context.setOffline(false);
  });

  test('a page opened later, online, is kept then and opens with no network', async () => {
    const { page, context } = browser;
    const url = playerUrl(new URL('analitik-data.html', server.url).href, { lang: 'en' });
    await page.goto(url);
    await page.waitForSelector('#app .player main.page');
    await page.waitForFunction(async () => {
      for (const name of await caches.keys()) {
        if (!name.startsWith('pelita-shell-')) continue;
        if (await (await caches.open(name)).match('/analitik-data.html')) return true;
      }
      return false;
    }, null, { timeout: 20_000 });
    await context.setOffline(true);
    const response = await page.goto(url);
    assert.equal(response.fromServiceWorker(), true);
    assert.match(await response.text(), /<div id="prerendered">/);
    await answerResumeOffer(page, 'continue');
    await page.waitForSelector('#app .player main.page');
    assert.equal(await page.$('#prerendered'), null);
    // A page never opened is not there offline: the worker says so in both languages.
    const never = await page.goto(new URL('pemecahan-masalah.html', server.url).href);
    assert.equal(never.status(), 503);
    assert.match(await never.text(), /has not been saved for offline use/);
    await context.setOffline(false);
  });
});
