// Accessibility, judged by axe-core (WCAG 2.x A and AA rules) on every kind of screen the
// walking skeleton has: a lesson page with a question, feedback after an answer, a page
// with an image, the result page, the open learning record, and the error page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { DIST, requireDist, playerUrl, chooseByMouse, expectHeading } from './helpers.mjs';
import { axeViolations } from '../support/axe.mjs';

let server, browser;

before(async () => {
  requireDist();
  server = await serveStatic({ root: DIST });
  browser = await launchBrowser({ viewport: { width: 320, height: 640 } });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const violations = axeViolations;

test('no WCAG A/AA violations on any screen, in both languages, at 320 px', async () => {
  const page = browser.page;
  for (const lang of ['id', 'en']) {
    await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang }));
    await page.waitForSelector('#q-q-pin-true');
    assert.deepEqual(await violations(page), [], `first page (${lang})`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `at 320 px the page scrolls sideways by ${overflow}px (${lang})`);
    const mouse = chooseByMouse(page);
    await mouse.trueFalse('q-pin', 'true');
    assert.deepEqual(await violations(page), [], `feedback (${lang})`);
    await mouse.next();
    await page.waitForSelector('figure img');
    assert.deepEqual(await violations(page), [], `image page (${lang})`);
    for (let i = 0; i < 3; i++) await mouse.next();
    await page.click('.nav .finish button');
    await page.waitForSelector('.result');
    await page.click('#record-title');
    await page.click('.record .entry summary');
    assert.deepEqual(await violations(page), [], `result page with the record open (${lang})`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `at 320 px the open record scrolls the page sideways by ${wide}px (${lang})`);
  }
  // Leaving in the middle of an attempt: the offer to continue.
  await page.goto(playerUrl(server.url, { module: 'modules/phishing.json', lang: 'en' }));
  await page.waitForSelector('#q-q-pin-true');
  await chooseByMouse(page).trueFalse('q-pin', 'true');
  await page.reload();
  await page.waitForSelector('main.resume');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus is on the question');
  assert.deepEqual(await violations(page), [], 'offer to continue');
  await page.goto(playerUrl(server.url, { module: 'modules/none.json' }));
  await page.waitForSelector('.error-page');
  assert.deepEqual(await violations(page), [], 'error page');
});

for (const [name, pages] of [['kata-sandi', 8], ['analitik-data', 8], ['pemecahan-masalah', 13]]) {
  test(`no WCAG A/AA violations on any page of the example module ${name}, in both languages`, async () => {
    const page = browser.page;
    for (const lang of ['id', 'en']) {
      await page.goto(playerUrl(server.url, { module: `modules/${name}.json`, lang }));
      await page.waitForSelector('main.page h1, main.resume');
      if (await page.$('main.resume')) await page.click('main.resume button.secondary');
      await page.waitForSelector('main.page h1');
      // Every page in reading order, with everything that opens opened and every card turned.
      const seen = [];
      let performanceChecked = false;
      for (let i = 0; i < 20; i++) {
        for (const summary of await page.$$('main.page details:not([open]) > summary')) await summary.click();
        for (const card of await page.$$('main.page .card button[aria-pressed="false"]')) await card.click();
        const title = await page.textContent('main.page h1');
        seen.push(title);
        assert.deepEqual(await violations(page), [], `${title} (${lang})`);
        if (await page.$('#q-q-lapor button.primary')) {
          // The performance form answered partly wrong: per-step marks and the right answers,
          // and a number step holding text (its problem said next to it) before that.
          await page.fill('#q-q-lapor-step-email', 'siti@instansi.go.id');
          await page.fill('#q-q-lapor-step-hari', 'x');
          await page.waitForSelector('#q-q-lapor-step-hari[aria-invalid="true"]');
          assert.deepEqual(await violations(page), [], `${title}, a number step holding text (${lang})`);
          await page.fill('#q-q-lapor-step-hari', '5');
          await page.click('#q-q-lapor button.primary');
          await page.waitForSelector('#q-q-lapor .step.wrong .step-note');
          assert.deepEqual(await violations(page), [], `${title}, performance answered (${lang})`);
          performanceChecked = true;
        }
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `at 320 px "${title}" scrolls sideways by ${overflow}px (${lang})`);
        if (await page.$('.nav .finish button')) break;
        await page.click('.nav button.primary');
        await page.waitForFunction((t) => document.querySelector('main.page h1')?.textContent !== t, title);
      }
      assert.equal(seen.length, pages, `every page of ${name} was judged (${lang}): ${seen.join(' / ')}`);
      if (name === 'kata-sandi') assert.ok(performanceChecked, `the performance question was reached and answered (${lang})`);
      await page.click('.nav .finish button');
      await page.waitForSelector('.result');
      assert.deepEqual(await violations(page), [], `result (${lang})`);
    }
  });
}
