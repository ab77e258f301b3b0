#!/usr/bin/env bash
# Unpacks Debian's nginx for test/oracle/runtimes.test.ts, without installing it: installing the
# package would start a web server on port 80. The binary ends up in
# ${GAI_CONF_TOOLS:-$HOME/.cache/gai-conf-tools}/nginx/root/usr/sbin/nginx; its libraries are the
# machine's own (libssl3, libpcre2-8-0, libcrypt1, zlib1g: on Debian 12 with curl). Idempotent; --check only says
# whether it is there.
set -euo pipefail

DIR="${GAI_CONF_TOOLS:-$HOME/.cache/gai-conf-tools}/nginx"
if [ -x "$DIR/root/usr/sbin/nginx" ] && "$DIR/root/usr/sbin/nginx" -v 2>/dev/null; then exit 0; fi
[ "${1:-}" != --check ] || exit 1
rm -rf "$DIR"
mkdir -p "$DIR/download"
# Downloaded as the caller: apt's sandbox user cannot reach a folder in a private home.
(cd "$DIR/download" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" nginx)
dpkg-deb -x "$DIR"/download/nginx_*.deb "$DIR/root"
rm -rf "$DIR/download"
"$DIR/root/usr/sbin/nginx" -v
