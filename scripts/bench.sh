#!/usr/bin/env bash
# Set up (first time only) and run the benchmarks: prints a table and writes
# bench/results/latest.json. Arguments go to the runner (--quick, --json PATH, --only ...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m bench.run "$@"
