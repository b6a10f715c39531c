#!/usr/bin/env bash
# Benchmark (not a test): two release instances sharing PostgreSQL and Redis; SUBSCRIBERS
# WebSockets (default 1,000) spread over both; UPDATES REST changes (default 50) on instance A;
# the latency from sending each change to its delivery at every subscriber (p50, p99); then
# IDLE more authenticated idle sockets on instance A (default 8,000; the machine allows 20,000
# open files per process) and the server's resident memory per socket.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SUBSCRIBERS="${SUBSCRIBERS:-1000}"
UPDATES="${UPDATES:-50}"
IDLE="${IDLE:-8000}"
PG_ADMIN_URL="${HELPDESK_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${HELPDESK_TEST_REDIS_URL:-redis://127.0.0.1:6379}"
ulimit -n "$(ulimit -Hn)"

"$ROOT/scripts/setup.sh" --services
cargo build --release -p helpdesk-api --bin helpdesk --example ws_bench

db="helpdesk_bench_rt_$(date +%s)"
psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $db" >/dev/null
db_url="${PG_ADMIN_URL%/*}/$db"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
}
trap cleanup EXIT

start() {
    HELPDESK_BIND="127.0.0.1:$1" HELPDESK_DATABASE_URL="$db_url" HELPDESK_REDIS_URL="$REDIS_URL" \
        HELPDESK_REDIS_PREFIX="$db" HELPDESK_ADMIN_EMAIL=bench@example.com \
        HELPDESK_ADMIN_PASSWORD=bench-password-1 HELPDESK_LOG_LEVEL=error \
        target/release/helpdesk serve >/dev/null &
    pids+=($!)
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.2; done
    echo "instance on port $1 did not start" >&2
    exit 1
}
start 18401
pid_a="${pids[0]}"
start 18402

token="$(curl -fs http://127.0.0.1:18401/api/v1/auth/login -H 'content-type: application/json' \
    -d '{"email":"bench@example.com","password":"bench-password-1"}' | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')"
ticket="$(curl -fs http://127.0.0.1:18401/api/v1/tickets -H "authorization: Bearer $token" \
    -H 'content-type: application/json' -d '{"title":"Realtime benchmark","description":"changed many times"}' |
    sed 's/^{"id":"\([^"]*\)".*/\1/')"

target/release/examples/ws_bench --a http://127.0.0.1:18401 --b http://127.0.0.1:18402 \
    --email bench@example.com --password bench-password-1 --ticket "$ticket" \
    --subscribers "$SUBSCRIBERS" --updates "$UPDATES" --idle "$IDLE" --pid "$pid_a"
