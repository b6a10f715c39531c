#!/usr/bin/env bash
# Builds the web app's two WebAssembly builds with Trunk (release): the workspace into dist/
# and the console (administration and knowledge-base authoring) into dist/console/, served
# under /console/. See web/src/apps.rs for why there are two. The workspace goes first: Trunk
# empties its dist directory, which would remove the console's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# (`--release` takes an optional value, so it goes last.)
trunk build web/index.html "$@" --release
trunk build web/console.html --dist dist/console --public-url /console/ "$@" --release
