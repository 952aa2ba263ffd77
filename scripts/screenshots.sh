#!/usr/bin/env bash
# Screenshots of the real app under Xvfb, written to docs/screenshots/.
# As root it also shows discovery: a room served in one network namespace, found by
# the window in another (the broadcast stays on their private link).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
out=docs/screenshots
export GUI_CHAT_DISCOVERY=0
xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshots.py "$out"

if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null; then
  a=gcshotA b=gcshotB
  cleanup() { ip netns del $a 2>/dev/null || true; ip netns del $b 2>/dev/null || true; }
  trap cleanup EXIT
  cleanup
  ip netns add $a && ip netns add $b
  ip link add gcshotvA type veth peer name gcshotvB
  ip link set gcshotvA netns $a && ip link set gcshotvB netns $b
  ip -n $a addr add 10.232.0.1/24 brd + dev gcshotvA && ip -n $b addr add 10.232.0.2/24 brd + dev gcshotvB
  for ns in $a $b; do ip -n $ns link set lo up; done
  ip -n $a link set gcshotvA up && ip -n $b link set gcshotvB up
  ip netns exec $b env GUI_CHAT_DISCOVERY=1 .venv/bin/python -m gui_chat serve \
      --nick Bob --name "Design team" --log-level WARNING &
  served=$!
  ip netns exec $b env GUI_CHAT_DISCOVERY=1 .venv/bin/python -m gui_chat serve \
      --port 50017 --nick 小明 --name "测试组" --log-level WARNING &
  served2=$!
  ip netns exec $a env GUI_CHAT_DISCOVERY=1 xvfb-run -a -s "-screen 0 1280x800x24" \
      .venv/bin/python scripts/screenshots.py "$out" --discovery 10.232.0.2
  kill -INT $served $served2; wait $served $served2 || true
fi
