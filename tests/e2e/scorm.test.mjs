// The player inside a SCORM LMS, end to end: the harness hosts scorm-again (an independent
// implementation of the LMS side of SCORM 1.2 and 2004, tests/support/scorm-host.mjs) and
// loads the built player in its iframe, as an LMS loads a SCO. The player must find the
// API by walking up the frames, report status, location, resume data, score and session
// time in each version's form, raise no SCORM error, and resume from its suspend data.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startScormHost, readHarness, scormErrors, limitProblems } from '../support/scorm-host.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { startLrs } from '../support/lrs.mjs';
import { validateStatements } from '../support/validate.mjs';
import { packAndUnpack } from '../support/pack.mjs';
import { axeViolations } from '../support/axe.mjs';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireDist, chooseByMouse, answerResumeOffer, answerFromThirdPage } from './helpers.mjs';

let host, lrs;
const content = {};

before(async () => {
  requireDist();
  // The packages `pelita pack` makes are what the LMS serves: one root holding both.
  const v12 = await packAndUnpack('scorm12');
  const v2004 = await packAndUnpack('scorm2004');
  content['1.2'] = {};
  content['2004'] = {};
  const root = await mkdtemp(path.join(tmpdir(), 'pelita-scorm-root-'));
  await cp(v12.dir, path.join(root, 'scorm12'), { recursive: true });
  await cp(v2004.dir, path.join(root, 'scorm2004'), { recursive: true });
  host = await startScormHost({ root });
  // The launch parameters are the manifest's, as an LMS would read them.
  for (const [version, folder] of [['1.2', v12.dir], ['2004', v2004.dir]]) {
    const manifest = await readFile(path.join(folder, 'imsmanifest.xml'), 'utf8');
    const href = manifest.match(/<resource[^>]*href="([^"]+)"/)[1];
    const parameters = manifest.match(/parameters="([^"]+)"/)[1].replace(/&amp;/g, '&');
    content[version].url = `/content/${version === '1.2' ? 'scorm12' : 'scorm2004'}/${href}${parameters}&lang=en`;
  }
});

after(async () => {
  await host?.close();
  await lrs?.stop();
});


/** The player's frame inside the host page, once it shows a page. */
async function playerFrame(page) {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => /\/content\/.*index\.html/.test(f.url()));
    if (frame && (await frame.$('.player main.page, .player main.resume, .player main.result'))) return frame;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the player did not start in the host frame');
}

for (const version of ['1.2', '2004']) {
  test(`SCORM ${version}: suspend half way, resume from the suspend data in a new browser, pass`, async () => {
    const masteryScore = 0.8;
    const first = await launchBrowser({ viewport: { width: 400, height: 800 } });
    let run;
    try {
      run = host.launch({ version, content: content[version].url, masteryScore });
      await first.page.goto(run.url);
      const frame = await playerFrame(first.page);
      const mouse = chooseByMouse(frame);
      await frame.waitForSelector('#app #q-q-pin-false');
      await mouse.trueFalse('q-pin', 'false');
      await mouse.next();
      await mouse.next();
      await mouse.choice('q-url', ['b']);
      // Leaving the host page: the SCO suspends and ends its session.
      await first.page.goto('about:blank');
    } finally {
      await first.close();
    }
    const suspended = await host.waitForCommit(run.id, { final: true });
    const cmi = suspended.data.cmi;
    const v12 = version === '1.2';
    if (v12) {
      assert.equal(cmi.core.lesson_status, 'incomplete');
      assert.equal(cmi.core.lesson_location, '2');
      assert.equal(cmi.core.exit, 'suspend');
      assert.match(cmi.core.session_time, /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/);
    } else {
      assert.equal(cmi.completion_status, 'incomplete');
      assert.equal(cmi.location, '2');
      assert.equal(cmi.exit, 'suspend');
      assert.match(cmi.session_time, /^PT/);
    }
    const saved = JSON.parse(cmi.suspend_data);
    assert.deepEqual(saved.attempt.answers, { 'q-pin': false, 'q-url': ['b'] });
    assert.deepEqual(limitProblems(v12 ? '1.2' : '2004', cmi), []);

    // A new browser (nothing in its storage): the LMS's suspend data is all there is.
    const second = await launchBrowser({ viewport: { width: 400, height: 800 } });
    try {
      const again = host.launch({ version, content: content[version].url, masteryScore, resume: run.id });
      await second.page.goto(again.url);
      let frame = await playerFrame(second.page);
      assert.ok(await answerResumeOffer(frame, 'continue'), 'offered to continue');
      frame = await playerFrame(second.page);
      assert.match(await frame.textContent('#q-q-url .feedback'), /is correct/);
      await answerFromThirdPage(frame, { url: false });
      assert.match(await frame.textContent('.result'), /You can close this window/);
      const final = await host.waitForCommit(again.id, { final: true });
      const done = final.data.cmi;
      if (v12) {
        assert.equal(done.core.lesson_status, 'passed');
        assert.equal(String(done.core.score.raw), '100');
        assert.equal(done.suspend_data, '');
      } else {
        assert.equal(done.completion_status, 'completed');
        assert.equal(done.success_status, 'passed');
        assert.equal(String(done.score.scaled), '1');
        assert.equal(String(done.score.raw), '6');
      }
      const { log } = await readHarness(second.page);
      assert.deepEqual(scormErrors(log), [], 'scorm-again reported no error');
      const calls = log.map((c) => c.fn);
      assert.equal(calls[0], v12 ? 'LMSInitialize' : 'Initialize');
      assert.equal(calls.filter((f) => f === (v12 ? 'LMSFinish' : 'Terminate')).length, 1, 'one Terminate');
    } finally {
      await second.close();
    }
  });
}

