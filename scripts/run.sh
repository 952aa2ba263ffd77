#!/usr/bin/env bash
# Set up (first time only) and start gui_chat. Arguments go to the app (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh runtime
exec .venv/bin/python -m gui_chat "$@"
