#!/usr/bin/env bash
# Set up (first time only) and run the whole test suite. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
.venv/bin/ruff check .
.venv/bin/python ../shared/tools/check_layers.py gui_chat 2>/dev/null \
  || [ ! -f ../shared/tools/check_layers.py ]
exec .venv/bin/python -m pytest "$@"
