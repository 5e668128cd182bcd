#!/usr/bin/env bash
# Assembles the test cluster's container images as OCI image archives, with no
# registry: `ctr -n k8s.io images import` reads them (test/cluster/node.sh does).
#   gvisor-iac.test/pause:1    the sandbox (pause) image: a static pause built
#                              here from images/pause.c
#   gvisor-iac.test/busybox:1  Debian's busybox-static with every applet linked
#                              into /bin (sh, sleep, id, uname, dmesg, wget, nc …),
#                              /etc/passwd with uid 1000 "sandbox" (home /home/sandbox, mode 1777)
# Result: .tools/images/{pause,busybox}.tar (links into the cache).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

PAUSE_IMAGE=gvisor-iac.test/pause:1
BUSYBOX_IMAGE=gvisor-iac.test/busybox:1
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] && "$BUSYBOX" --list | grep -x sh >/dev/null || die "busybox-static is needed at $BUSYBOX (apt-get install busybox-static)"
command -v gcc >/dev/null || die "gcc is needed to build the pause binary"

# blob DIR FILE -> moves FILE into DIR/blobs/sha256 and prints "digest size".
blob() {
  local layout=$1 file=$2 hex size
  hex=$(sha256sum "$file" | cut -c1-64)
  size=$(stat -c %s "$file")
  mv "$file" "$layout/blobs/sha256/$hex"
  printf 'sha256:%s %s\n' "$hex" "$size"
}

# oci_archive ROOTFS NAME CONFIG_JSON_FRAGMENT OUT: one uncompressed layer, reproducible.
oci_archive() {
  local rootfs=$1 name=$2 config=$3 out=$4 work layout layer cfg man
  work=$(mktemp -d)
  layout=$work/layout
  mkdir -p "$layout/blobs/sha256"
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$rootfs" -cf "$work/layer" .
  read -r layer_digest layer_size < <(blob "$layout" "$work/layer")
  printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$config" "$layer_digest" > "$work/config"
  read -r cfg_digest cfg_size < <(blob "$layout" "$work/config")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
    "$cfg_digest" "$cfg_size" "$layer_digest" "$layer_size" > "$work/manifest"
  read -r man_digest man_size < <(blob "$layout" "$work/manifest")
  printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$man_digest" "$man_size" "$name" "${name##*:}" > "$layout/index.json"
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$layout" -cf "$out" .
  rm -rf "$work"
}

build_images() {
  local out=$1
  root=$(mktemp -d)
  trap 'rm -rf "${root:-}"' EXIT

  mkdir -p "$root/pause"
  gcc -Os -static -Wall -Werror -o "$root/pause/pause" "$here/images/pause.c"
  strip "$root/pause/pause"
  oci_archive "$root/pause" "$PAUSE_IMAGE" '{"Entrypoint":["/pause"],"User":"65535:65535"}' "$out/pause.tar"

  local bb=$root/busybox
  mkdir -p "$bb"/{bin,etc,tmp,proc,sys,dev,root,home/sandbox}
  chmod 1777 "$bb/tmp"
  # The sandbox user's home is writable (the image's one place a non-root
  # process may write when the root filesystem is not read-only).
  chmod 1777 "$bb/home/sandbox"
  cp "$BUSYBOX" "$bb/bin/busybox"
  chmod 755 "$bb/bin/busybox"
  local applet
  for applet in $("$BUSYBOX" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$bb/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nsandbox:x:1000:1000:sandbox:/home/sandbox:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$bb/etc/passwd"
  printf 'root:x:0:\nsandbox:x:1000:\nnogroup:x:65534:\n' > "$bb/etc/group"
  oci_archive "$bb" "$BUSYBOX_IMAGE" '{"Cmd":["/bin/sh"],"Env":["PATH=/bin"],"WorkingDir":"/"}' "$out/busybox.tar"
}

dir=$(component_dir images "${BASH_SOURCE[0]}" "$PAUSE_IMAGE" "$BUSYBOX_IMAGE" "$(sha256sum "$BUSYBOX" "$here/images/pause.c")")
if [ -f "$dir/pause.tar" ] && [ -f "$dir/busybox.tar" ]; then
  log "images: cached in $dir"
else
  start=$(date +%s)
  rm -rf "$dir.partial.$$"; mkdir -p "$dir.partial.$$"
  build_images "$dir.partial.$$"
  rm -rf "$dir"; mv "$dir.partial.$$" "$dir"
  log "images: built in $(( $(date +%s) - start ))s"
fi
mkdir -p "$REPO_ROOT/.tools/images"
ln -sfn "$dir/pause.tar" "$REPO_ROOT/.tools/images/pause.tar"
ln -sfn "$dir/busybox.tar" "$REPO_ROOT/.tools/images/busybox.tar"
