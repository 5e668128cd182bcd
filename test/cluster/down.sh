#!/usr/bin/env bash
# `npm run cluster:down`: stops the cluster `cluster:up` started (the node
# first, via test/cluster/node.sh down, then exactly the processes whose pids
# up.sh recorded) and removes its state directory.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/control-plane/lib.sh"

if ! STATE=$(current_state_dir); then
  rm -f "$POINTER"
  say "no cluster started by cluster:up is recorded in $POINTER; nothing to stop"
  exit 0
fi
rc=0
if [ -f "$HERE/node.sh" ]; then
  bash "$HERE/node.sh" down "$STATE" >&2 || { rc=$?; say "node.sh down failed (exit $rc); stopping the control plane anyway"; }
fi
stop_all "$STATE"
case $STATE in
  */gvisor-iac-cluster.*) rm -rf "$STATE" ;;
  *) fail "refusing to remove unexpected state directory $STATE" ;;
esac
rm -f "$POINTER"
say "cluster stopped; removed $STATE"
exit "$rc"
