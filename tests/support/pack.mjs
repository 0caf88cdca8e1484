// Packs a module with the project's own `pelita pack` (crates/cli) and unpacks the zip, so
// the end-to-end tests play exactly the packages an author would upload to an LMS. The
// binary is built by cargo if needed; the zip is opened with Python's standard zipfile
// module, which every machine of this kind has (no unzip tool is assumed).

import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, DIST } from '../e2e/helpers.mjs';

const run = promisify(execFile);

/**
 * Packs `module` (a path under www/modules/) in `format` (cmi5, scorm12, scorm2004, web) and
 * unpacks it. Resolves to { zip, dir, files } (files: the unpacked paths, sorted).
 */
export async function packAndUnpack(format, module = 'www/modules/phishing.json') {
  const work = await mkdtemp(path.join(tmpdir(), `pelita-pack-${format}-`));
  const zip = path.join(work, `${format}.zip`);
  const dir = path.join(work, 'unpacked');
  await run('cargo', ['run', '-q', '-p', 'pelita-cli', '--', 'pack', '--format', format,
    path.join(ROOT, module), '-o', zip, '--player', DIST], { cwd: ROOT, maxBuffer: 16 << 20 });
  await run('python3', ['-m', 'zipfile', '-e', zip, dir]);
  const files = (await readdir(dir, { recursive: true })).map(String).sort();
  return { zip, dir, files };
}
