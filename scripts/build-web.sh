#!/usr/bin/env bash
# Builds the web app's two WebAssembly builds with Trunk (release): the workspace into dist/
# and the console (administration and knowledge-base authoring) into dist/console/, served
# under /console/. See web/src/apps.rs for why there are two. The workspace goes first: Trunk
# empties its dist directory, which would remove the console's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

trunk build --release "$@"
# The target comes before --release: Trunk 0.21.14 reads `--release <word>` as its optional value.
trunk build web/console.html --release --dist dist/console --public-url /console/ "$@"
