// Statements shaped exactly like the player's (crates/xapi/src/report.rs) for issue 16's
// bench: three attempts in four are of the 10-question module bench/modules/keamanan-data.json,
// the others of two 4-question modules that share its two competencies
// (bench/modules/sandi-lanjut.json, literasi-lanjut.json). Learners take attempts again
// (a learner every 40 statements or so, so about 2.5 attempts each over all modules), and
// attempts follow each other in time over 30 days, as an LRS stores them as they happen.
// Answers come from a seeded generator, so every run stores the same answers (ids and
// registrations are random).

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { attempt, rng, shape } from './statements.mjs';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'modules');
export const MAIN = 'keamanan-data.json';
export const OTHERS = ['sandi-lanjut.json', 'literasi-lanjut.json'];

/** `count` statements (then `extra` more, continuing in time), attempt after attempt. */
export function* statements(count) {
  const main = shape(path.join(DIR, MAIN));
  const others = OTHERS.map((file) => shape(path.join(DIR, file)));
  const random = rng(42);
  // About 14.25 statements per attempt on average (16 of the main module, 9 of the others).
  const attempts = Math.max(1, Math.round(count / 14.25));
  const learners = Math.max(2000, Math.round(count / 40));
  const start = Date.UTC(2026, 9, 1);
  const step = (30 * 86_400_000) / attempts;
  let made = 0;
  for (let a = 0; made < count; a++) {
    const m = a % 4 < 3 ? main : others[(a >> 2) % 2];
    const t = start + Math.floor(a * step + random() * step);
    for (const s of attempt(m, a % learners, t, random)) {
      if (made === count) return;
      made += 1;
      yield s;
    }
  }
}
