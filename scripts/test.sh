#!/usr/bin/env bash
# THE test command (the README's, and what .ci/run calls): formatting, lints for the server
# crates and for the WASM client, every test on SQLite, PostgreSQL and Redis, a release build of
# the web app with Trunk, browser tests against it, and the WASM size budget. Works from any
# directory; CI runs it in a fresh clone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The integration tests create a fresh database per test on this server, and use this Redis.
export HELPDESK_TEST_DATABASE_URL="${HELPDESK_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export HELPDESK_TEST_REDIS_URL="${HELPDESK_TEST_REDIS_URL:-redis://127.0.0.1:6379}"

STEP="setup"
started=$SECONDS
test_log="$(mktemp)"

section() {
    STEP="$1"
    echo
    echo "==> $1"
}

# On any failure, name the step that failed as the last line.
finish() {
    local rc=$?
    rm -f "$test_log"
    if [[ $rc -ne 0 ]]; then
        echo
        echo "test.sh: FAILED during '$STEP' (exit $rc) after $((SECONDS - started))s"
    fi
}
trap finish EXIT

# The gzipped WASM must stay under this (phones on slow networks download it on first visit).
WASM_GZIP_BUDGET=409600

section "setup (services, wasm target, lint tools, Trunk, browser, search model, OpenSearch stand-in)"
"$ROOT/scripts/setup.sh" --services --wasm --lint --trunk --browser --model --opensearch
# The OpenSearch backend's live tests run against this stand-in (see api/tests/api/opensearch).
export OSMEM_SERVER_BIN="${OSMEM_SERVER_BIN:-${HELPDESK_TOOLS_DIR:-$HOME/.local/share/helpdesk-tools}/osmem-server-0.1.6/osmem-server}"

section "cargo fmt --check"
cargo fmt --all -- --check

# --workspace overrides default-members, so this also lints the web crate for the host target.
section "cargo clippy (workspace, host)"
cargo clippy --workspace --all-targets -- -D warnings

# The web crate and the DTOs it shares must also lint clean for the browser target.
section "cargo clippy (web + shared-types, wasm32)"
cargo clippy -p helpdesk-web -p shared-types --target wasm32-unknown-unknown -- -D warnings

section "cargo test"
cargo test --workspace --exclude helpdesk-web 2>&1 | tee "$test_log"
# Add up cargo's "test result: ok. N passed; M failed; K ignored; ..." lines for the summary.
read -r passed failed ignored < <(awk '
    /^test result:/ {
        for (i = 1; i <= NF; i++) {
            if ($(i + 1) ~ /^passed;?$/)  p += $i
            if ($(i + 1) ~ /^failed;?$/)  f += $i
            if ($(i + 1) ~ /^ignored;?$/) g += $i
        }
    }
    END { print p + 0, f + 0, g + 0 }' "$test_log")

# The browser tests need the built app in dist/ (e2e/tests/server.mjs serves $ROOT/dist).
section "trunk build --release (web app: workspace, console, authoring)"
"$ROOT/scripts/build-web.sh"

# Fails fast, before the slower browser tests.
section "wasm size budget (gzip -9 <= $((WASM_GZIP_BUDGET / 1024)) KB)"
# Each build is loaded on its own (console and authoring only by the few who use them), so each has the
# budget.
for build_dir in "$ROOT/dist" "$ROOT/dist/console" "$ROOT/dist/authoring"; do
    shopt -s nullglob
    wasm_files=("$build_dir"/*_bg.wasm)
    shopt -u nullglob
    if [[ ${#wasm_files[@]} -ne 1 ]]; then
        echo "expected one $build_dir/*_bg.wasm, found ${#wasm_files[@]}" >&2
        exit 1
    fi
    wasm_raw=$(stat -c %s "${wasm_files[0]}")
    wasm_gz=$(gzip -9 -c "${wasm_files[0]}" | wc -c)
    echo "${wasm_files[0]#"$ROOT"/}: $((wasm_raw / 1024)) KB raw, $wasm_gz bytes ($((wasm_gz / 1024)) KB) gzipped"
    if ((wasm_gz > WASM_GZIP_BUDGET)); then
        echo "the gzipped WASM ($wasm_gz bytes) is over the budget of $WASM_GZIP_BUDGET bytes" >&2
        exit 1
    fi
done

# Browser tests drive Debian's Chromium against the debug binary cargo test just built.
section "browser tests (e2e)"
cargo build -p helpdesk-api --bin helpdesk
(cd e2e && HELPDESK_BIN="$ROOT/target/debug/helpdesk" npm test 2>&1) | tee "$test_log.e2e"
read -r e2e_passed e2e_failed < <(awk '/^# pass / {p=$3} /^# fail / {f=$3} END {print p + 0, f + 0}' "$test_log.e2e")
rm -f "$test_log.e2e"
passed=$((passed + e2e_passed))
failed=$((failed + e2e_failed))

STEP="summary"
echo
echo "test.sh: fmt, clippy (host + wasm32), tests, web build, WASM size and browser tests all OK in $((SECONDS - started))s"
echo "tests: $passed passed, $failed failed, $ignored skipped"
