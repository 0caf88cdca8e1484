// The golden statements of the native tests (crates/xapi/tests/golden) are judged here by
// the independent validator and by the real LRS, so the goldens cannot drift into
// statements that only Pelita believes are valid.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { startLrs } from '../support/lrs.mjs';
import { validateStatements } from '../support/validate.mjs';
import { ROOT } from './helpers.mjs';

const GOLDEN = path.join(ROOT, 'crates/xapi/tests/golden');
let lrs;

before(async () => { lrs = await startLrs(); });
after(async () => { await lrs?.stop(); });

test('every golden statement is valid and accepted by the LRS', async () => {
  const names = (await readdir(GOLDEN)).filter((n) => n.endsWith('.json')).sort();
  assert.ok(names.length >= 9, `expected a golden file per verb and question type, found ${names.length}`);
  const statements = [];
  for (const name of names) statements.push(JSON.parse(await readFile(path.join(GOLDEN, name), 'utf8')));
  assert.deepEqual(validateStatements(statements), []);
  // The goldens come from two scripted sessions whose ids start from the same counter, so
  // they are sent one by one: a new id must be stored, a reused one is a conflict (409).
  const seen = new Set();
  for (const [i, statement] of statements.entries()) {
    const response = await lrs.request('statements', { method: 'POST', body: JSON.stringify(statement), headers: { 'Content-Type': 'application/json' } });
    const expected = seen.has(statement.id) ? [409] : [200];
    assert.ok(expected.includes(response.status), `${names[i]}: HTTP ${response.status} ${await response.text()}`);
    seen.add(statement.id);
  }
});
