#!/usr/bin/env bash
# THE run command: builds the web app (Trunk, release) and starts the release server on the
# embedded defaults (SQLite under ./data, everything in-process), so no other service is needed.
# The server serves the built app from dist/ unless HELPDESK_WEB_DIR says otherwise.
# Arguments go to `helpdesk serve`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The wasm target, the pinned Trunk, wasm-bindgen and wasm-opt, and the search embedding model;
# each is skipped when present.
"$ROOT/scripts/setup.sh" --wasm --trunk --model

# Trunk and cargo rebuild only what changed, so this is quick after the first time.
"$ROOT/scripts/build-web.sh"

export HELPDESK_WEB_DIR="${HELPDESK_WEB_DIR:-$ROOT/dist}"
exec cargo run --release -p helpdesk-api --bin helpdesk -- serve "$@"
