// The second example module (modules/kata-sandi.json) uses the newer kinds of content:
// flashcards and sequencing, matching, hotspot, fill-in, numeric, performance, long
// fill-in and likert questions. It is played twice into
// the real LRS: once by keyboard alone (Tab, Shift-Tab, arrows, Space, Enter), right
// answers throughout, and once by mouse and touch-sized clicks, wrong. Every screen is
// judged by axe-core, and the stored statements by @learninglocker/xapi-validation, with
// the interaction types, components and response patterns checked exactly.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLrs } from '../support/lrs.mjs';
import { serveStatic } from '../support/serve.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { validateStatements } from '../support/validate.mjs';
import { DIST, requireDist, playerUrl, waitForDelivery } from './helpers.mjs';
import { axeViolations } from '../support/axe.mjs';

const MODULE = 'https://pelita.example.org/modules/kata-sandi';
const ACTOR = { objectType: 'Agent', name: 'Dewi Lestari', mbox: 'mailto:dewi.lestari@example.go.id' };
let lrs, server, browser, page;

before(async () => {
  requireDist();
  lrs = await startLrs({ username: 'pelita', password: 'types-secret' });
  server = await serveStatic({ root: DIST });
  browser = await launchBrowser({ viewport: { width: 360, height: 740 } });
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await server?.close();
  await lrs?.stop();
});

async function violations(label) {
  assert.deepEqual(await axeViolations(page), [], label);
}

/** Presses `key` until `selector` has focus. */
async function moveTo(selector, key = 'Tab', max = 50) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`${selector} could not be reached with ${key}`);
}

const order = () => page.$$eval('.sequence-item', (items) => items.map((i) => i.id.replace(/^q-q-langkah-otp-/, '')));

async function nextPage() {
  const before = await page.textContent('h1');
  await moveTo('.nav button.primary');
  await page.keyboard.press('Enter');
  await page.waitForFunction((b) => document.querySelector('h1')?.textContent !== b && document.activeElement?.tagName === 'H1', before);
}

