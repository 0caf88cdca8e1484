// Question pools and shuffling in the browser: a page draws one of its two questions and
// shuffles choices, from the attempt's seed (its registration). A reload that continues
// the attempt shows the same question with its choices in the same order; the result
// counts only what was asked; a new attempt draws afresh, and over a few attempts both
// questions are drawn.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { DIST, ROOT, requireDist, playerUrl } from './helpers.mjs';

let server, site, browser;

before(async () => {
  requireDist();
  site = await mkdtemp(path.join(tmpdir(), 'pelita-pools-'));
  await cp(DIST, site, { recursive: true });
  const module = JSON.parse(await readFile(path.join(ROOT, 'crates/xapi/tests/small.json'), 'utf8'));
  module.id = 'https://example.org/modules/pools';
  module.shuffleChoices = true;
  const quiz = module.lessons[0].pages[1];
  quiz.draw = 1;
  quiz.shuffle = true;
  quiz.blocks = quiz.blocks.filter((b) => b.type !== 'image');
  await writeFile(path.join(site, 'modules/pools.json'), JSON.stringify(module, null, 2));
  server = await serveStatic({ root: site });
  browser = await launchBrowser({ viewport: { width: 480, height: 800 } });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

const shownQuiz = (page) => page.$$eval('main.page .question', (qs) => qs.map((q) => ({
  id: q.id,
  choices: [...q.querySelectorAll('input')].map((i) => i.value),
})));

test('a drawn question and its shuffled choices stay the same when the attempt is continued', async () => {
  const page = browser.page;
  const url = playerUrl(server.url, { module: 'modules/pools.json', lang: 'en' });
  const drawnIds = new Set();
  for (let attempt = 0; attempt < 8 && drawnIds.size < 2; attempt++) {
    await page.goto(url);
    // The player's own page (#app), not the pre-rendered first page before it.
    await page.waitForSelector('#app main.page h1, #app main.resume');
    if (await page.$('#app main.resume')) await page.click('main.resume button.secondary');
    await page.waitForSelector('#app #q-tf');
    await page.click('#app .nav button.primary');
    await page.waitForSelector('main.page .question');
    const first = await shownQuiz(page);
    assert.equal(first.length, 1, 'one question of the pool is asked');
    drawnIds.add(first[0].id);
    // Leave and continue: the same draw, the same order.
    await page.reload();
    await page.waitForSelector('main.resume');
    await page.click('main.resume button.primary');
    await page.waitForSelector('main.page .question');
    assert.deepEqual(await shownQuiz(page), first, 'continued as it was');
    // Finish: only what was asked counts (tf and the drawn question).
    await page.click('.nav .finish button');
    await page.waitForSelector('.result');
    const max = first[0].id === 'q-multi' ? 3 : 2;
    assert.match(await page.textContent('.score'), new RegExp(`0 of ${max} points`));
    assert.equal(await page.$$eval('.summary li', (li) => li.length), 2, 'the result lists the questions asked');
  }
  assert.deepEqual([...drawnIds].sort(), ['q-multi', 'q-single'], 'new attempts draw afresh');
});
