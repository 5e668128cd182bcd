#!/usr/bin/env bash
# `npm run cluster:build`: builds (or finds in the cache) every Go-built tool of
# the test cluster: Kubernetes and etcd first, then every other
# test/cluster/build/*.sh (the node components), except lib.sh (sourced by the
# others) and pulumi.sh (`npm run pulumi:build`). Prints what each step did and
# how long it took, then a summary.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$HERE/build

steps=("$BUILD/kubernetes.sh" "$BUILD/etcd.sh")
for s in "$BUILD"/*.sh; do
  case $(basename "$s") in
    lib.sh | pulumi.sh | kubernetes.sh | etcd.sh) ;;
    *) steps+=("$s") ;;
  esac
done

summary=()
total_start=$(date +%s)
for s in "${steps[@]}"; do
  name=$(basename "$s" .sh)
  start=$(date +%s)
  printf '[cluster:build] %s: start\n' "$name" >&2
  if ! bash "$s"; then
    printf '[cluster:build] %s: FAILED after %ss\n' "$name" "$(( $(date +%s) - start ))" >&2
    exit 1
  fi
  summary+=("$(printf '%-20s %5ss' "$name" "$(( $(date +%s) - start ))")")
done

echo "[cluster:build] built into .tools/bin ($(( $(date +%s) - total_start ))s in all):"
for line in "${summary[@]}"; do echo "  $line"; done
ls -l "$HERE/../../.tools/bin" | sed -n 's/.* \([^ ]*\) -> \(.*\)/  \1 -> \2/p'
