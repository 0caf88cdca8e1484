// Serves the built player (dist/) and starts a local, in-memory LRS (Learning Locker's
// xapi-statements) beside it, both on 127.0.0.1, then prints the URLs to open: one per
// module with the record kept in the browser, and one with the record sent to the LRS.
// Usage: node scripts/serve-with-lrs.mjs [port]   (default 8765; the LRS takes a free port)

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLrs } from '../tests/support/lrs.mjs';
import { startProxy } from '../tests/support/proxy.mjs';
import { serveStatic } from '../tests/support/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const port = Number(process.argv[2] || process.env.PELITA_PORT || 8765);
const username = 'pelita';
const password = 'pelita-local';

const lrs = await startLrs({ username, password });
// The local LRS has no State API; the harness's proxy adds one in memory, so that "continue
// where you left off" works here as it does with a full LRS.
const proxy = await startProxy({ target: lrs.endpoint, stateApi: { auth: lrs.auth } });
const endpoint = proxy.endpoint(lrs.endpoint);
const server = await serveStatic({ root: dist, port });
const modules = (await readdir(path.join(dist, 'modules')))
  .filter((name) => name.endsWith('.json') && name !== 'launch.json')
  .sort();

const actor = JSON.stringify({ objectType: 'Agent', name: 'Peserta Uji', mbox: 'mailto:peserta@example.go.id' });
const lines = ['', 'Pelita is running. Open a module:'];
for (const name of modules) {
  const local = new URL(server.url);
  local.searchParams.set('module', `modules/${name}`);
  const sent = new URL(local);
  sent.searchParams.set('endpoint', endpoint);
  sent.searchParams.set('auth', lrs.auth);
  sent.searchParams.set('actor', actor);
  lines.push(`  ${name}`);
  lines.push(`    records kept in the browser (see "Learning record" at the bottom): ${local}`);
  lines.push(`    records sent to the local LRS:                                     ${sent}`);
}
lines.push('', 'Read what the LRS stored:');
lines.push(`  curl -s -u ${username}:${password} -H 'X-Experience-API-Version: 1.0.3' ${lrs.endpoint}statements`);
lines.push('', 'Stop with Ctrl-C.', '');
console.log(lines.join('\n'));

async function stop() {
  await server.close();
  await proxy.close();
  await lrs.stop();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
