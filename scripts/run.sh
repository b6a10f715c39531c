#!/usr/bin/env bash
# THE run command: starts the server on the embedded defaults (SQLite under ./data, everything
# in-process), so no other service is needed. Arguments go to `helpdesk serve`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec cargo run --release -p helpdesk-api --bin helpdesk -- serve "$@"
