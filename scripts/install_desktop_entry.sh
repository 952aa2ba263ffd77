#!/usr/bin/env bash
# Add the built gui_chat (dist/gui_chat/gui_chat) to the desktop's application menu
# for the current user: installs the .desktop entry and the 256 px icon under
# ~/.local/share. Run scripts/build.sh first. Undo with: scripts/install_desktop_entry.sh --remove
set -euo pipefail
cd "$(dirname "$0")/.."

data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
apps_dir="$data_home/applications"
icon_dir="$data_home/icons/hicolor/256x256/apps"
entry="$apps_dir/gui_chat.desktop"
icon="$icon_dir/gui_chat.png"

refresh() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps_dir" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 \
    && gtk-update-icon-cache -q -t "$data_home/icons/hicolor" 2>/dev/null || true
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

mkdir -p "$apps_dir" "$icon_dir"
install -m 644 resources/icons/gui_chat_256.png "$icon"
# Point Exec at the absolute path of the built binary (quoted in case it has spaces).
sed "s|^Exec=.*|Exec=\"$binary\"|" resources/linux/gui_chat.desktop > "$entry"
chmod 644 "$entry"
refresh
echo "Installed $entry (Exec=$binary) and $icon"
