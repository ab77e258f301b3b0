#!/usr/bin/env bash
# Builds the Debian 12 image the container tests launch (no image server is reachable here):
# debootstrap's minbase plus systemd (LXD's containers boot it), udev (without it systemd-networkd
# never starts DHCPv4) and iproute2, with systemd-networkd taking IPv4 by DHCP and IPv6 by router
# advertisements on eth0, the way LXD's own Debian images do.
# The mirror is the machine's own (the first URIs: line of its apt sources), read here at run
# time. Output: an LXD image (metadata.yaml + rootfs/, an uncompressed tar with numeric owners)
# at ${GAI_CONF_TOOLS:-$HOME/.cache/gai-conf-tools}/lxd/debian-bookworm.tar, built once (the
# version of this recipe is in the name of a marker, so a changed recipe builds again).
set -euo pipefail

RECIPE=1
DIR="${GAI_CONF_TOOLS:-$HOME/.cache/gai-conf-tools}/lxd"
IMAGE="$DIR/debian-bookworm.tar"
MARKER="$DIR/.built-$RECIPE"
say() { printf 'build-container-image: %s\n' "$*" >&2; }
[ -f "$MARKER" ] && [ -f "$IMAGE" ] && { echo "$IMAGE"; exit 0; }
[ "${1:-}" != --check ] || exit 1
[ "$(id -u)" = 0 ] || { say 'run as root (debootstrap and chroot need it)'; exit 2; }

mirror="$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)"
[ -n "$mirror" ] || mirror="$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' /etc/apt/sources.list 2>/dev/null | head -1)"
[ -n "$mirror" ] || { say 'no Debian mirror in the apt sources'; exit 3; }

mkdir -p "$DIR"
work="$(mktemp -d "$DIR/build.XXXXXX")"
trap 'umount -l "$work/image/rootfs/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
rootfs="$work/image/rootfs"
mkdir -p "$rootfs"
say "debootstrap bookworm from the machine's mirror"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 4; }
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  systemd-sysv udev iproute2 >/dev/null 2>&1
chroot "$rootfs" apt-get clean
umount "$rootfs/proc"
rm -rf "$rootfs"/var/lib/apt/lists/*
cat >"$rootfs/etc/systemd/network/eth0.network" <<'UNIT'
[Match]
Name=eth0

[Network]
DHCP=ipv4
IPv6AcceptRA=yes
UNIT
chroot "$rootfs" systemctl enable systemd-networkd >/dev/null 2>&1
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts"
echo debian >"$rootfs/etc/hostname"
cat >"$work/image/metadata.yaml" <<META
architecture: $(uname -m)
creation_date: $(date +%s)
properties:
  description: Debian 12 minbase with systemd, for gai-conf's container tests
  os: debian
  release: bookworm
META
tar --numeric-owner -C "$work/image" -cf "$work/image.tar" metadata.yaml rootfs
mv "$work/image.tar" "$IMAGE"
touch "$MARKER"
echo "$IMAGE"
