#!/usr/bin/env bash
# Builds a local stand-in for the node:20-bookworm-slim image where no image registry is reachable:
# a minimal Debian bookworm (debootstrap --variant=minbase, from the Debian mirror) plus this machine's
# own Node 20 binary and npm, and a `node` user with uid/gid 1000 as in the official image.
#
#   scripts/docker-base-image.sh [TAG]      prints the tag; builds it only when the engine lacks it
#
# Default TAG: kubetls-base/node:<this node's version>-bookworm-slim. Pass it to the build as
#   NODE_IMAGE=$(scripts/docker-base-image.sh) docker compose --profile lab build
# Needs a Docker engine (DOCKER_HOST), root, and debootstrap (installed from Debian when missing).
# KUBETLS_DEBIAN_MIRROR overrides the mirror (default: http://deb.debian.org/debian).
set -euo pipefail
# shellcheck source=scripts/docker-common.sh
source "$(dirname "$0")/docker-common.sh"

node_bin=$(command -v node) || die "no node on PATH: the image is made of this machine's Node 20"
node_version=$(node -p process.versions.node)
[ "${node_version%%.*}" = 20 ] || die "this machine's node is $node_version; kubetls's image wants Node 20"
tag=${1:-kubetls-base/node:${node_version}-bookworm-slim}

# The image runs node, or it is not the base: an interrupted import can leave an empty image behind.
works() { docker run --rm --network none --entrypoint node "$1" --version >/dev/null 2>&1; }
if docker image inspect "$tag" >/dev/null 2>&1; then
  if works "$tag"; then
    echo "$tag"
    exit 0
  fi
  echo "docker-base-image: $tag does not run node; building it again" >&2
  docker image rm --force "$tag" >/dev/null
fi
[ "$(id -u)" -eq 0 ] || die "debootstrap needs root"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/kubetls-base-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v debootstrap >/dev/null 2>&1 || apt_install "$work/apt.log" debootstrap

rootfs=$work/rootfs
echo "docker-base-image: debootstrap bookworm (minbase) into $rootfs" >&2
# The downloaded packages are kept, so building the image again does not fetch them again.
cache=/var/cache/kubetls-debootstrap
mkdir -p "$cache"
if ! debootstrap --variant=minbase --cache-dir="$cache" bookworm "$rootfs" \
  "${KUBETLS_DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
  >"$work/debootstrap.log" 2>&1; then
  die "debootstrap failed; last lines of its log:
$(tail -n 10 "$work/debootstrap.log")"
fi

# Node and npm where the official image has them. npm is the one this machine runs (npm root -g).
npm_dir=$(npm root -g)/npm
[ -f "$npm_dir/bin/npm-cli.js" ] || die "npm not found at $npm_dir"
install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
chroot "$rootfs" node --version >/dev/null || die "the copied node does not run in the Debian root"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log

echo "docker-base-image: importing $tag" >&2
tar -C "$rootfs" --numeric-owner -cf "$work/rootfs.tar" .
docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' \
    --message "debootstrap bookworm minbase + node $node_version from the build machine" \
    "$work/rootfs.tar" "$tag" >/dev/null
works "$tag" || {
  docker image rm --force "$tag" >/dev/null 2>&1
  die "the imported $tag does not run node"
}
echo "$tag"
