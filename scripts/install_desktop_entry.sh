#!/usr/bin/env bash
# Add the built gui_chat (dist/gui_chat/gui_chat, from scripts/build.sh) to the desktop's
# application menu for the current user: installs the .desktop entry into
# ~/.local/share/applications and the 256 px icon into
# ~/.local/share/icons/hicolor/256x256/apps. The entry runs the binary by absolute path.
#
#   scripts/install_desktop_entry.sh            install (or update)
#   scripts/install_desktop_entry.sh --remove   uninstall
set -euo pipefail
cd "$(dirname "$0")/.."

data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
apps_dir="$data_home/applications"
icon_dir="$data_home/icons/hicolor/256x256/apps"
entry="$apps_dir/gui_chat.desktop"
icon="$icon_dir/gui_chat.png"

refresh() {
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$apps_dir" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$data_home/icons/hicolor" 2>/dev/null || true
  fi
}

if [ "${1:-}" = "--remove" ]; then
  rm -f "$entry" "$icon"
  refresh
  echo "Removed $entry and $icon"
  exit 0
fi

binary="$(pwd)/dist/gui_chat/gui_chat"
if [ ! -x "$binary" ]; then
  echo "No built binary at $binary; run scripts/build.sh first." >&2
  exit 1
fi

# Quote the path for the Exec key (desktop entry spec: escape \ " ` $ inside quotes).
quoted="$binary"
for ch in '\' '"' '`' '$'; do quoted="${quoted//"$ch"/\\$ch}"; done
quoted="${quoted//\\/\\\\}"  # the key's own string escaping doubles every backslash

mkdir -p "$apps_dir" "$icon_dir"
install -m 644 resources/icons/gui_chat_256.png "$icon"
while IFS= read -r line; do
  case "$line" in
    Exec=*) printf 'TryExec=%s\nExec="%s"\n' "$binary" "$quoted" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < resources/linux/gui_chat.desktop > "$entry.tmp"
chmod 644 "$entry.tmp"
mv "$entry.tmp" "$entry"
refresh
echo "Installed $entry (runs $binary) and $icon"
