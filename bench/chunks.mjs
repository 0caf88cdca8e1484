// This script measures what the learners' first wasm chunk is made of (issue 14, section 3),
// with twiggy. It takes the first chunk as the splitter left it in the last
// `cargo xtask dist` (target/pelita-bindgen/split/pelita_split.wasm: names kept, before
// wasm-bindgen), runs wasm-bindgen and wasm-opt on it as the build does but keeping the
// function names (`--keep-debug`, `-g`), so that the sizes are those of the shipped chunk
// give or take the names, and sums twiggy's shallow sizes by area: each Pelita crate's
// modules, Yew, the Rust standard library, the data segments and the rest. It prints that
// table and, unless `--no-write`, rewrites the part of BENCHMARKS.md between
// `<!-- chunks:start -->` and `<!-- chunks:end -->`. ARCHITECTURE.md's chunk map is read
// off it.
//
// Usage: `cargo xtask dist`, then `node bench/chunks.mjs [--no-write]`. twiggy is
// installed with `cargo install twiggy --version 0.8.0` when it is not on the PATH.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { machine, writeSection } from './machine.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const SPLIT = path.join(TARGET, 'pelita-bindgen', 'split');
const DIST = path.join(ROOT, 'dist');
const OUTPUT = path.join(ROOT, 'BENCHMARKS.md');
const WRITE = !process.argv.includes('--no-write');
// The flags of xtask's WASM_OPT_FLAGS, plus -g to keep the names.
const WASM_OPT = ['-Oz', '-g', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];
const PATH = [path.join(ROOT, 'node_modules', '.bin'), path.join(homedir(), '.cargo', 'bin'), process.env.PATH].join(':');
const env = { ...process.env, PATH };

const run = (cmd, args) => execFileSync(cmd, args, { env, maxBuffer: 256 * 1024 * 1024 }).toString();
const brotli = (bytes) => zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const fmt = (n) => Math.round(n).toLocaleString('en');

function twiggy() {
  try {
    run('twiggy', ['--version']);
  } catch {
    console.log('twiggy is not installed: cargo install twiggy --version 0.8.0');
    execFileSync('cargo', ['install', 'twiggy', '--version', '0.8.0'], { env, stdio: 'inherit' });
  }
}

/** Splits one CSV line of twiggy's (quoted fields may hold commas and doubled quotes). */
function csvFields(line) {
  const out = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(field); field = ''; } else field += c;
  }
  out.push(field);
  return out;
}

/** The area an item of the first chunk belongs to, by its (demangled) name. */
function area(name) {
  if (name.startsWith('data[') || name.startsWith('data segment')) return 'data segments (strings, tables)';
  if (name.startsWith('custom section') || name.includes('subsection')) return null;
  if (/^(import|export|elem|table|memory|global|type)\b/.test(name)) return 'imports, exports, tables';
  const own = name.match(/pelita_(\w+)::(\w+)(?:::(\w+))?/);
  if (own) {
    const [, crate, module, inner] = own;
    if (crate === 'player' && ['components', 'pages', 'hooks', 'glue'].includes(module) && inner) return `pelita-player ${module}::${inner}`;
    return `pelita-${crate} ${module}`;
  }
  const first = name.match(/^[<&\s]*(?:mut |dyn |impl )?([a-z_][a-z0-9_]*)/);
  const crate = first ? first[1] : 'other';
  if (['core', 'alloc', 'std', 'compiler_builtins', 'str', 'f64', 'f32', 'u8', 'char', 'usize'].includes(crate)) return 'Rust standard library';
  if (['yew', 'implicit_clone', 'prokio', 'slab', 'indexmap'].includes(crate)) return 'yew (and its runtime)';
  if (['wasm_bindgen', 'js_sys', 'web_sys', 'wasm_bindgen_futures', 'gloo', 'gloo_events', 'gloo_timers', 'gloo_utils'].includes(crate)) return 'wasm-bindgen, js-sys, web-sys, gloo';
  if (['serde', 'serde_core', 'serde_json', 'itoa', 'ryu'].includes(crate)) return 'serde, serde_json';
  if (['hashbrown', 'dlmalloc', 'uuid', 'async_once_cell', 'futures', 'futures_util', 'futures_core', 'pin_project', 'wasm_split_helpers'].includes(crate)) return `${crate}`;
  return 'other (generic code, closures)';
}

