// Statements shaped exactly like the player's (crates/xapi/src/report.rs), with answers
// drawn from a seeded generator so that every run stores the same answers (ids and
// registrations are random). `attempt` makes one attempt of any module; `statements` makes
// attempts of modules/phishing.json (14 statements each) by 2,000 learners over 30 days,
// which the report and stats benchmarks store, so their figures describe the same data.
// bench/stats-statements.mjs mixes attempts of several modules with the same `attempt`.

import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const V = (name, id) => ({ id: `http://adlnet.gov/expapi/verbs/${name}`, display: { en: name, id } });
const VERBS = {
  initialized: V('initialized', 'memulai'), experienced: V('experienced', 'mengalami'),
  answered: V('answered', 'menjawab'), completed: V('completed', 'menyelesaikan'),
  passed: V('passed', 'lulus'), failed: V('failed', 'tidak lulus'), terminated: V('terminated', 'mengakhiri'),
};

/** What the generator needs of the module in `file`: its pages, questions and points. */
export function shape(file) {
  const module = JSON.parse(readFileSync(file, 'utf8'));
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

/** A seeded generator (mulberry32), so every run of a benchmark stores the same answers. */
export function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One attempt's statements of module `m` (a `shape`) by learner number `learner`, from `t`. */
export function attempt(m, learner, t, random) {
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

/** `count` statements of modules/phishing.json, attempt after attempt. */
export function* statements(count) {
  const phishing = shape(path.join(ROOT, 'www/modules/phishing.json'));
  const random = rng(42);
  const start = Date.UTC(2026, 9, 1);
  let made = 0;
  for (let a = 0; made < count; a++) {
    const t = start + Math.floor(random() * 30 * 86_400_000);
    for (const s of attempt(phishing, a % 2000, t, random)) {
      if (made === count) return;
      made += 1;
      yield s;
    }
  }
}
