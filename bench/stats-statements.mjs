// Statements shaped exactly like the player's (crates/xapi/src/report.rs) for issue 16's
// bench: three attempts in four are of the 10-question module bench/modules/keamanan-data.json,
// the others of two 4-question modules that share its two competencies
// (bench/modules/sandi-lanjut.json, literasi-lanjut.json). Learners take attempts again
// (a learner every 40 statements or so, so about 2.5 attempts each over all modules), and
// attempts follow each other in time over 30 days, as an LRS stores them as they happen.
// Answers come from a seeded generator, so every run stores the same answers (ids and
// registrations are random).

import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'modules');
export const MAIN = 'keamanan-data.json';
export const OTHERS = ['sandi-lanjut.json', 'literasi-lanjut.json'];

const V = (name, id) => ({ id: `http://adlnet.gov/expapi/verbs/${name}`, display: { en: name, id } });
const VERBS = {
  initialized: V('initialized', 'memulai'), experienced: V('experienced', 'mengalami'),
  answered: V('answered', 'menjawab'), completed: V('completed', 'menyelesaikan'),
  passed: V('passed', 'lulus'), failed: V('failed', 'tidak lulus'), terminated: V('terminated', 'mengakhiri'),
};

/** What the generator needs of a module. */
function shape(file) {
  const module = JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
  const pages = module.lessons.flatMap((lesson) => lesson.pages.map((page) => ({ lesson, page })));
  const questions = pages.flatMap(({ lesson, page }) =>
    page.blocks.filter((b) => b.id?.startsWith('q-')).map((q) => ({ lesson, page, q })));
  return { module, pages, questions, maxPoints: questions.reduce((s, { q }) => s + (q.points ?? 1), 0) };
}

const key = (q) => (q.type === 'trueFalse' ? [String(q.answer)] : q.choices.filter((c) => c.correct).map((c) => c.id));
const options = (q) => (q.type === 'trueFalse' ? ['true', 'false'] : q.choices.map((c) => c.id));

function definition({ q }) {
  const d = {
    name: q.prompt, description: q.prompt, type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
    interactionType: q.type === 'trueFalse' ? 'true-false' : 'choice',
    correctResponsesPattern: [key(q).join('[,]')],
  };
  if (q.type === 'choice') d.choices = q.choices.map((c) => ({ id: c.id, description: c.text }));
  return d;
}

/** A seeded generator (mulberry32). */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One attempt's statements of module `m` by learner number `learner`, starting at `t`. */
function attempt(m, learner, t, random) {
  const { module, pages, questions, maxPoints } = m;
  const MODULE = module.id;
  const competency = (id) => {
    const c = module.competencies.find((x) => x.id === id);
    return { objectType: 'Activity', id, definition: { name: c.label, type: 'https://pelita.example.org/xapi/activity-types/competency' } };
  };
  const actor = { objectType: 'Agent', name: `Learner ${learner}`, mbox: `mailto:learner${learner}@example.go.id` };
  const registration = randomUUID();
  const began = t;
  const skill = random();
  const context = (extra = {}) => ({ registration, platform: 'Pelita', language: 'id', ...extra });
  const lessonContext = (lesson) => ({
    parent: [{ objectType: 'Activity', id: `${MODULE}/lesson/${lesson.id}`, definition: { name: lesson.title, type: 'http://adlnet.gov/expapi/activities/lesson' } }],
    grouping: [{ objectType: 'Activity', id: MODULE }],
    category: (lesson.competencies ?? []).map(competency),
  });
  const moduleObject = { objectType: 'Activity', id: MODULE, definition: { name: module.title, description: module.description, type: 'http://adlnet.gov/expapi/activities/module' } };
  const moduleTags = { category: module.competencies.map((c) => competency(c.id)) };
  const one = (verb, object, result, activities) => {
    t += 2000 + Math.floor(random() * 20_000);
    const s = { id: randomUUID(), actor, verb: VERBS[verb], object, context: context(activities ? { contextActivities: activities } : {}), timestamp: new Date(t).toISOString() };
    if (result) s.result = result;
    return s;
  };
  const list = [one('initialized', moduleObject, null, moduleTags)];
  let raw = 0;
  for (const { lesson, page } of pages) {
    list.push(one('experienced', { objectType: 'Activity', id: `${MODULE}/lesson/${lesson.id}/page/${page.id}`, definition: { name: page.title, type: 'http://activitystrea.ms/schema/1.0/page' } }, null, lessonContext(lesson)));
    for (const entry of questions.filter((x) => x.page === page)) {
      const { q } = entry;
      const right = random() < 0.35 + skill * 0.6;
      const wrong = options(q).filter((o) => !key(q).includes(o));
      const picked = right ? key(q) : [wrong[Math.floor(random() * wrong.length)]];
      const points = q.points ?? 1;
      raw += right ? points : 0;
      list.push(one('answered', { objectType: 'Activity', id: `${MODULE}/question/${q.id}`, definition: definition(entry) }, {
        score: { scaled: right ? 1 : 0, raw: right ? points : 0, min: 0, max: points }, success: right, response: picked.join('[,]'),
      }, lessonContext(lesson)));
    }
  }
  const duration = `PT${Math.round((t + 1000 - began) / 1000)}S`;
  const scaled = Math.round((raw / maxPoints) * 10_000) / 10_000;
  const passed = scaled >= module.masteryScore;
  list.push(one('completed', moduleObject, { completion: true, duration }, moduleTags));
  list.push(one(passed ? 'passed' : 'failed', moduleObject, { score: { scaled, raw, min: 0, max: maxPoints }, success: passed, completion: true, duration }, moduleTags));
  list.push(one('terminated', moduleObject, { duration }, moduleTags));
  return list;
}

/** `count` statements (then `extra` more, continuing in time), attempt after attempt. */
export function* statements(count) {
  const main = shape(MAIN);
  const others = OTHERS.map(shape);
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