function main() {
  const first = path.join(SPLIT, 'pelita_split.wasm');
  if (!existsSync(first)) {
    console.error(`${first} is missing: run \`cargo xtask dist\` first.`);
    process.exit(1);
  }
  twiggy();
  const dir = mkdtempSync(path.join(tmpdir(), 'pelita-chunks-'));
  try {
    run('wasm-bindgen', [first, '--no-typescript', '--out-name', 'pelita', '--target', 'web', '--keep-lld-exports', '--keep-debug', '--out-dir', dir]);
    const named = path.join(dir, 'named.wasm');
    run('wasm-opt', [path.join(dir, 'pelita_bg.wasm'), ...WASM_OPT, '-o', named]);
    // By area, before wasm-opt (where each function is still where its source put it) and
    // after (what ships: wasm-opt inlines much, a component's `run` into Yew's render).
    const measureAreas = (file) => {
      const csv = run('twiggy', ['top', '-n', '1000000', '--format', 'csv', file]).trim().split('\n').slice(1);
      const sums = new Map();
      let total = 0;
      for (const line of csv) {
        const [name, shallow] = csvFields(line);
        const a = area(name);
        if (a === null) continue;
        total += Number(shallow);
        sums.set(a, (sums.get(a) ?? 0) + Number(shallow));
      }
      return { sums, total };
    };
    const before = measureAreas(first);
    const after = measureAreas(named);
    const sums = after.sums;
    const total = after.total;
    const shipped = readdirSync(DIST).find((f) => /^pelita_bg-[0-9a-f]+\.wasm$/.test(f));
    const shippedBytes = shipped ? readFileSync(path.join(DIST, shipped)) : null;
    const chunks = readdirSync(DIST).filter((f) => /^(split|chunk)_\w+-[0-9a-f]+\.wasm$/.test(f)).sort();
    const m = machine();
    const lines = [
      '## What the first wasm chunk is made of (twiggy)',
      '',
      `\`node bench/chunks.mjs\` (${m.date}; twiggy ${run('twiggy', ['--version']).trim().split(' ').pop()}). The first chunk of the last \`cargo xtask dist\`, through wasm-bindgen and wasm-opt as the build does but with the names kept (and the imports from the JavaScript glue under wasm-bindgen's long names, which the build shortens: \`xtask::shorten_imports\`); twiggy's shallow sizes summed by area. ` +
        `Code and data: ${fmt(total)} B here (${fmt(before.total)} B before wasm-opt)${shippedBytes ? `; the shipped \`${shipped}\` is ${fmt(shippedBytes.length)} B raw, ${fmt(brotli(shippedBytes))} B brotli` : ''}. ` +
        'A share of the raw bytes is about the same share of the brotli bytes (code compresses evenly). Monomorphised generic code (a `Vec` of a Pelita type, say) counts under the crate that defines the generic, and after wasm-opt a function inlined into another counts where it was inlined (most of a component\'s `run` lands in Yew\'s render): the column before wasm-opt says where the source is.',
      '',
      '| Area | Shipped (after wasm-opt) | Share | Before wasm-opt | Share |',
      '|---|---:|---:|---:|---:|',
      ...[...new Set([...sums.keys(), ...before.sums.keys()])]
        .sort((a, b) => (sums.get(b) ?? 0) - (sums.get(a) ?? 0) || (before.sums.get(b) ?? 0) - (before.sums.get(a) ?? 0))
        .map((a) => `| ${a} | ${fmt(sums.get(a) ?? 0)} | ${((sums.get(a) ?? 0) / total * 100).toFixed(1)}% | ${fmt(before.sums.get(a) ?? 0)} | ${((before.sums.get(a) ?? 0) / before.total * 100).toFixed(1)}% |`),
      '',
      '| Later chunk | Raw bytes | Brotli bytes |',
      '|---|---:|---:|',
      ...chunks.map((f) => {
        const bytes = readFileSync(path.join(DIST, f));
        return `| \`${f}\` | ${fmt(bytes.length)} | ${fmt(brotli(bytes))} |`;
      }),
    ];
    const text = lines.join('\n');
    console.log(text);
    if (WRITE) writeSection(OUTPUT, 'chunks', `<!-- This section is written by bench/chunks.mjs, which rewrites only what lies between the chunks markers. -->\n${text}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
