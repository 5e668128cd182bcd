# Shared by the tool build scripts (sourced, not run).
#
# Every tool is built from Go modules into a cache directory outside the
# checkout, keyed by a hash of the versions it is built from and of the script
# that builds it; .tools/bin/ (git-ignored) links to the cached binaries. A
# fresh clone on a machine that built the same versions once is a lookup.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VERSIONS_FILE=$REPO_ROOT/test/cluster/versions.env
# shellcheck source=../versions.env
. "$VERSIONS_FILE"
TOOLS_CACHE=${GVISOR_IAC_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gvisor-iac/tools}
TOOLS_BIN=$REPO_ROOT/.tools/bin
export PATH=/usr/local/go/bin:$PATH CGO_ENABLED=${CGO_ENABLED:-0} GOFLAGS=${GOFLAGS:--mod=mod}
mkdir -p "$TOOLS_CACHE" "$TOOLS_BIN"

log() { printf '[tools] %s\n' "$*" >&2; }
die() { printf '[tools] error: %s\n' "$*" >&2; exit 1; }

# component_dir NAME SCRIPT VALUE... -> prints the cache directory for NAME,
# keyed by the given values (versions) and the content of SCRIPT.
component_dir() {
  local name=$1 script=$2; shift 2
  local key
  key=$( { printf '%s\n' "$@"; cat "$script" "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-16)
  printf '%s/%s-%s\n' "$TOOLS_CACHE" "$name" "$key"
}

# build_cached NAME DIR FUNCTION BIN...: runs FUNCTION OUTDIR (which must put
# the BINs into OUTDIR/bin) unless DIR already holds them; then links each BIN
# into .tools/bin. Prints what it did and how long it took.
build_cached() {
  local name=$1 dir=$2 fn=$3; shift 3
  local missing=0 b
  for b in "$@"; do [ -x "$dir/bin/$b" ] || missing=1; done
  if [ "$missing" = 0 ]; then
    log "$name: cached in $dir"
  else
    local start tmp
    start=$(date +%s)
    tmp="$dir.partial.$$"
    rm -rf "$tmp"; mkdir -p "$tmp/bin"
    log "$name: building into $dir"
    "$fn" "$tmp"
    for b in "$@"; do [ -x "$tmp/bin/$b" ] || die "$name: the build did not produce $b"; done
    rm -rf "$dir"; mv "$tmp" "$dir"
    log "$name: built in $(( $(date +%s) - start ))s"
  fi
  for b in "$@"; do ln -sfn "$dir/bin/$b" "$TOOLS_BIN/$b"; done
}
