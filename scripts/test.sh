#!/usr/bin/env bash
# Runs every test of the project, as CI does: formatting and lints (host and wasm32),
# native tests of every crate but the player (the embedded LRS and `pelita serve` with
# real listeners on 127.0.0.1, a kill -9 crash test), component tests in headless
# Chromium, the release build, and the end-to-end tests against a real LRS (Learning
# Locker's), then once more against `pelita serve`'s (the reference and embedded LRS are
# also compared request by request; the quiz test also plays into Ralph, an LRS without a
# State API, from the .venv-ralph/ that setup.sh makes).
# Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=180
logs=$(mktemp -d)
failed_steps=()

step() {
  local name=$1; shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  if ! "$@" 2>&1 | tee "$logs/$name.log"; then
    failed_steps+=("$name")
  fi
}

step fmt cargo fmt --all -- --check
step clippy-host cargo clippy --workspace --all-targets -- -D warnings
step clippy-wasm cargo clippy -p pelita-player --target wasm32-unknown-unknown --all-targets -- -D warnings
# The learners' build, split into chunks (`cargo xtask dist` turns the feature on).
step clippy-wasm-split cargo clippy -p pelita-player --features split --target wasm32-unknown-unknown --all-targets -- -D warnings
# The report view's build of the player (`cargo xtask dist` makes both).
step clippy-wasm-report cargo clippy -p pelita-player --features report --target wasm32-unknown-unknown --all-targets -- -D warnings
step unit cargo test --workspace --exclude pelita-player
# The pre-rendered first page: the player's components rendered natively (feature `ssr`).
step prerender cargo test -p pelita-player --features ssr --test prerender
# ChromeDriver sometimes fails to bind its port when it starts on a busy machine; that is
# the harness, not a test result, so the component tests start over once in that case only.
components() {
  local out
  out=$(cd crates/player && cargo test --target wasm32-unknown-unknown 2>&1)
  local status=$?
  if [ $status -ne 0 ] && grep -q 'driver failed to bind port' <<<"$out"; then
    echo "$out" | tail -n 3
    echo "ChromeDriver did not start; starting the component tests once more."
    out=$(cd crates/player && cargo test --target wasm32-unknown-unknown 2>&1)
    status=$?
  fi
  echo "$out"
  return $status
}
step components components
step dist cargo xtask dist
step e2e node --test --test-concurrency=1 tests/support/ tests/e2e/
# Every end-to-end test that reports to an LRS runs once more against Pelita's own
# (`pelita serve`, PELITA_E2E_LRS=embedded; tests/support/lrs.mjs). The quiz test already
# runs against both, and the equivalence test compares the two request by request.
mapfile -t embedded_tests < <(grep -l 'startLrs(' tests/e2e/*.test.mjs)
step e2e-embedded-lrs env PELITA_E2E_LRS=embedded node --test --test-concurrency=1 "${embedded_tests[@]}"

# One closing line over every runner: cargo's "test result" lines and node's "# pass/# fail".
passed=$(cat "$logs"/*.log | sed -nE 's/^test result: [a-zA-Z]+\. ([0-9]+) passed.*/\1/p; s/^# pass ([0-9]+)$/\1/p' | awk '{ s += $1 } END { print s + 0 }')
failed=$(cat "$logs"/*.log | sed -nE 's/^test result: .* ([0-9]+) failed.*/\1/p; s/^# fail ([0-9]+)$/\1/p' | awk '{ s += $1 } END { print s + 0 }')
rm -rf "$logs"
echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]}"
  echo "${passed:-0} passed, $(( ${failed:-0} > 0 ? ${failed:-0} : ${#failed_steps[@]} )) failed"
  exit 1
fi
echo "${passed:-0} passed, ${failed:-0} failed"
