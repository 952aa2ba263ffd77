#!/usr/bin/env bash
# Build the gui_chat executable with PyInstaller (build.spec), setting up the machine
# first (Debian libraries, .venv, requirements-dev.txt) if needed.
#
#   scripts/build.sh                     one-folder build: dist/gui_chat/gui_chat
#   scripts/build.sh --onefile           one-file build:   dist/gui_chat
#   GUI_CHAT_ONEFILE=1 scripts/build.sh  same as --onefile
#
# Other arguments go to PyInstaller (e.g. --log-level WARN); arguments after "--" go
# to build.spec.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh dev

pyinstaller_args=()
spec_args=()
seen_separator=0
for arg in "$@"; do
  if [ "$seen_separator" = 1 ]; then
    spec_args+=("$arg")
  elif [ "$arg" = "--" ]; then
    seen_separator=1
  elif [ "$arg" = "--onefile" ] || [ "$arg" = "--onedir" ]; then
    spec_args+=("$arg")
  else
    pyinstaller_args+=("$arg")
  fi
done

onefile=0
if [ "${GUI_CHAT_ONEFILE:-}" = 1 ]; then onefile=1; fi
for arg in ${spec_args[@]+"${spec_args[@]}"}; do
  case "$arg" in
    --onefile) onefile=1 ;;
    --onedir) onefile=0 ;;
  esac
done

.venv/bin/pyinstaller --noconfirm --clean ${pyinstaller_args[@]+"${pyinstaller_args[@]}"} \
  build.spec -- ${spec_args[@]+"${spec_args[@]}"}

if [ "$onefile" = 1 ]; then
  result="dist/gui_chat"
  if [ -f dist/gui_chat.exe ]; then result="dist/gui_chat.exe"; fi
  echo "Built the one-file executable: $(pwd)/$result ($(du -sh "$result" | cut -f1))"
else
  result="dist/gui_chat/gui_chat"
  if [ -f dist/gui_chat/gui_chat.exe ]; then result="dist/gui_chat/gui_chat.exe"; fi
  echo "Built the one-folder app: $(pwd)/dist/gui_chat/ ($(du -sh dist/gui_chat | cut -f1));" \
    "run $(pwd)/$result"
  if [ -d dist/gui_chat.app ]; then echo "macOS app bundle: $(pwd)/dist/gui_chat.app"; fi
fi
