#!/usr/bin/env bash
# Builds the player and serves it with the example modules, next to a local in-memory LRS,
# then prints the URLs to open. Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --build
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo xtask dist
exec node scripts/serve-with-lrs.mjs "$@"
