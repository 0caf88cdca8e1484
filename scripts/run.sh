#!/usr/bin/env bash
# Builds the player and serves it with the example modules and the embedded LRS (`pelita
# serve`), then prints the URLs to open. Stop with Ctrl-C.
# Usage: bash scripts/run.sh [PORT] [more `pelita serve` options]   (PORT defaults to 8765)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --build
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo xtask dist
cargo build --quiet -p pelita-cli
port=8765
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  port=$1
  shift
fi
# The records live in pelita-lrs.sqlite in this folder and survive restarts; delete the
# file (and its -wal/-shm siblings) to start afresh, or pass --db :memory:.
exec "${CARGO_TARGET_DIR:-target}/debug/pelita" serve www/modules --player dist --port "$port" "$@"