test('SCORM 1.2 with an LRS: failing against the LMS mastery score, xAPI sent too, and an LMS error shown', async () => {
  const browser = await launchBrowser();
  lrs = await startLrs({ username: 'pelita', password: 'scorm-secret' });
  try {
    // 5 of 6 (83 %) passes the module's own 80 % but not the LMS's 90 %. An LRS is
    // configured too (as a portal would, through the launch query): statements go there.
    const actor = { objectType: 'Agent', name: 'Lestari', mbox: 'mailto:lestari@example.go.id' };
    const xapi = `&endpoint=${encodeURIComponent(lrs.endpoint)}&auth=${encodeURIComponent(lrs.auth)}&actor=${encodeURIComponent(JSON.stringify(actor))}`;
    const run = host.launch({ version: '1.2', content: content['1.2'].url + xapi, masteryScore: 0.9 });
    await browser.page.goto(run.url);
    const frame = await playerFrame(browser.page);
    const mouse = chooseByMouse(frame);
    await frame.waitForSelector('#app #q-q-pin-false');
    // The LMS's store fails: the next Commit reports error 101, and the learner reads what
    // was not saved, that it is kept and sent again, and the LMS's own code and text.
    host.failCommits(1, 500);
    await mouse.trueFalse('q-pin', 'false');
    await frame.waitForSelector('.lms-notice');
    assert.match(await frame.textContent('.lms-notice'), /Your latest answers were not saved in the LMS\. They are kept on this device and sent again with your next step or when you leave\./);
    assert.match(await frame.textContent('.lms-notice .detail'), /^LMS error 101: \S/);
    // The next step commits everything again, and the notice goes.
    await mouse.next();
    await frame.waitForFunction(() => !document.querySelector('.lms-notice'));
    await mouse.next();
    await answerFromThirdPage(frame, { report: 'a' });
    assert.equal((await frame.textContent('.verdict')).trim(), 'Not passed');
    const final = await host.waitForCommit(run.id, { final: true });
    assert.equal(final.data.cmi.core.lesson_status, 'failed');
    assert.equal(String(final.data.cmi.core.score.raw), '83');
    // The same attempt in the LRS, judged by the same (the LMS's) mastery score.
    let stored = [];
    for (let i = 0; i < 100 && !stored.some((s) => s.verb.id.endsWith('/terminated')); i++) {
      stored = await lrs.statements();
      await new Promise((r) => setTimeout(r, 100));
    }
    const failed = stored.find((s) => s.verb.id.endsWith('/failed'));
    assert.ok(failed, 'failed reached the LRS');
    assert.equal(failed.result.score.scaled, 0.8333);
    assert.equal(stored.filter((s) => s.verb.id.endsWith('/answered')).length, 5);
    assert.deepEqual(validateStatements(stored), []);
  } finally {
    await browser.close();
  }
});

const NOT_SAVED = {
  en: { text: /Your result was not saved in the LMS\. It is kept on this device in this window and sent again every 30 seconds/, detail: /^LMS error 101: \S/, saved: /Your results are saved in the LMS/ },
  id: { text: /Hasil Anda belum tersimpan di LMS\. Hasil itu disimpan di perangkat ini di jendela ini dan dikirim lagi setiap 30 detik/, detail: /^Galat LMS 101: \S/, saved: /Hasil Anda tersimpan di LMS/ },
};

