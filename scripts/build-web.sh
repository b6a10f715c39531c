#!/usr/bin/env bash
# Builds the web app's three WebAssembly builds with Trunk (release): the workspace into dist/,
# the console (administration, incident alerts) into dist/console/ and knowledge-base
# authoring into dist/authoring/, each served under its folder. See web/src/apps.rs for why
# there are three. The workspace goes first: Trunk empties its dist directory, which would
# remove the others.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# (`--release` takes an optional value, so it goes last.)
trunk build web/index.html "$@" --release
trunk build web/console.html --dist dist/console --public-url /console/ "$@" --release
trunk build web/authoring.html --dist dist/authoring --public-url /authoring/ "$@" --release
