#!/usr/bin/env bash
# Benchmark: knowledge-base search latency (hybrid, including the query embedding; lexical and
# semantic alone for comparison) at 1,000 and 100,000 articles, p50 and p95. The 90 shared
# articles are expanded synthetically (see api/examples/search_bench.rs). Besides wall-clock
# percentiles it prints the CPU time per search (all threads; unlike wall-clock time it does not
# grow when other programs share the cores), the resident memory with the index built, the query
# embedding alone, and how often the 8-bit vector scan returns the exact f32 top 10. Every search
# embeds its query (there is no embedding cache). Writes the output to
# bench/results/<timestamp>/search.md as well.
#
#   scripts/bench-search.sh
#   SIZES=1000 ROUNDS=5 scripts/bench-search.sh
#
# A benchmark, not a test: nothing here fails on a slow number.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SIZES="${SIZES:-1000,100000}"
ROUNDS="${ROUNDS:-3}"
DATA="${HELPDESK_SHARED_DATA:-$ROOT/../shared/data}"

"$ROOT/scripts/setup.sh" --model
MODEL_DIR="${HELPDESK_EMBEDDING_MODEL_DIR:-${HELPDESK_DATA_DIR:-$ROOT/data}/models/all-MiniLM-L6-v2}"

OUT="$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

echo "==> building the search benchmark (release)"
cargo build --release -p helpdesk-api --example search_bench

echo "==> running on $(nproc) cores: sizes $SIZES, $ROUNDS rounds of the dev queries"
cargo run --release -q -p helpdesk-api --example search_bench -- \
    --kb "$DATA/kb" --queries "$DATA/dev/queries.jsonl" --model-dir "$MODEL_DIR" \
    --sizes "$SIZES" --rounds "$ROUNDS" 2>&1 | tee "$OUT/search.md"
echo "results: $OUT/search.md"
