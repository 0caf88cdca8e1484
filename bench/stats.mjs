// This script measures `pelita stats update` (issue 16): it starts `pelita serve` (the
// embedded LRS) on a temporary SQLite file, POSTs COUNT statements shaped exactly like the
// player's for modules/phishing.json (the generator of bench/statements.mjs: attempts of 14
// statements by 2,000 learners over 30 days), runs the first `update` (throughput and
// peak memory from /usr/bin/time), POSTs INCREMENT more and runs it again, opens the
// report in headless Chromium (the summary plus what came after it) and records the time
// until every figure is shown, and runs the summary's own benchmark
// (crates/stats/examples/summary_bench.rs) for the size of a 50-question module's summary
// and the fold's speed without HTTP. It rewrites the part of BENCHMARKS.md between
// `<!-- stats:start -->` and `<!-- stats:end -->` and always exits 0 on a miss: it is a
// measurement, not a test.
//
// Usage: `cargo xtask dist`, `cargo build --profile native-release -p pelita-cli`,
// `cargo build --profile native-release -p pelita-stats --example summary_bench`, then
// `node bench/stats.mjs [--count N] [--increment N] [--no-write]`.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startPelitaServe } from '../tests/support/pelita-serve.mjs';
import { launchBrowser } from '../tests/support/browser.mjs';
import { validateStatements } from '../tests/support/validate.mjs';
import { machine, writeSection } from './machine.mjs';
import { statements } from './statements.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = path.join(ROOT, 'BENCHMARKS.md');
const BATCH = 500;
const PARALLEL = 4;

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const COUNT = opt('--count', 1_000_000);
const INCREMENT = opt('--increment', 100_000);
const WRITE = !args.includes('--no-write');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
if (!process.env.PELITA_BIN) {
  const release = path.join(TARGET, 'native-release', 'pelita');
  if (existsSync(release)) process.env.PELITA_BIN = release;
}
const EXAMPLE = path.join(TARGET, 'native-release', 'examples', 'summary_bench');

/** POSTs `count` statements from `stream` in parallel batches (made as they are sent,
 * so a million statements never sit in memory at once); returns the time taken (ms) and
 * the attempts (registrations) among them. */
