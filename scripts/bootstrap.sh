#!/usr/bin/env bash
# Set up everything gui_chat needs on a Debian/Ubuntu machine with Python 3.11:
# the Qt system libraries, optional tools (netcat, ncat, Xvfb), a virtual
# environment in .venv and the pinned Python packages. Safe to run again: it only
# installs what is missing.
#
#   scripts/bootstrap.sh            runtime only (requirements.txt)
#   scripts/bootstrap.sh dev        also tests, lint and packaging (requirements-dev.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

profile="${1:-runtime}"

# Shared libraries the Qt wheels load (xcb ones for a real desktop session).
debian_packages=(
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1
  libx11-xcb1 fonts-noto-cjk
)
if [ "$profile" = dev ]; then
  # Peers for interop tests, Xvfb for screenshots, iproute2 for the two-host tests.
  debian_packages+=(netcat-openbsd ncat xvfb xauth iproute2 binutils)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python="$candidate"; break; fi
  done
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python"
  "$python" -m venv .venv
fi

requirements=requirements.txt
[ "$profile" = dev ] && requirements=requirements-dev.txt
stamp=".venv/.installed-$(basename "$requirements" .txt)"
if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
  echo "Installing Python packages from $requirements"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi
