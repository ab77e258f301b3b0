#!/usr/bin/env bash
# Installs the real container runtimes the container tests run against (test/containers), from
# Debian's packages, and builds the Debian image their containers start from:
#   LXD (lxd lxd-client; debootstrap builds the image, dnsmasq-base serves the bridge's DHCP and
#   router advertisements, nftables its NAT rules), and Podman (podman; runc because crun refuses
#   the hybrid cgroup layout of these machines; iptables for netavark), and Debian's ansible
#   collections for the README's fleet recipe, run against LXD containers through
#   community.general.lxd (about 260 MB installed).
# No daemon is left running: the tests start LXD by hand (no systemd here) and stop it again.
# Idempotent; the image is cached under ${GAI_CONF_TOOLS:-$HOME/.cache/gai-conf-tools}/lxd.
set -euo pipefail

say() { printf 'install-lxd: %s\n' "$*" >&2; }
. "$(dirname "$0")/apt-packages.sh"
apt_install_missing lxd lxd-client debootstrap dnsmasq-base nftables podman runc iptables ansible
# The packages' own service units would start the daemons under systemd; without systemd nothing
# starts, but a machine with systemd gets them stopped here so the tests own the daemon.
if [ -d /run/systemd/system ]; then
  systemctl disable --now lxd.socket lxd.service podman.socket 2>/dev/null || true
fi
bash "$(dirname "$0")/build-container-image.sh"
