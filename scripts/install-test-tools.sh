#!/usr/bin/env bash
# Everything the whole suite (npm test) needs beyond npm ci, in one list: Debian's packages, then
# the tools set up from Debian's archive and npm without installing them into the system (the
# glibc builds, code-server, nginx unpacked). npm test runs this first.
#
#   install-test-tools.sh           as root: installs what is missing, then checks it all
#   install-test-tools.sh --check   as anyone: installs nothing, says what is missing
#
# Idempotent and quick when all is there: one dpkg-query for the packages, a marker per tool; apt
# is called only for what is missing. Exits 0 when everything is there; else 1, after a line
#   missing: WHAT, WHAT...
# on standard output (npm test reads it), and a sentence naming the command that installs it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

# One line a Debian package: the package, then what in the suite needs it. Adding a package is
# adding a line.
PACKAGES='
iproute2                 test/oracle: network namespaces with the addresses each case needs
util-linux               test/oracle: unshare, nsenter; runuser for the tests run as an ordinary user
python3-minimal          test/oracle: getaddrinfo() called from a second runtime
libc-bin                 getconf, ldconfig: the glibc version of this machine
gdb                      test/oracle: glibc'"'"'s own tables, read under gdb
libc6-dbg                test/oracle: debug symbols of this machine'"'"'s glibc, for gdb
gcc                      test/oracle: links the oracle program against each glibc build
libc6-dev                test/oracle: the headers and start files of this machine'"'"'s glibc
debian-archive-keyring   scripts/install-glibc-versions.sh: checks what apt downloads from other suites
sudo                     test/sudo, test/ui/saveAsRoot.mjs: Save as Root as an ordinary user with the real sudo
neovim                   test/protocol/editors.test.ts: the README'"'"'s Neovim set-up, run as written
emacs-nox                test/protocol/editors.test.ts: the README'"'"'s Emacs set-up
elpa-eglot               test/protocol/editors.test.ts: Emacs'"'"' LSP client
ansible-core             test/deploy/ansible.test.ts: the README'"'"'s Ansible recipe
musl-tools               test/oracle/runtimes.test.ts: a C client on musl
golang-go                test/oracle/runtimes.test.ts: Go clients, with and without cgo
openjdk-17-jdk-headless  test/oracle/runtimes.test.ts: a Java client
ruby                     test/oracle/runtimes.test.ts: Ruby'"'"'s resolver
curl                     test/oracle/runtimes.test.ts: curl'"'"'s address order
chromium                 test/ui: the browser that drives code-server
libkrb5-dev              scripts/install-code-server.sh: code-server'"'"'s kerberos module
ripgrep                  scripts/install-code-server.sh: instead of the download of @vscode/ripgrep
g++                      scripts/install-code-server.sh: code-server'"'"'s native modules
make                     scripts/install-code-server.sh: code-server'"'"'s native modules
python3                  scripts/install-code-server.sh: node-gyp
pre-commit               test/deploy/preCommit.test.ts: the README'"'"'s pre-commit hooks, run by the real tool
git                      test/deploy/preCommit.test.ts: the scratch repository pre-commit runs in
lxd                      test/containers: real LXD containers (the daemon is started by the tests, never as a service)
lxd-client               test/containers: lxc, to set up and drive the containers under test
debootstrap              scripts/build-container-image.sh: the Debian image the containers start from
dnsmasq-base             test/containers: DHCP and router advertisements on the LXD bridge
nftables                 test/containers: the NAT rules of LXD
podman                   test/containers: real Podman containers
runc                     test/containers: the runtime Podman runs with (crun refuses the hybrid cgroups here)
iptables                 test/containers: the CNI plugins Podman sets its networks up with
uidmap                   test/containers/podman.test.ts: newuidmap and newgidmap for a rootless Podman container
ansible                  test/containers/lxd.test.ts: community.general.lxd for the fleet recipe of the README
'

# One line a tool set up outside the system's packages: its name, the script that sets it up
# (idempotent; with --check it only says whether it is there), what needs it.
TOOLS='
glibc-builds   install-glibc-versions.sh   test/oracle: Debian'"'"'s glibc 2.31, 2.41 and 2.43 beside this machine'"'"'s
code-server    install-code-server.sh      test/integration, test/ui: a real VS Code server
nginx          install-nginx.sh            test/oracle/runtimes.test.ts: nginx unpacked, never started as a service
lxd-image      build-container-image.sh    test/containers: a Debian 12 image built with debootstrap (no image server here)
'

say() { printf 'install-test-tools: %s\n' "$*" >&2; }
check_only=0
[ "${1:-}" = --check ] && check_only=1
[ "$(id -u)" = 0 ] || check_only=1

packages=$(awk 'NF { print $1 }' <<<"$PACKAGES")
missing_packages() {
  # shellcheck disable=SC2086
  { dpkg-query -W -f='${Package} ${Status}\n' $packages 2>/dev/null || true; } | awk '$NF == "installed" { print $1 }' \
    | sort | comm -23 <(sort <<<"$packages") -
}

missing=$(missing_packages)
if [ -n "$missing" ] && ((!check_only)); then
  say "apt-get install $(tr '\n' ' ' <<<"$missing")"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # One transaction; when apt refuses it (a package it cannot find), one package at a time, so
  # that the others still get installed.
  # shellcheck disable=SC2086
  if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
    for package in $missing; do apt-get install -y -qq --no-install-recommends "$package" >/dev/null || say "cannot install $package"; done
  fi
  missing=$(missing_packages)
fi

absent=()
[ -z "$missing" ] || mapfile -t absent <<<"$missing"
# The tools need the packages (a compiler, Debian's keyring...): set up only when those are there.
while read -r name script _; do
  [ -n "$name" ] || continue
  if ((check_only)) || [ -n "$missing" ]; then
    bash "$HERE/$script" --check >/dev/null 2>&1 || absent+=("$name")
  else
    bash "$HERE/$script" >/dev/null || absent+=("$name")
  fi
done <<<"$TOOLS"

if ((${#absent[@]} == 0)); then
  say "every package and tool the suite needs is installed"
  exit 0
fi
echo "missing: $(IFS=,; echo "${absent[*]}" | sed 's/,/, /g')"
if [ "$(id -u)" != 0 ]; then
  say "the whole suite runs as root, which installs ${absent[*]} first: sudo npm test"
elif ((check_only)); then
  say "to install ${absent[*]}: bash scripts/install-test-tools.sh"
else
  say "could not install ${absent[*]} on this machine (see above)"
fi
exit 1