for (const [version, lang] of [['2004', 'id'], ['1.2', 'en']]) {
  test(`SCORM ${version}: a result the LMS did not save is said truthfully (${lang}), kept and sent again until it is`, async () => {
    const browser = await launchBrowser({ viewport: { width: 400, height: 800 } });
    try {
      const run = host.launch({ version, content: content[version].url.replace('lang=en', `lang=${lang}`), masteryScore: 0.8 });
      await browser.page.goto(run.url);
      const frame = await playerFrame(browser.page);
      await frame.waitForSelector('#app #q-q-pin-false');
      const mouse = chooseByMouse(frame);
      await mouse.trueFalse('q-pin', 'false');
      await mouse.next();
      await mouse.next();
      await mouse.choice('q-url', ['b']);
      await mouse.next();
      await mouse.next();
      await mouse.choice('q-signs', ['a', 'c', 'd']);
      await mouse.trueFalse('q-attachment', 'true');
      await mouse.choice('q-report', ['c']);
      // The final Commit fails (error 101): the session with the LMS must not end on it.
      host.failCommits(1, 500);
      await frame.click('.nav .finish button');
      await frame.waitForSelector('.result');
      await frame.waitForSelector('.lms-notice');
      assert.match(await frame.textContent('.lms-notice'), NOT_SAVED[lang].text);
      assert.match(await frame.textContent('.lms-notice .detail'), NOT_SAVED[lang].detail);
      assert.doesNotMatch(await frame.textContent('.result'), NOT_SAVED[lang].saved, 'never "saved" when it is not');
      let { log } = await readHarness(browser.page);
      const finish = version === '1.2' ? 'LMSFinish' : 'Terminate';
      assert.equal(log.filter((c) => c.fn === finish).length, 0, 'the session stays open for the retry');
      // Sent again by itself (every 30 s): then the LMS has it and the learner is told so.
      const final = await host.waitForCommit(run.id, { final: true }, 45_000);
      const cmi = final.data.cmi;
      assert.equal(version === '1.2' ? cmi.core.lesson_status : cmi.success_status, 'passed');
      await frame.waitForFunction(() => !document.querySelector('.lms-notice'), null, { timeout: 10_000 });
      assert.match(await frame.textContent('.result'), NOT_SAVED[lang].saved);
      ({ log } = await readHarness(browser.page));
      assert.equal(log.filter((c) => c.fn === finish).length, 1);
    } finally {
      await browser.close();
    }
  });
}

const NO_API = {
  en: /The LMS is not recording this attempt: no LMS connection was found/,
  id: /LMS tidak mencatat percobaan ini: tidak ada sambungan ke LMS/,
};

test('a SCORM package opened outside its LMS says the LMS is not recording the attempt (en, id)', async () => {
  const browser = await launchBrowser();
  try {
    for (const lang of ['en', 'id']) {
      // The package's own launch (the manifest's parameters), with no LMS around it.
      await browser.page.goto(`${host.url}${content['2004'].url.replace('lang=en', `lang=${lang}`)}`);
      await browser.page.waitForSelector('#app .player main.page, #app .player main.resume');
      assert.match(await browser.page.textContent('.lms-notice'), NO_API[lang]);
      assert.deepEqual(await axeViolations(browser.page), [], 'the page with the notice is accessible');
    }
    // The same player with no SCORM parameters is a plain lesson: nothing to say.
    await browser.page.goto(`${host.url}/content/scorm2004/index.html?module=modules%2Fphishing.json&lang=en`);
    await browser.page.waitForSelector('#app .player main.page, #app .player main.resume');
    assert.equal(await browser.page.$('.lms-notice'), null);
  } finally {
    await browser.close();
  }
});

// SCORM's part of the player is a chunk of its own (crates/player/src/chunks.rs, SCORM),
// downloaded only when the player finds an LMS's API. If it cannot be downloaded (twice),
// the learner is told and offered "Try again" before anything is asked of the LMS: an
// attempt the LMS would not record is not played.
test('SCORM 2004: a SCORM chunk that cannot be downloaded stops before Initialize; "Try again" starts the session', async () => {
  const browser = await launchBrowser({ viewport: { width: 400, height: 800 } });
  try {
    let refusing = true;
    let requests = 0;
    await browser.page.route(/\/split_scorm-[0-9a-f]{16}\.wasm$/, (route) => {
      requests += 1;
      return refusing ? route.abort('failed') : route.continue();
    });
    const run = host.launch({ version: '2004', content: content['2004'].url, masteryScore: 0.8 });
    await browser.page.goto(run.url);
    let frame;
    for (let i = 0; i < 150 && !frame; i++) {
      const f = browser.page.frames().find((x) => /\/content\/.*index\.html/.test(x.url()));
      if (f && (await f.$('.lms-stop'))) frame = f;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(frame, 'the stop page is shown in the LMS frame');
    assert.ok(requests >= 2, `tried again before the learner is told (${requests} request(s))`);
    const text = await frame.textContent('.lms-stop');
    assert.match(text, /This part of the player could not be downloaded/);
    let { log } = await readHarness(browser.page);
    assert.equal(log.filter((c) => c.fn === 'Initialize').length, 0, 'nothing was asked of the LMS');
    refusing = false;
    // "Try again" reloads the player's frame: wait for the new page before looking in it.
    await Promise.all([frame.waitForNavigation(), frame.click('.lms-stop button')]);
    const player = await playerFrame(browser.page);
    await player.waitForSelector('#app #q-q-pin-false');
    ({ log } = await readHarness(browser.page));
    assert.equal(log.filter((c) => c.fn === 'Initialize').length, 1, 'the session started once');
    assert.deepEqual(scormErrors(log), []);
  } finally {
    await browser.close();
  }
});