async function checkAnswer(qid) {
  await moveTo(`#q-${qid} button.primary:not([disabled])`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#q-${qid} .feedback .verdict`);
}

test('flashcards and every newer question kind by keyboard alone, all right, into the LRS', async () => {
  await page.goto(playerUrl(server.url, {
    module: 'modules/kata-sandi.json', lang: 'en', endpoint: lrs.endpoint, auth: lrs.auth, actor: JSON.stringify(ACTOR),
  }));
  await page.waitForSelector('.flashcards');
  await violations('flashcards');
  // Turn the second card with Enter, and back with Space.
  await moveTo('.card:nth-child(2) button');
  assert.equal(await page.getAttribute('.card:nth-child(2) button', 'aria-pressed'), 'false');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Besides the password/.test(document.querySelector('.card:nth-child(2) .face').textContent));
  assert.equal(await page.getAttribute('.card:nth-child(2) button', 'aria-pressed'), 'true');
  await violations('a turned card');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => /Two-step/.test(document.querySelector('.card:nth-child(2) .face').textContent));

  await nextPage();
  // Sequencing: move items with the buttons until the order is right; focus follows the
  // moved item and a live region says where it went.
  const right = ['kata-sandi', 'kirim-kode', 'ketik-kode', 'periksa'];
  let current = await order();
  assert.notDeepEqual(current, right, 'not shown in the right order');
  for (let target = 0; target < right.length; target++) {
    const id = right[target];
    while ((current = await order()).indexOf(id) > target) {
      const button = `#q-q-langkah-otp-${id}-up`;
      if (!(await page.evaluate((s) => document.activeElement?.matches(s), button))) {
        // Reach it backwards or forwards, like a keyboard user would.
        const here = await page.evaluate(() => document.activeElement?.id ?? '');
        await moveTo(button, here.startsWith('q-q-langkah-otp') ? 'Shift+Tab' : 'Tab').catch(() => moveTo(button, 'Tab'));
      }
      await page.keyboard.press('Enter');
      await page.waitForFunction(([i, before]) => document.querySelectorAll('.sequence-item')[before - 1]?.id.endsWith(i), [id, current.indexOf(id)]);
      assert.equal(await page.evaluate(() => document.activeElement?.id.includes('q-q-langkah-otp-')), true, 'focus stays on the moved item');
      const said = await page.textContent('#q-q-langkah-otp .visually-hidden');
      assert.match(said, /is now at position \d of 4/);
    }
  }
  assert.deepEqual(await order(), right);
  await violations('sequencing, rearranged');
  await checkAnswer('q-langkah-otp');
  assert.match(await page.textContent('#q-q-langkah-otp .feedback'), /is correct/);
  // The true/false question on the same page, by arrows and Space.
  await moveTo('input[name="q-q-otp-petugas"]');
  for (let i = 0; i < 3 && !(await page.evaluate(() => document.activeElement.id === 'q-q-otp-petugas-false')); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await checkAnswer('q-otp-petugas');

  await nextPage();
  // Matching: each select, reached by Tab, set by typing the start of the answer.
  const pairs = { isian: 'Trying email', tebak: 'Trying every', phishing: 'Tricking' };
  for (const [source, text] of Object.entries(pairs)) {
    await moveTo(`#q-q-serangan-${source}`);
    const value = await page.$eval(`#q-q-serangan-${source}`, (s, t) => [...s.options].find((o) => o.textContent.startsWith(t)).value, text);
    for (let i = 0; i < 6 && (await page.$eval(`#q-q-serangan-${source}`, (s) => s.value)) !== value; i++) {
      await page.keyboard.press('ArrowDown');
    }
    assert.equal(await page.$eval(`#q-q-serangan-${source}`, (s) => s.value), value, `${source} matched by keyboard`);
  }
  await violations('matching, filled in');
  await checkAnswer('q-serangan');
  assert.match(await page.textContent('#q-q-serangan .feedback'), /is correct/);

  await nextPage();
  // Hotspot: the regions are buttons named by what they show.
  await page.waitForSelector('.hotspot .region');
  assert.equal(await page.getAttribute('#q-q-halaman-palsu-alamat', 'aria-label'), 'Address bar');
  await violations('hotspot');
  await moveTo('#q-q-halaman-palsu-alamat');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#q-q-halaman-palsu-alamat', 'aria-pressed'), 'true');
  await checkAnswer('q-halaman-palsu');
  assert.match(await page.textContent('#q-q-halaman-palsu .feedback'), /is correct/);
  await violations('hotspot answered');

  await nextPage();
  // Fill-in: the blanks sit inside the sentence; typing is tolerant of case and spaces.
  await moveTo('#q-q-isian-otp-siapa');
  assert.equal(await page.getAttribute('#q-q-isian-otp-siapa', 'aria-label'), 'Blank 1 of 2');
  await page.keyboard.type('  You ');
  await moveTo('#q-q-isian-otp-asli');
  await page.keyboard.type('REAL');
  await violations('fill-in, typed');
  await checkAnswer('q-isian-otp');
  assert.match(await page.textContent('#q-q-isian-otp .feedback'), /is correct/);
  // Numeric: a hint to open first (a details element: Enter opens it), then Indonesian
  // grouping of thousands is understood.
  await moveTo('#q-q-jumlah-kode .hint-box summary');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#q-q-jumlah-kode .hint-box').open);
  assert.match(await page.textContent('#q-q-jumlah-kode .hint-box p'), /ten possibilities, six times/);
  await moveTo('#q-q-jumlah-kode-number');
  assert.equal(await page.getAttribute('#q-q-jumlah-kode-number', 'inputmode'), 'decimal');
  await page.keyboard.type('1.000.000');
  await checkAnswer('q-jumlah-kode');
  assert.match(await page.textContent('#q-q-jumlah-kode .feedback'), /is correct/);
  // Performance: a small form, one labelled field per step, typed by keyboard (case and
  // spaces do not matter in text steps; the number step asks for a decimal keypad).
  await moveTo('#q-q-lapor-step-email');
  assert.equal(await page.textContent('label[for="q-q-lapor-step-email"]'), 'Account email address');
  await page.keyboard.type(' SITI@instansi.go.id ');
  await moveTo('#q-q-lapor-step-hari');
  assert.equal(await page.getAttribute('#q-q-lapor-step-hari', 'inputmode'), 'decimal');
  await page.keyboard.type('2');
  await moveTo('#q-q-lapor-step-tim');
  await page.keyboard.type('Tim  Keamanan');
  await violations('performance, typed');
  await checkAnswer('q-lapor');
  assert.match(await page.textContent('#q-q-lapor .feedback'), /is correct/);
  assert.match(await page.textContent('#q-q-lapor .feedback'), /3 of 3 steps right/);
  for (const step of ['email', 'hari', 'tim']) {
    assert.match(await page.textContent(`#q-q-lapor-step-${step}-note`), /✓ Right/, step);
    assert.equal(await page.isDisabled(`#q-q-lapor-step-${step}`), true);
  }
  assert.match(await page.textContent('#q-q-lapor .explanation'), /complete report/);
  await violations('performance, answered');
  // A free answer, with its character count, and a survey scale: recorded, not judged.
  await moveTo('#q-q-rencana-text');
  await page.keyboard.type('Email kantor, karena akun itu membuka semua sistem lain.');
  assert.match(await page.textContent('#q-q-rencana .count'), /^5\d of 500 characters$/);
  await checkAnswer('q-rencana');
  assert.match(await page.textContent('#q-q-rencana .feedback'), /your answer is recorded/);
  await moveTo('input[name="q-q-yakin"]');
  for (let i = 0; i < 6 && !(await page.evaluate(() => document.activeElement.id === 'q-q-yakin-likert_3')); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await checkAnswer('q-yakin');
  assert.equal(await page.$('#q-q-yakin .tag'), null, 'a survey marks no answer as right');
  await violations('typed answers and survey, answered');

  // The scenario: a decision by keyboard leads to its own page, heading focused.
  await nextPage();
  await page.waitForSelector('.branch');
  await violations('branching point');
  await moveTo('#b-b-telepon-laporkan');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1' && /right move/.test(document.activeElement.textContent));
  await moveTo('.nav .finish button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.result');
  assert.match(await page.textContent('.score'), /12 of 12 points \(100%\)/);
  await violations('result');

  await waitForDelivery(page, 20, 20_000, MODULE);
  const stored = (await lrs.statements()).filter((s) => s.object.id.startsWith(MODULE) || s.context?.contextActivities?.grouping?.some((g) => g.id === MODULE));
  assert.deepEqual(validateStatements(stored), []);
  const answers = Object.fromEntries(stored.filter((s) => s.verb.id.endsWith('/answered')).map((s) => [s.object.id.split('/').pop(), s]));
  const seq = answers['q-langkah-otp'];
  assert.equal(seq.object.definition.interactionType, 'sequencing');
  assert.deepEqual(seq.object.definition.correctResponsesPattern, ['kata-sandi[,]kirim-kode[,]ketik-kode[,]periksa']);
  assert.deepEqual(seq.object.definition.choices.map((c) => c.id), right);
  assert.equal(seq.result.response, 'kata-sandi[,]kirim-kode[,]ketik-kode[,]periksa');
  assert.equal(seq.result.success, true);
  assert.equal(seq.result.score.raw, 2);
  const match = answers['q-serangan'];
  assert.deepEqual(match.result.score, { scaled: 1, raw: 3, min: 0, max: 3 });
  assert.equal(match.object.definition.interactionType, 'matching');
  assert.deepEqual(match.object.definition.source.map((c) => c.id), ['isian', 'tebak', 'phishing']);
  assert.deepEqual(match.object.definition.target.map((c) => c.id), ['bocoran', 'semua', 'palsu', 'tebusan']);
  assert.equal(match.result.response, 'isian[.]bocoran[,]tebak[.]semua[,]phishing[.]palsu');
  assert.deepEqual(match.object.definition.correctResponsesPattern, [match.result.response]);
  const hot = answers['q-halaman-palsu'];
  assert.equal(hot.object.definition.interactionType, 'other');
  assert.equal(hot.result.response, 'alamat');
  assert.equal(hot.result.success, true);
  assert.equal(answers['q-otp-petugas'].result.response, 'false');
  const fill = answers['q-isian-otp'];
  assert.equal(fill.object.definition.interactionType, 'fill-in');
  assert.equal(fill.result.response, '  You [,]REAL');
  assert.ok(fill.object.definition.correctResponsesPattern.includes('{case_matters=false}you[,]real'));
  assert.equal(fill.result.success, true);
  const num = answers['q-jumlah-kode'];
  assert.equal(num.object.definition.interactionType, 'numeric');
  assert.deepEqual(num.object.definition.correctResponsesPattern, ['1000000']);
  assert.equal(num.result.response, '1000000');
  const perf = answers['q-lapor'];
  assert.equal(perf.object.definition.interactionType, 'performance');
  assert.deepEqual(perf.object.definition.steps, [
    { id: 'email', description: { id: 'Alamat email akun', en: 'Account email address' } },
    { id: 'hari', description: { id: 'Berapa hari yang lalu?', en: 'How many days ago?' } },
    { id: 'tim', description: { id: 'Tim yang dihubungi', en: 'Team to contact' } },
  ]);
  assert.deepEqual(perf.object.definition.correctResponsesPattern, ['tim keamanan', 'keamanan', 'security team', 'security']
    .map((t) => `email[.]siti@instansi.go.id[,]hari[.]2[,]tim[.]${t}`));
  assert.equal(perf.result.response, 'email[.]SITI@instansi.go.id[,]hari[.]2[,]tim[.]Tim Keamanan');
  assert.equal(perf.result.success, true);
  assert.deepEqual(perf.result.score, { scaled: 1, raw: 3, min: 0, max: 3 });
  const essay = answers['q-rencana'];
  assert.equal(essay.object.definition.interactionType, 'long-fill-in');
  assert.equal(essay.object.definition.correctResponsesPattern, undefined, 'a free answer has no pattern');
  assert.equal(essay.result.score, undefined, 'and no score');
  assert.match(essay.result.response, /^Email kantor/);
  const survey = answers['q-yakin'];
  assert.equal(survey.object.definition.interactionType, 'likert');
  assert.deepEqual(survey.object.definition.scale.map((c) => c.id), ['likert_1', 'likert_2', 'likert_3', 'likert_4']);
  assert.equal(survey.result.response, 'likert_3');
  assert.equal(survey.result.score, undefined);
  const path = stored.filter((s) => s.object.id === `${MODULE}/branch/b-telepon`);
  assert.equal(path.length, 1);
  assert.equal(path[0].verb.id, 'http://adlnet.gov/expapi/verbs/answered');
  assert.equal(path[0].object.definition.interactionType, 'choice');
  assert.deepEqual(path[0].object.definition.choices.map((c) => c.id), ['berikan', 'laporkan']);
  assert.equal(path[0].object.definition.correctResponsesPattern, undefined, 'a decision has no right answer pattern');
  assert.deepEqual(path[0].result, { success: true, response: 'laporkan' });
  // The page the decision led to is the next page viewed.
  const viewed = stored.filter((s) => s.verb.id.endsWith('/experienced')).map((s) => s.object.id.split('/').pop());
  assert.ok(viewed.includes('tepat') && !viewed.includes('akibat'), viewed.join(' '));
});

test('wrong answers by mouse are marked, explained, and reported as given', async () => {
  await page.goto(playerUrl(server.url, {
    module: 'modules/kata-sandi.json', lang: 'id', endpoint: lrs.endpoint, auth: lrs.auth, actor: JSON.stringify(ACTOR),
  }));
  await page.waitForSelector('.flashcards, main.resume');
  if (await page.$('main.resume')) await page.click('main.resume button.secondary');
  await page.waitForSelector('.flashcards');
  await page.click('.nav button.primary');
  await page.waitForSelector('.sequence');
  const shown = await order();
  // Checked as first shown (which is never right): the right order is then listed.
  await page.click('#q-q-langkah-otp button.primary');
  await page.waitForSelector('#q-q-langkah-otp .correct-order');
  assert.equal((await page.$$('#q-q-langkah-otp .correct-order li')).length, 4);
  assert.ok((await page.$$('.sequence-item.out-of-place')).length > 0, 'misplaced items are marked');
  await page.click('label[for="q-q-otp-petugas-false"]');
  await page.click('#q-q-otp-petugas button.primary');
  await page.click('.nav button.primary');
  await page.waitForSelector('.matching');
  // The check stays off until every item has a match.
  await page.selectOption('#q-q-serangan-isian', 'tebusan');
  assert.equal(await page.isDisabled('#q-q-serangan button.primary'), true);
  await page.selectOption('#q-q-serangan-tebak', 'semua');
  await page.selectOption('#q-q-serangan-phishing', 'bocoran');
  await page.click('#q-q-serangan button.primary');
  await page.waitForSelector('#q-q-serangan .correct-match');
  assert.equal((await page.$$('#q-q-serangan .match-row.wrong')).length, 2);
  // One pair of three right, with partial credit: one of three points, and why.
  assert.match(await page.textContent('#q-q-serangan .feedback .verdict'), /Sebagian benar: 1 dari 3 poin/);
  assert.match(await page.textContent('#q-q-serangan .explanation'), /Isian kredensial memakai data bocoran/);
  await violations('matching, wrong, in Indonesian');
  await page.click('.nav button.primary');
  await page.waitForSelector('.hotspot .region');
  await page.click('#q-q-halaman-palsu-logo');
  await page.click('#q-q-halaman-palsu-tombol');
  assert.equal(await page.getAttribute('#q-q-halaman-palsu-logo', 'aria-pressed'), 'false', 'one region at a time');
  await page.click('#q-q-halaman-palsu button.primary');
  await page.waitForSelector('#q-q-halaman-palsu .region.key');
  await page.click('.nav button.primary');
  await page.waitForSelector('#q-q-isian-otp-siapa');
  await page.fill('#q-q-isian-otp-siapa', 'orang lain');
  await page.fill('#q-q-isian-otp-asli', 'palsu');
  await page.click('#q-q-isian-otp button.primary');
  await page.waitForSelector('#q-q-isian-otp .accepted');
  assert.match(await page.textContent('#q-q-isian-otp .accepted'), /Jawaban yang diterima: saya, anda/);
  // Not a number: said at once, and the answer cannot be checked.
  await page.fill('#q-q-jumlah-kode-number', 'sejuta');
  await page.waitForSelector('#q-q-jumlah-kode-number[aria-invalid="true"]');
  assert.match(await page.textContent('#q-q-jumlah-kode .problem'), /belum angka/);
  assert.equal(await page.isDisabled('#q-q-jumlah-kode button.primary'), true);
  await page.fill('#q-q-jumlah-kode-number', '600000');
  await page.click('#q-q-jumlah-kode button.primary');
  await page.waitForSelector('#q-q-jumlah-kode .feedback .verdict');
  // The right number is written the Indonesian way.
  assert.match(await page.textContent('#q-q-jumlah-kode .feedback'), /Jawaban yang benar: 1\.000\.000/);
  // Performance by mouse: a number step holding text is pointed out and blocks the check;
  // then one step of three is wrong, which is said under that field, with the right answer.
  await page.fill('#q-q-lapor-step-email', 'siti@instansi.go.id');
  await page.fill('#q-q-lapor-step-hari', 'dua');
  await page.waitForSelector('#q-q-lapor-step-hari[aria-invalid="true"]');
  assert.match(await page.textContent('#q-q-lapor-step-hari-note'), /belum angka/);
  await page.fill('#q-q-lapor-step-tim', 'keamanan');
  assert.equal(await page.isDisabled('#q-q-lapor button.primary'), true);
  await page.fill('#q-q-lapor-step-hari', '3');
  await page.click('#q-q-lapor button.primary');
  await page.waitForSelector('#q-q-lapor .feedback .verdict');
  assert.match(await page.textContent('#q-q-lapor .feedback .verdict'), /Sebagian benar: 2 dari 3 poin/);
  assert.match(await page.textContent('#q-q-lapor .feedback'), /2 dari 3 langkah benar/);
  assert.match(await page.textContent('#q-q-lapor-step-hari-note'), /✗ Salah — Jawaban yang benar: 2/);
  assert.match(await page.textContent('#q-q-lapor-step-email-note'), /✓ Benar/);
  assert.deepEqual(await page.$$eval('#q-q-lapor .step', (steps) => steps.map((s) => s.className)), ['step right', 'step wrong', 'step right']);
  await violations('typed answers, wrong, in Indonesian');
  // The scenario the wrong way, back, and the right way.
  await page.click('.nav button.primary');
  await page.click('#b-b-telepon-berikan');
  await page.waitForSelector('#b-b-ulang');
  assert.match(await page.textContent('.callout'), /Akun diambil alih/);
  await page.click('#b-b-ulang-kembali');
  await page.waitForSelector('#b-b-telepon');
  await page.click('#b-b-telepon-laporkan');
  await page.waitForFunction(() => /Langkah yang tepat/.test(document.querySelector('h1').textContent));
  await page.click('.nav .finish button');
  await page.waitForSelector('.result');
  assert.match(await page.textContent('.score'), /4 dari 12 poin/);
  assert.equal((await page.textContent('.attempts')).trim(), 'Percobaan 1 dari 3');

  await waitForDelivery(page, 22, 20_000, MODULE);
  const all = await lrs.statements();
  const answers = all.filter((s) => s.verb.id.endsWith('/answered') && s.object.id.startsWith(`${MODULE}/question/`))
    .slice(0, 7); // newest first
  const byQ = Object.fromEntries(answers.map((s) => [s.object.id.split('/').pop(), s]));
  assert.equal(byQ['q-langkah-otp'].result.response, shown.join('[,]'));
  assert.equal(byQ['q-langkah-otp'].result.success, false);
  assert.equal(byQ['q-serangan'].result.response, 'isian[.]tebusan[,]tebak[.]semua[,]phishing[.]bocoran');
  assert.deepEqual(byQ['q-serangan'].result.score, { scaled: 0.3333, raw: 1, min: 0, max: 3 });
  assert.equal(byQ['q-serangan'].result.success, false);
  assert.equal(byQ['q-halaman-palsu'].result.response, 'tombol');
  assert.equal(byQ['q-isian-otp'].result.response, 'orang lain[,]palsu');
  assert.equal(byQ['q-jumlah-kode'].result.response, '600000');
  assert.equal(byQ['q-jumlah-kode'].result.success, false);
  assert.equal(byQ['q-lapor'].result.response, 'email[.]siti@instansi.go.id[,]hari[.]3[,]tim[.]keamanan');
  assert.deepEqual(byQ['q-lapor'].result.score, { scaled: 0.6667, raw: 2, min: 0, max: 3 });
  assert.equal(byQ['q-lapor'].result.success, false);
  // Every decision is reported, in order: the path taken.
  const path = all.filter((s) => s.object.id.includes('/branch/')).slice(0, 3).reverse()
    .map((s) => `${s.object.id.split('/').pop()}:${s.result.response}`);
  assert.deepEqual(path, ['b-telepon:berikan', 'b-ulang:kembali', 'b-telepon:laporkan']);

  // Another attempt keeps the right answer and asks the rest again.
  assert.equal((await page.textContent('.result button.primary')).trim(), 'Ulangi yang belum benar');
  await page.click('.result button.primary');
  assert.equal(await page.$('.result'), null);
  await page.waitForSelector('.flashcards');
  await page.click('.nav button.primary');
  await page.waitForSelector('#q-q-langkah-otp button.primary:not([disabled])');
  assert.equal(await page.$('#q-q-otp-petugas button.primary'), null, 'the right answer stays answered');
  assert.match(await page.textContent('#q-q-otp-petugas .feedback'), /Jawaban Anda benar/);
  assert.deepEqual(validateStatements(all), []);
});
