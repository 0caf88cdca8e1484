#!/usr/bin/env bash
# Runs ADL's LRS conformance test suite (xAPI 1.0.3 and 2.0.0 batteries) against
# `pelita serve` and writes the counts and every failing test's title into the marked
# section of CONFORMANCE.md, so the figure is rerun rather than remembered.
#
# The suite is not part of the project: give its folder as CTS_SOURCE (default: the copy
# in ../shared/judges/lrs-conformance-test-suite). It is copied once to CTS_DIR (default
# /tmp/pelita-cts) and its npm packages installed there. The LRS runs on a free port of
# 127.0.0.1 with a fresh database and Basic credentials made for the run.
#
# Usage: bash scripts/conformance.sh [1.0.3] [2.0.0]   (both batteries when none given)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source_dir=${CTS_SOURCE:-$root/../shared/judges/lrs-conformance-test-suite}
cts=${CTS_DIR:-/tmp/pelita-cts}
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(1.0.3 2.0.0)

if [ ! -d "$cts/node_modules" ]; then
  [ -d "$source_dir" ] || { echo "conformance: no suite at $source_dir (set CTS_SOURCE)" >&2; exit 1; }
  rm -rf "$cts"
  cp -r "$source_dir" "$cts"
  (cd "$cts" && npm install --no-audit --no-fund >/dev/null)
fi

cargo build -p pelita-cli >&2
pelita=$root/target/debug/pelita

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# `serve` wants a built player and a modules folder; the suite only calls /xapi, so an
# empty page and an empty folder do.
mkdir -p "$work/player" "$work/modules"
echo '<!doctype html><title>conformance</title>' >"$work/player/index.html"
key=conformance
secret=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$secret" | "$pelita" credential "$key" >"$work/credentials"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$pelita" serve "$work/modules" --player "$work/player" --port "$port" \
  --db "$work/lrs.sqlite" --credentials "$work/credentials" >"$work/serve.log" 2>&1 &
server=$!
# Any answer means the server is up (which answer /about gives is for the suite to judge).
up() { curl -s -o /dev/null "http://127.0.0.1:$port/xapi/about"; }
for _ in $(seq 100); do up && break; sleep 0.1; done
up || { cat "$work/serve.log" >&2; exit 1; }

results=()
for v in "${versions[@]}"; do
  echo "conformance: running the $v battery" >&2
  out=$work/run-$v.txt
  (cd "$cts" && node bin/console_runner.js -x "$v" -e "http://127.0.0.1:$port/xapi" -a \
    -u "$key" -p "$secret" -z >"$out" 2>&1) || true
  log=$(sed -n 's/^Full run log written to //p' "$out" | tail -1)
  [ -n "$log" ] && [ -f "$log" ] || { tail -20 "$out" >&2; echo "conformance: the $v run wrote no log" >&2; exit 1; }
  results+=("$v=$log")
done

commit=$(git -C "$root" rev-parse --short HEAD)
git -C "$root" diff --quiet HEAD -- crates || commit="$commit with uncommitted changes"
node - "$root/CONFORMANCE.md" "$commit" "${results[@]}" <<'JS'
const fs = require('fs');
const [file, commit, ...runs] = process.argv.slice(2);
const begin = '<!-- conformance:begin (written by scripts/conformance.sh) -->';
const end = '<!-- conformance:end -->';
// The failing leaves of the log tree, with the titles of the suites they are in.
function failures(node, path, out) {
  if (!node) return out;
  const here = node.title ? [...path, node.title] : path;
  const kids = (node.tests || []).filter(Boolean);
  if (kids.length === 0 && node.status === 'failed') out.push(here.slice(1).join(' › '));
  for (const k of kids) failures(k, here, out);
  return out;
}
let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Conformance\n';
const old = text.includes(begin) ? text.slice(text.indexOf(begin) + begin.length, text.indexOf(end)) : '';
// A battery that was not rerun keeps its previous section.
const sections = {};
for (const m of old.matchAll(/^### xAPI ([^:\s]+)[\s\S]*?(?=^### |(?![\s\S]))/gm)) sections[m[1]] = m[0].trimEnd();
const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
for (const run of runs) {
  const [version, log] = run.split(/=(.*)/s);
  const record = JSON.parse(fs.readFileSync(log, 'utf8'));
  const s = record.summary;
  const failed = failures(record.log, [], []);
  let section = `### xAPI ${version}: ${s.passed}/${s.total} passed, ${s.failed} failed\n\n`;
  section += `Run ${date} against \`pelita serve\` of commit ${commit}.\n`;
  if (failed.length) section += '\nFailing tests:\n\n' + failed.map((t) => `- ${t.replace(/\s+/g, ' ')}`).join('\n') + '\n';
  sections[version] = section.trimEnd();
  console.log(`xAPI ${version}: ${s.passed}/${s.total} passed, ${s.failed} failed`);
}
const body = Object.keys(sections).sort().map((v) => sections[v]).join('\n\n');
const block = `${begin}\n${body}\n${end}`;
text = text.includes(begin)
  ? text.slice(0, text.indexOf(begin)) + block + text.slice(text.indexOf(end) + end.length)
  : text.trimEnd() + '\n\n## Measured\n\n' + block + '\n';
fs.writeFileSync(file, text);
JS
