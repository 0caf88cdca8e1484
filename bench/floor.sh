#!/usr/bin/env bash
# Builds bench/yew-floor (a one-component Yew app) exactly as the player is built (cargo
# release for wasm32, wasm-bindgen, wasm-opt -Oz, brotli 11) and prints its size next to the
# player's, to show how much of the download is Yew itself. Run after `cargo xtask dist`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
out=target/yew-floor
cargo build --quiet --release --target wasm32-unknown-unknown \
  --manifest-path bench/yew-floor/Cargo.toml --target-dir "$out"
wasm-bindgen "$out/wasm32-unknown-unknown/release/yew_floor.wasm" --target web --no-typescript --out-dir "$out/pkg"
wasm-opt "$out/pkg/yew_floor_bg.wasm" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue -o "$out/floor.wasm"
node -e '
const fs = require("fs"), zlib = require("zlib");
const br = (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const floor = fs.readFileSync(process.argv[1]);
const player = fs.readdirSync("dist").find((f) => /^pelita_bg-.*\.wasm$/.test(f));
console.log(`yew floor: ${floor.length} B raw, ${br(floor)} B brotli`);
if (player) { const p = fs.readFileSync("dist/" + player); console.log(`player:    ${p.length} B raw, ${br(p)} B brotli (${player})`); }
' "$out/floor.wasm"
