// Makes the recordings of the example modules, so that they can be made again exactly the
// same way (the files are committed; building and testing do not need this script):
//
// - www/modules/media/pesan-camat.mp3: the district head's voice message in the
//   "pemecahan-masalah" scenario, spoken by espeak-ng's Indonesian voice from PESAN below
//   (the module's transcript holds the same words). A synthetic voice, to be replaced by a
//   person's recording when a content team has one.
// - www/modules/media/sumbu-grafik.webm with sumbu-grafik.id.vtt and .en.vtt: a silent
//   animation for "analitik-data": the vertical axis of a bar chart of 91% and 94% moves
//   from 90 down to 0, and the "leap" shrinks to the 3-point rise it is. Frames are drawn
//   as SVG, photographed by Chromium (playwright-core, /usr/bin/chromium) and encoded by
//   ffmpeg (VP9).
//
// Needs node, espeak-ng and ffmpeg (Debian: apt-get install espeak-ng ffmpeg). Run from
// the repository root: node scripts/make-example-media.mjs

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const OUT = path.resolve('www/modules/media');

/** The voice message, word for word as in the module's transcript. */
export const PESAN = 'Selamat pagi. Ini Camat. Saya menerima banyak keluhan tentang antrean di loket KTP-el, '
  + 'juga di media sosial. Tolong pelajari masalahnya, dan bawa usulan perbaikan ke rapat hari Jumat. '
  + 'Saya tidak mau solusi tambal sulam. Saya ingin tahu penyebabnya, dengan data. Terima kasih.';

const W = 480;
const H = 270;
const FPS = 10;

/** One frame: the chart with its axis starting at `from` (90 down to 0). */
function frame(from, caption) {
  const top = 60;
  const bottom = 220;
  const span = 100 - from;
  const y = (v) => bottom - ((v - from) / span) * (bottom - top);
  const ticks = [from, from + span / 2, 100].map((v) => Math.round(v * 10) / 10);
  const bar = (x, v, fill) => `<rect x="${x}" y="${y(v).toFixed(1)}" width="70" height="${(bottom - y(v)).toFixed(1)}" fill="${fill}"/>`
    + `<text x="${x + 35}" y="${(y(v) - 6).toFixed(1)}" font-size="16" text-anchor="middle" fill="#1b1f24">${v}%</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">
  <rect width="${W}" height="${H}" fill="#ffffff"/>
  <text x="${W / 2}" y="28" font-size="17" font-weight="bold" text-anchor="middle" fill="#1b1f24">Kepuasan warga (%)</text>
  <line x1="140" y1="${top}" x2="140" y2="${bottom}" stroke="#4a5560"/>
  <line x1="140" y1="${bottom}" x2="360" y2="${bottom}" stroke="#4a5560"/>
  ${ticks.map((v) => `<line x1="136" y1="${y(v).toFixed(1)}" x2="360" y2="${y(v).toFixed(1)}" stroke="#d5d9de"/><text x="130" y="${(y(v) + 5).toFixed(1)}" font-size="15" text-anchor="end" fill="#1b1f24">${v}</text>`).join('\n  ')}
  ${bar(165, 91, '#7a8591')}
  ${bar(265, 94, '#0b5cad')}
  <text x="200" y="240" font-size="15" text-anchor="middle" fill="#1b1f24">2024</text>
  <text x="300" y="240" font-size="15" text-anchor="middle" fill="#1b1f24">2025</text>
  <text x="${W / 2}" y="262" font-size="15" text-anchor="middle" fill="#0b5cad" font-weight="bold">${caption}</text>
</svg>`;
}

/** The axis start of every frame: 2 s at 90, 4 s moving to 0 (eased), 3 s at 0. */
function axisStarts() {
  const starts = [];
  for (let i = 0; i < 2 * FPS; i++) starts.push(90);
  const n = 4 * FPS;
  for (let i = 1; i <= n; i++) {
    const t = i / n;
    const eased = t < 0.5 ? 2 * t * t : 1 - ((-2 * t + 2) ** 2) / 2;
    starts.push(90 - 90 * eased);
  }
  for (let i = 0; i < 3 * FPS; i++) starts.push(0);
  return starts;
}

const label = (from) => `Sumbu tegak mulai dari ${Math.round(from)}`;

async function video() {
  const work = await mkdtemp(path.join(tmpdir(), 'pelita-media-'));
  const browser = await chromium.launch({ executablePath: process.env.PELITA_CHROMIUM || '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: W, height: H } });
    const starts = axisStarts();
    for (const [i, from] of starts.entries()) {
      await page.setContent(`<body style="margin:0">${frame(from, label(from))}</body>`);
      await page.screenshot({ path: path.join(work, `f${String(i).padStart(3, '0')}.png`), clip: { x: 0, y: 0, width: W, height: H } });
    }
    execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-framerate', String(FPS), '-i', path.join(work, 'f%03d.png'),
      '-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '40', '-pix_fmt', 'yuv420p', '-an', path.join(OUT, 'sumbu-grafik.webm')]);
  } finally {
    await browser.close();
    await rm(work, { recursive: true, force: true });
  }
  await writeFile(path.join(OUT, 'sumbu-grafik.id.vtt'), `WEBVTT

00:00.000 --> 00:02.000
Sumbu tegak mulai dari 90: batang 2025 (94%) tampak empat kali lebih tinggi daripada batang 2024 (91%).

00:02.000 --> 00:06.000
Titik awal sumbu bergeser turun ke 0. Angkanya tidak berubah.

00:06.000 --> 00:09.000
Sumbu mulai dari 0: kedua batang hampir sama tinggi. Kenaikannya hanya 3 poin persentase.
`);
  await writeFile(path.join(OUT, 'sumbu-grafik.en.vtt'), `WEBVTT

00:00.000 --> 00:02.000
The vertical axis starts at 90: the 2025 bar (94%) looks four times as tall as the 2024 bar (91%).

00:02.000 --> 00:06.000
The start of the axis moves down to 0. The figures do not change.

00:06.000 --> 00:09.000
The axis starts at 0: the two bars are almost the same height. The rise is only 3 percentage points.
`);
}

function audio() {
  const wav = path.join(tmpdir(), `pelita-pesan-${process.pid}.wav`);
  execFileSync('espeak-ng', ['-v', 'id', '-s', '145', '-w', wav, PESAN]);
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', wav, '-ac', '1', '-ar', '22050', '-c:a', 'libmp3lame', '-b:a', '32k', path.join(OUT, 'pesan-camat.mp3')]);
  execFileSync('rm', ['-f', wav]);
}

await mkdir(OUT, { recursive: true });
audio();
await video();
console.log(`written to ${OUT}`);
