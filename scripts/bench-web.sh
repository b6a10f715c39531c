#!/usr/bin/env bash
# Benchmark (not a test): time from navigation to a rendered ticket list in headless Chromium,
# against the release server with TICKETS seeded tickets (default 100,000), as an agent (their
# teams' tickets) and as a manager (every ticket). Also prints the WASM's gzipped size.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TICKETS="${TICKETS:-100000}"
RUNS="${RUNS:-10}"
PORT="${PORT:-18301}"

"$ROOT/scripts/setup.sh" --wasm --trunk --browser
"$ROOT/scripts/build-web.sh"
cargo build --release -p helpdesk-api --bin helpdesk
(cd e2e && npm ci --no-audit --no-fund >/dev/null)

data="$(mktemp -d)"
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT

seeded="$(HELPDESK_DATA_DIR="$data" target/release/helpdesk seed --tickets "$TICKETS")"
echo "$seeded" | head -1
agent="$(echo "$seeded" | sed -n 's/^agent=//p')"
manager="$(echo "$seeded" | sed -n 's/^manager=//p')"
password="$(echo "$seeded" | sed -n 's/^password=//p')"

HELPDESK_DATA_DIR="$data" HELPDESK_BIND="127.0.0.1:$PORT" HELPDESK_WEB_DIR="$ROOT/dist" \
    HELPDESK_LOG_LEVEL=error target/release/helpdesk serve >/dev/null &
server_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

wasm="$(ls dist/*_bg.wasm)"
echo "wasm: $(wc -c <"$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) bytes gzipped"
echo "agent:   $(cd e2e && node bench/ticket-list.mjs "http://127.0.0.1:$PORT" "$agent" "$password" "$RUNS")"
echo "manager: $(cd e2e && node bench/ticket-list.mjs "http://127.0.0.1:$PORT" "$manager" "$password" "$RUNS")"
