// The JSON Schema in docs/ and the loader in crates/lesson must agree: every example
// module passes the schema, and broken variants that the loader rejects (see
// crates/lesson/tests/validation.rs) are rejected by the schema too. Only what JSON Schema
// can express is compared; docs/module.schema.json lists the rest.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { ROOT } from './helpers.mjs';

const schema = JSON.parse(await readFile(path.join(ROOT, 'docs/module.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true }).compile(schema);
const modulesDir = path.join(ROOT, 'www/modules');

test('every module in www/modules, and every fixture module of the native tests, passes the schema', async () => {
  const names = (await readdir(modulesDir)).filter((n) => n.endsWith('.json') && n !== 'launch.json');
  assert.ok(names.length > 0);
  const fixtures = ['small', 'types', 'text-types', 'blocks', 'performance'].map((n) => path.join(ROOT, `crates/xapi/tests/${n}.json`));
  for (const file of [...names.map((n) => path.join(modulesDir, n)), ...fixtures]) {
    const ok = validate(JSON.parse(await readFile(file, 'utf8')));
    assert.ok(ok, `${file}: ${JSON.stringify(validate.errors, null, 2)}`);
  }
});

test('the schema rejects what the loader rejects', async () => {
  const good = JSON.parse(await readFile(path.join(modulesDir, 'phishing.json'), 'utf8'));
  const quiz = (m) => m.lessons[1].pages.at(-1).blocks;
  const cases = {
    'wrong version': (m) => { m.pelita = 2; },
    'mastery out of range': (m) => { m.masteryScore = 1.5; },
    'unknown top-level key': (m) => { m.mastery = 1; },
    'no lessons': (m) => { m.lessons = []; },
    'image without alt': (m) => { delete m.lessons[0].pages[1].blocks.find((b) => b.type === 'image').alt; },
    'unknown block type': (m) => { m.lessons[0].pages[0].blocks.push({ type: 'hologram', src: 'x.glb' }); },
    'true/false answer as a string': (m) => { m.lessons[0].pages[0].blocks.find((b) => b.type === 'trueFalse').answer = 'false'; },
    'single choice with two correct': (m) => { quiz(m).find((b) => b.id === 'q-report').choices.forEach((c) => { c.correct = true; }); },
    'multiple choice with none correct': (m) => { quiz(m).find((b) => b.id === 'q-signs').choices.forEach((c) => { c.correct = false; }); },
    'one choice only': (m) => { const q = quiz(m).find((b) => b.id === 'q-report'); q.choices = q.choices.slice(0, 1); },
    'choice id with a space': (m) => { quiz(m).find((b) => b.id === 'q-signs').choices[0].id = 'a a'; },
    'zero points': (m) => { quiz(m).find((b) => b.id === 'q-signs').points = 0; },
    'heading level 1': (m) => { m.lessons[0].pages[0].blocks[0].content.en.unshift({ type: 'heading', level: 1, content: ['Big'] }); },
    'javascript link': (m) => { m.lessons[0].pages[0].blocks[0].content.en.push({ type: 'paragraph', content: [{ type: 'link', href: 'javascript:x()', content: ['x'] }] }); },
    'competency without an IRI': (m) => { m.competencies[0].id = 'keamanan siber'; },
    'competency without a label': (m) => { delete m.competencies[1].label; },
    'lesson naming a competency by label': (m) => { m.lessons[0].competencies = ['Literasi digital']; },
    'raw html block': (m) => { m.lessons[0].pages[0].blocks[0].content.en.push({ type: 'html', content: ['<b>x</b>'] }); },
    'empty paragraph': (m) => { m.lessons[0].pages[0].blocks[0].content.en.push({ type: 'paragraph', content: [] }); },
    'blank title': (m) => { m.title.en = '   '; },
    'relative module id': (m) => { m.id = 'modules/phishing'; },
  };
  for (const [name, edit] of Object.entries(cases)) {
    const broken = structuredClone(good);
    edit(broken);
    assert.equal(validate(broken), false, `the schema accepts a module with: ${name}`);
  }
});

test('the schema rejects what the loader rejects in the newer block types', async () => {
  const good = JSON.parse(await readFile(path.join(modulesDir, 'kata-sandi.json'), 'utf8'));
  const block = (m, id) => m.lessons[0].pages.flatMap((p) => p.blocks).find((b) => b.id === id);
  const cases = {
    'no flashcards': (m) => { m.lessons[0].pages[0].blocks[1].cards = []; },
    'a card without a back': (m) => { delete m.lessons[0].pages[0].blocks[1].cards[0].back; },
    'one item to order': (m) => { const q = block(m, 'q-langkah-otp'); q.items = q.items.slice(0, 1); },
    'an item without text': (m) => { delete block(m, 'q-langkah-otp').items[0].text; },
    'a pair without a target': (m) => { delete block(m, 'q-serangan').pairs[0].target; },
    'an unknown key in a pair': (m) => { block(m, 'q-serangan').pairs[0].points = 2; },
    'a hotspot image without a size': (m) => { delete block(m, 'q-halaman-palsu').image.width; },
    'two right regions': (m) => { block(m, 'q-halaman-palsu').regions[1].correct = true; },
    'no right region': (m) => { block(m, 'q-halaman-palsu').regions[0].correct = false; },
    'a region with a negative x': (m) => { block(m, 'q-halaman-palsu').regions[0].x = -1; },
  };
  for (const [name, edit] of Object.entries(cases)) {
    const broken = structuredClone(good);
    edit(broken);
    assert.equal(validate(broken), false, `the schema accepts a module with: ${name}`);
  }
});

test('the schema rejects what the loader rejects in the typed-answer and survey kinds', async () => {
  const good = JSON.parse(await readFile(path.join(modulesDir, 'kata-sandi.json'), 'utf8'));
  const block = (m, id) => m.lessons[0].pages.flatMap((p) => p.blocks).find((b) => b.id === id);
  const cases = {
    'a blank without accepted answers': (m) => { block(m, 'q-isian-otp').blanks[0].accept = []; },
    'a blank accepting an empty answer': (m) => { block(m, 'q-isian-otp').blanks[0].accept.push(' '); },
    'a number answer as text': (m) => { block(m, 'q-jumlah-kode').answer = { exact: '1.000.000' }; },
    'a tolerance without a value': (m) => { block(m, 'q-jumlah-kode').answer = { tolerance: 1 }; },
    'exact and a range at once': (m) => { block(m, 'q-jumlah-kode').answer = { exact: 1, min: 0 }; },
    'points on a free answer': (m) => { block(m, 'q-rencana').points = 2; },
    'minKeywords without keywords': (m) => { block(m, 'q-rencana').minKeywords = 1; },
    'points on a survey': (m) => { block(m, 'q-yakin').points = 1; },
    'a one-point scale': (m) => { const q = block(m, 'q-yakin'); q.scale = q.scale.slice(0, 1); },
    'a performance question without steps': (m) => { block(m, 'q-lapor').steps = []; },
    'a step with both accept and answer': (m) => { block(m, 'q-lapor').steps[0].answer = { exact: 1 }; },
    'a step with neither accept nor answer': (m) => { delete block(m, 'q-lapor').steps[0].accept; },
    'a step without a label': (m) => { delete block(m, 'q-lapor').steps[1].label; },
    'a step id with a space': (m) => { block(m, 'q-lapor').steps[1].id = 'two words'; },
    'a step answer holding a pattern separator': (m) => { block(m, 'q-lapor').steps[0].accept = ['a[,]b']; },
    'a number step answer as text': (m) => { block(m, 'q-lapor').steps[1].answer = { exact: '2' }; },
    'eleven steps': (m) => { const q = block(m, 'q-lapor'); q.steps = Array.from({ length: 11 }, (_, i) => ({ ...q.steps[0], id: `s${i}` })); },
  };
  for (const [name, edit] of Object.entries(cases)) {
    const broken = structuredClone(good);
    edit(broken);
    assert.equal(validate(broken), false, `the schema accepts a module with: ${name}`);
  }
});
