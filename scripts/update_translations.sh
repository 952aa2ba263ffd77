#!/usr/bin/env bash
# Refresh the translation sources from the code, then compile them for the app.
#
#   scripts/update_translations.sh            every resources/i18n/gui_chat_*.ts (zh_CN if none)
#   scripts/update_translations.sh zh_CN de   these languages (a new one gets a new .ts)
#
# Step 1, pyside6-lupdate: collects every self.tr("…"), QCoreApplication.translate(…)
# and QT_TRANSLATE_NOOP(…) in gui_chat/**/*.py into resources/i18n/gui_chat_<code>.ts.
# New texts arrive "unfinished"; texts no longer in the code are dropped.
# Step 2, pyside6-lrelease: compiles each .ts into the .qm the app loads.
# Translate in between with Qt Linguist (pyside6-linguist) or any text editor, then run
# the script again; see docs/translations.md.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
I18N=resources/i18n

if [ "$#" -gt 0 ]; then
    languages=("$@")
else
    languages=()
    for ts in "$I18N"/gui_chat_*.ts; do
        [ -e "$ts" ] || continue
        code="${ts##*/gui_chat_}"
        languages+=("${code%.ts}")
    done
    [ "${#languages[@]}" -gt 0 ] || languages=(zh_CN)
fi

mapfile -t sources < <(find gui_chat -name '*.py' | LC_ALL=C sort)
mkdir -p "$I18N"
for code in "${languages[@]}"; do
    ts="$I18N/gui_chat_${code}.ts"
    "$BIN/pyside6-lupdate" -no-obsolete -locations relative -source-language en \
        -target-language "$code" "${sources[@]}" -ts "$ts"
    # lupdate reads "#:" comments as notes for translators; here they are API docs.
    "$BIN/python" - "$ts" <<'PY'
import re
import sys
from pathlib import Path

path = Path(sys.argv[1])
text = path.read_text(encoding="utf-8")
path.write_text(re.sub(r"\n *<extracomment>.*?</extracomment>", "", text, flags=re.S), "utf-8")
PY
    "$BIN/pyside6-lrelease" "$ts" -qm "${ts%.ts}.qm"
    unfinished=$(grep -c 'type="unfinished"' "$ts" || true)
    if [ "$unfinished" -gt 0 ]; then
        echo "$ts: $unfinished text(s) still to translate (shown in English until then)"
    fi
done