async function store(served, stream, count) {
  const started = Date.now();
  const registrations = new Set();
  let left = count;
  const take = () => {
    const batch = [];
    while (left > 0 && batch.length < BATCH) {
      const { value, done } = stream.next();
      if (done) break;
      batch.push(value);
      registrations.add(value.context.registration);
      left -= 1;
    }
    return batch;
  };
  async function worker() {
    for (let batch = take(); batch.length; batch = take()) {
      const res = await served.request('statements', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch) });
      if (res.status !== 200) throw new Error(`POST /statements answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return { ms: Date.now() - started, attempts: registrations.size };
}

function run(cmd, argv) {
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${argv.join(' ')}: ${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** One `pelita stats update` under /usr/bin/time: wall seconds, peak RSS, its summary line. */
async function update(served) {
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'TIME %e %M', process.env.PELITA_BIN,
    'stats', 'update', '--endpoint', served.endpoint, '--auth', served.auth, path.join(ROOT, 'www/modules/phishing.json')]);
  const [, seconds, kib] = stderr.match(/TIME ([\d.]+) (\d+)/);
  const read = Number(stdout.match(/: (\d+) new statements/)[1]);
  const bytes = Number(stdout.match(/summary of (\d+) bytes/)[1]);
  return { seconds: Number(seconds), peakMb: Number(kib) / 1024, read, bytes, line: stdout.trim() };
}

async function reportTime(served) {
  const browser = await launchBrowser({ viewport: { width: 360, height: 740 } });
  try {
    const { page } = browser;
    await browser.context.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.getElementById('report-ready')) {
          window.__ready = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, childList: true });
    });
    const url = new URL(served.url);
    for (const [k, v] of Object.entries({ module: 'modules/phishing.json', view: 'report', endpoint: served.endpoint, auth: served.auth, lang: 'en' })) {
      url.searchParams.set(k, v);
    }
    await page.goto(url.toString());
    await page.waitForSelector('#report-ready', { timeout: 600_000 });
    await page.waitForSelector('#table-competencies', { timeout: 600_000 });
    return {
      ms: await page.evaluate(() => window.__ready),
      competenciesMs: await page.evaluate(() => performance.now()),
      attempts: await page.$eval('#stat-attempts', (e) => e.textContent),
      asOf: await page.$eval('#report-as-of', (e) => e.textContent).catch(() => '(no summary)'),
    };
  } finally {
    await browser.close();
  }
}

async function main() {
  const check = [...statements(14)];
  const problems = validateStatements(check);
  if (problems.length) throw new Error(`generated statements are invalid: ${JSON.stringify(problems)}`);
  const stream = statements(COUNT + INCREMENT);
  const served = await startPelitaServe({ username: 'bench', password: 'bench-secret', cors: ['*'] });
  const lines = [];
  try {
    const stored = await store(served, stream, COUNT);
    const { attempts } = stored;
    const storeMs = stored.ms;
    console.log(`stored ${COUNT} statements (${attempts} attempts) in ${storeMs} ms`);
    const first = await update(served);
    console.log(`first update: ${JSON.stringify(first)}`);
    await store(served, stream, INCREMENT);
    const second = await update(served);
    console.log(`incremental update: ${JSON.stringify(second)}`);
    const shown = await reportTime(served);
    console.log(`report: ${JSON.stringify(shown)}`);
    const sizes = [];
    for (const [questions, n] of [[10, 10_000], [50, 10_000]]) {
      const { stdout } = await run(EXAMPLE, [String(questions), String(n)]);
      sizes.push(JSON.parse(stdout));
      console.log(stdout.trim());
    }
    const m = machine();
    const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
    const fifty = sizes.find((s) => s.questions === 50);
    lines.push(
      '## Report summaries: `pelita stats update`',
      '',
      `\`node bench/stats.mjs --count ${COUNT} --increment ${INCREMENT}\` (${m.date}; ${m.cpu}, ${m.cores} cores, ${m.memory}, ${m.os}; ${m.chromium}; node ${m.node}; \`${path.relative(ROOT, process.env.PELITA_BIN || 'target/debug/pelita')}\` serving the LRS on a temporary SQLite file and running the updates).`,
      '',
      `Scale: the issue asks for 10,000,000 statements; this run stored ${COUNT.toLocaleString('en')} (${attempts.toLocaleString('en')} attempts of the 5-question example module, the generator of bench/statements.mjs), which is what could be stored and read within the session on this shared 2-core machine. The first run's time grows with the statements (one pass, a chunk of 100,000 at a time); its memory grows with the chunk, not with the LRS.`,
      '',
      '| Measure | Value |',
      '|---|---|',
      `| Statements stored before the first run | ${COUNT.toLocaleString('en')} (POSTed in ${(storeMs / 1000).toFixed(1)} s) |`,
      `| First \`update\`: wall time | ${first.seconds.toFixed(1)} s |`,
      `| First \`update\`: throughput | ${Math.round(first.read / first.seconds).toLocaleString('en')} statements/s |`,
      `| First \`update\`: peak memory (max RSS) | ${first.peakMb.toFixed(0)} MB |`,
      `| Incremental \`update\` over ${INCREMENT.toLocaleString('en')} new statements | ${second.seconds.toFixed(1)} s, peak ${second.peakMb.toFixed(0)} MB |`,
      `| Summary document (5-question module, sample of ${fifty.sampled}) | ${second.bytes.toLocaleString('en')} bytes |`,
      ...sizes.map((s) => `| Summary of a ${s.questions}-question module, ${s.attempts.toLocaleString('en')} attempts (summary_bench) | ${s.summary_bytes.toLocaleString('en')} bytes; folded ${s.statements.toLocaleString('en')} statements at ${Math.round(s.rate).toLocaleString('en')}/s without HTTP, peak ${(s.peak_kib / 1024).toFixed(0)} MB |`),
      `| Report view in Chromium, from the summary (${shown.asOf}) | ${Math.round(shown.ms).toLocaleString('en')} ms to every figure of the summary (shows ${shown.attempts} attempts); the competencies, read in full from the LRS, by ${Math.round(shown.competenciesMs).toLocaleString('en')} ms |`,
      '',
      `${verdict(second.seconds < 10)}  incremental run over ${INCREMENT.toLocaleString('en')} statements < 10 s: ${second.seconds.toFixed(1)} s`,
      `${verdict(fifty.summary_bytes <= 512 * 1024)}  summary of a 50-question module <= 512 KB: ${fifty.summary_bytes.toLocaleString('en')} bytes`,
      `${verdict(shown.ms < 1000)}  report view shows every figure of the summary < 1 s: ${Math.round(shown.ms).toLocaleString('en')} ms (the competencies, not in the summary, follow at ${Math.round(shown.competenciesMs).toLocaleString('en')} ms)`,
      '',
      'Last line of each run:',
      '',
      '```',
      first.line,
      second.line,
      '```',
    );
    const text = lines.join('\n');
    console.log(`\n${text}`);
    if (WRITE) writeSection(OUTPUT, 'stats', `<!-- This section is written by bench/stats.mjs, which rewrites only what lies between the stats markers. -->\n${text}`);
  } finally {
    await served.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
