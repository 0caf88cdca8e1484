#!/usr/bin/env bash
# Installs everything Pelita's build and tests need on a fresh machine that has only
# rustup, cargo, node/npm and python3. Safe to run again: each step checks first.
#   scripts/setup.sh            build and test tools (adds Chromium for the browser tests)
#   scripts/setup.sh --build    only what building and serving the player needs
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# The wasm32 target and the lints the tests run.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    rustup component add "$component"
  fi
done

# wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none})"
  cargo install wasm-bindgen-cli --version "=$want"
fi

# npm packages (binaryen's wasm-opt, terser, the LRS, validators, Playwright) from the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" != "--build" ]; then
  # Debian's Chromium and its driver for the component and end-to-end tests.
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium and chromium-driver"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # xmllint (Debian's libxml2-utils) validates the SCORM manifests against ADL's schemas
  # in crates/cli/tests/cli.rs.
  if ! command -v xmllint >/dev/null; then
    say "installing Debian's libxml2-utils (xmllint)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libxml2-utils >/dev/null
  fi
  # Ralph, a second real LRS for the end-to-end tests (one without a State API), in a
  # project-local Python venv. Its HTTP server needs `requests`, which it does not declare.
  ralph_version=5.1.0
  have=$(.venv-ralph/bin/python -c 'import importlib.metadata as m, requests; print(m.version("ralph-malph"))' 2>/dev/null || true)
  if [ "$have" != "$ralph_version" ]; then
    say "installing Ralph $ralph_version in .venv-ralph (found: ${have:-none})"
    if [ ! -x .venv-ralph/bin/python ] && ! python3 -m venv .venv-ralph; then
      # Debian's python3 makes venvs only with its python3-venv package.
      rm -rf .venv-ralph
      SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv .venv-ralph
    fi
    .venv-ralph/bin/python -m pip install --quiet --disable-pip-version-check \
      "ralph-malph[lrs,cli]==$ralph_version" requests==2.34.2
  fi
fi
say "tools ready"
