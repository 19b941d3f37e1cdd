#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build ObsLab (release), and start it.
# Arguments are passed to obslab (e.g. log files to open).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target obslab
exec build/release/bin/obslab "$@"
