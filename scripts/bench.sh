#!/usr/bin/env bash
# Benchmark: seeds TICKETS tickets (default 100,000) and measures, at CONCURRENCY clients
# (default 50), GET one ticket, a filtered list page, and create, on SQLite and on
# PostgreSQL (+ Redis). Prints p50/p99 and requests per second, and writes the raw oha
# output and a summary under bench/results/<timestamp>/.
#
#   scripts/bench.sh                  # both backends
#   BACKENDS=sqlite scripts/bench.sh  # one backend
#
# A benchmark, not a test: nothing here fails on a slow number.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TICKETS="${TICKETS:-100000}"
CONCURRENCY="${CONCURRENCY:-50}"
DURATION="${DURATION:-20s}"
CREATES="${CREATES:-5000}"
BACKENDS="${BACKENDS:-sqlite postgres}"
# Paced runs: the same 50 clients, but a fixed total request rate, so latency shows the
# service time at a busy-but-plausible load instead of the queue at saturation.
PACED_GET="${PACED_GET:-500}"
PACED_LIST="${PACED_LIST:-100}"
PACED_CREATE="${PACED_CREATE:-100}"
PORT="${PORT:-18181}"
OHA_VERSION="1.16.0"
PG_ADMIN_URL="${HELPDESK_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${HELPDESK_TEST_REDIS_URL:-redis://127.0.0.1:6379}"

OUT="$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

"$ROOT/scripts/setup.sh" --services
if ! command -v oha >/dev/null || [[ "$(oha --version)" != *"$OHA_VERSION"* ]]; then
    echo "==> installing oha $OHA_VERSION"
    cargo install oha --version "$OHA_VERSION" --locked
fi
echo "==> building the release binary"
cargo build --release -p helpdesk-api --bin helpdesk
BIN="$ROOT/target/release/helpdesk"
BASE="http://127.0.0.1:$PORT"

{
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "tickets: $TICKETS, concurrency: $CONCURRENCY, duration per timed run: $DURATION, creates: $CREATES"
    echo "paced rates: $PACED_GET GET/s, $PACED_LIST list/s, $PACED_CREATE create/s"
} | tee "$OUT/machine.txt"

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

login() {
    curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"seed-password-1\"}" | json_field "['accessToken']"
}

bench_backend() {
    local name="$1" db_url="$2" redis_url="$3"
    local dir="/tmp/helpdesk-bench-$name"
    rm -rf "$dir" && mkdir -p "$dir"
    echo
    echo "==> $name: seeding $TICKETS tickets"
    export HELPDESK_DATA_DIR="$dir" HELPDESK_BIND="127.0.0.1:$PORT" HELPDESK_LOG_LEVEL=warn
    export HELPDESK_ADMIN_EMAIL=admin@bench.example HELPDESK_ADMIN_PASSWORD=bench-admin-1
    if [[ -n "$db_url" ]]; then export HELPDESK_DATABASE_URL="$db_url"; else unset HELPDESK_DATABASE_URL; fi
    if [[ -n "$redis_url" ]]; then export HELPDESK_REDIS_URL="$redis_url"; else unset HELPDESK_REDIS_URL; fi
    "$BIN" seed --tickets "$TICKETS" --employees 500 --teams 8 --agents-per-team 6 | tee "$dir/seed.txt"
    local employee agent
    employee=$(grep '^employee=' "$dir/seed.txt" | cut -d= -f2)
    agent=$(grep '^agent=' "$dir/seed.txt" | cut -d= -f2)

    "$BIN" serve >"$dir/server.log" 2>&1 &
    local pid=$!
    trap 'kill $pid 2>/dev/null || true' RETURN
    for _ in $(seq 1 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done

    local agent_token employee_token
    agent_token=$(login "$agent")
    employee_token=$(login "$employee")

    # 1,000 ticket URLs the agent may see, so GETs do not all hit one row.
    : >"$dir/urls.txt"
    for page in $(seq 1 10); do
        curl -sf -H "Authorization: Bearer $agent_token" "$BASE/api/v1/tickets?limit=100&page=$page" |
            python3 -c "import json,sys; [print('$BASE/api/v1/tickets/'+t['id']) for t in json.load(sys.stdin)['data']]" \
                >>"$dir/urls.txt"
    done

    echo "==> $name: GET one ticket"
    oha --no-tui --output-format json -z "$DURATION" -c "$CONCURRENCY" \
        -H "Authorization: Bearer $agent_token" --urls-from-file "$dir/urls.txt" >"$OUT/$name-get.json"
    echo "==> $name: filtered list page"
    oha --no-tui --output-format json -z "$DURATION" -c "$CONCURRENCY" \
        -H "Authorization: Bearer $agent_token" \
        "$BASE/api/v1/tickets?status=open,in_progress&priority=high,critical&sort=-createdAt&limit=20" >"$OUT/$name-list.json"
    echo "==> $name: create"
    oha --no-tui --output-format json -n "$CREATES" -c "$CONCURRENCY" -m POST -T application/json \
        -H "Authorization: Bearer $employee_token" \
        -d '{"title":"Benchmark ticket","description":"Created by scripts/bench.sh","priority":"medium","tags":["bench"]}' \
        "$BASE/api/v1/tickets" >"$OUT/$name-create.json"
    echo "==> $name: paced runs ($PACED_GET GET/s, $PACED_LIST list/s, $PACED_CREATE create/s)"
    oha --no-tui --output-format json -z "$DURATION" -c "$CONCURRENCY" -q "$PACED_GET" \
        -H "Authorization: Bearer $agent_token" --urls-from-file "$dir/urls.txt" >"$OUT/$name-get-paced.json"
    oha --no-tui --output-format json -z "$DURATION" -c "$CONCURRENCY" -q "$PACED_LIST" \
        -H "Authorization: Bearer $agent_token" \
        "$BASE/api/v1/tickets?status=open,in_progress&priority=high,critical&sort=-createdAt&limit=20" >"$OUT/$name-list-paced.json"
    oha --no-tui --output-format json -z "$DURATION" -c "$CONCURRENCY" -q "$PACED_CREATE" -m POST -T application/json \
        -H "Authorization: Bearer $employee_token" \
        -d '{"title":"Benchmark ticket","description":"Created by scripts/bench.sh","priority":"medium","tags":["bench"]}' \
        "$BASE/api/v1/tickets" >"$OUT/$name-create-paced.json"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

for backend in $BACKENDS; do
    case "$backend" in
        sqlite) bench_backend sqlite "" "" ;;
        postgres)
            psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS helpdesk_bench WITH (FORCE)" -c "CREATE DATABASE helpdesk_bench"
            bench_backend postgres "${PG_ADMIN_URL%/*}/helpdesk_bench" "$REDIS_URL"
            ;;
        *) echo "unknown backend $backend" >&2; exit 2 ;;
    esac
done

python3 - "$OUT" <<'PY' | tee "$OUT/summary.md"
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
print("| backend | operation | requests | ok | p50 ms | p99 ms | req/s |")
print("|---|---|---|---|---|---|---|")
for f in sorted(out.glob("*-*.json")):
    backend, op = f.stem.split("-", 1)
    r = json.loads(f.read_text())
    pct = r["latencyPercentiles"]
    codes = r.get("statusCodeDistribution", {})
    total = sum(codes.values())
    ok = sum(v for k, v in codes.items() if k.startswith("2"))
    print(f"| {backend} | {op} | {total} | {ok} | {pct['p50']*1000:.2f} | {pct['p99']*1000:.2f} | {r['summary']['requestsPerSec']:.0f} |")
PY
echo "results in $OUT"
