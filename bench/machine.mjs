// What machine a benchmark ran on, for the record in BENCHMARKS.md, a fingerprint of the
// build it measured, and writing a benchmark's own section of that file: shared by the
// scripts in bench/.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';

/** A command's trimmed output, or 'unknown' when it fails. */
export function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Date, CPU, cores, memory, OS, Chromium and Node versions. */
export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = (cpuinfo.match(/^model name\s*:\s*(.*)$/m) || [])[1] || os.cpus()[0]?.model || 'unknown';
  const memKb = Number((readFileSync('/proc/meminfo', 'utf8').match(/^MemTotal:\s+(\d+)/m) || [])[1]);
  let osName = 'unknown';
  try {
    osName = (readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?/m) || [])[1];
  } catch {}
  return {
    date: sh('date', ['-u']),
    cpu,
    cores: sh('nproc', []),
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    os: osName,
    chromium: sh('/usr/bin/chromium', ['--version']),
    node: process.version,
  };
}

/** Names, sizes and modification times of everything in `dir`, to notice a rebuild mid-run. */
export function distSnapshot(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) out.push(...distSnapshot(path.join(dir, entry.name), rel + '/'));
    else {
      const s = statSync(path.join(dir, entry.name));
      out.push(`${rel}:${s.size}:${s.mtimeMs}`);
    }
  }
  return out.sort().join('\n');
}

/**
 * Replaces the section `name` of the file `output` (the text between `<!-- name:start -->`
 * and `<!-- name:end -->`) with `text`, or appends it; the other sections stay as they are.
 */
export function writeSection(output, name, text) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  let doc = existsSync(output) ? readFileSync(output, 'utf8') : '';
  const block = `${start}\n${text}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) doc = doc.slice(0, i) + block + doc.slice(j + end.length);
  else doc = doc.replace(/\s*$/, '\n\n') + block + '\n';
  writeFileSync(output, doc);
}
