// Writes the bench-only modules of bench/stats.mjs (issue 16's shape): a 10-question module
// tagged with the two competencies of the example module, and two 4-question modules that
// share them, one competency each. Run `node bench/modules/make.mjs` after changing it; the
// JSON files it writes are committed.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = path.dirname(fileURLToPath(import.meta.url));
const C1 = { id: 'https://pelita.example.org/competencies/keamanan-siber', label: { id: 'Keamanan siber', en: 'Cyber security' } };
const C2 = { id: 'https://pelita.example.org/competencies/literasi-digital', label: { id: 'Literasi digital', en: 'Digital literacy' } };

const text = (id, en) => ({ id, en });
const trueFalse = (n, answer) => ({
  type: 'trueFalse', id: `q-${n}`, answer, points: 1,
  prompt: text(`Pernyataan nomor ${n} benar.`, `Statement number ${n} is true.`),
});
const choice = (n) => ({
  type: 'choice', id: `q-${n}`, multiple: false, points: 1,
  prompt: text(`Pilihan mana yang tepat untuk soal ${n}?`, `Which option is right for question ${n}?`),
  choices: ['a', 'b', 'c', 'd'].map((c) => ({ id: c, correct: c === 'a', text: text(`Pilihan ${c}`, `Option ${c}`) })),
});
const page = (id, blocks) => ({
  id, title: text(`Halaman ${id}`, `Page ${id}`),
  blocks: [{ type: 'text', content: text([{ type: 'paragraph', content: ['Bacalah lalu jawab.'] }], [{ type: 'paragraph', content: ['Read, then answer.'] }]) }, ...blocks],
});
const module = (slug, title, lessons, competencies) => ({
  pelita: 1, id: `https://pelita.example.org/modules/${slug}`, languages: ['id', 'en'],
  title, description: text('Modul untuk pengukuran kinerja laporan.', 'A module for measuring the report.'),
  masteryScore: 0.8, competencies, lessons,
});

const files = {
  'keamanan-data.json': module('bench-keamanan-data', text('Keamanan Data', 'Data Security'), [
    { id: 'siber', title: text('Siber', 'Cyber'), competencies: [C1.id], pages: [page('p1', [1, 2, 3, 4, 5].map(choice))] },
    { id: 'literasi', title: text('Literasi', 'Literacy'), competencies: [C2.id], pages: [page('p2', [6, 7, 8, 9, 10].map((n) => trueFalse(n, n % 2 === 0)))] },
  ], [C1, C2]),
  'sandi-lanjut.json': module('bench-sandi-lanjut', text('Kata Sandi Lanjutan', 'Passwords, further'), [
    { id: 'sandi', title: text('Sandi', 'Passwords'), competencies: [C1.id], pages: [page('p1', [1, 2, 3, 4].map(choice))] },
  ], [C1]),
  'literasi-lanjut.json': module('bench-literasi-lanjut', text('Literasi Digital Lanjutan', 'Digital literacy, further'), [
    { id: 'literasi', title: text('Literasi', 'Literacy'), competencies: [C2.id], pages: [page('p1', [1, 2, 3, 4].map((n) => trueFalse(n, n > 2)))] },
  ], [C2]),
};
for (const [name, m] of Object.entries(files)) writeFileSync(path.join(DIR, name), `${JSON.stringify(m, null, 2)}\n`);
