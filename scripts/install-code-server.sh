#!/usr/bin/env bash
# Installs code-server (VS Code's server build with its web client) for the remote-extension-host
# integration tests (npm run test:remote), plus Debian's Chromium to drive it, without any download
# but the npm registry and Debian's packages.
#
# code-server 4.100.3 (VS Code 1.100.3) is the newest that runs on Node 20. Its plain
# `npm install` fails offline in two places: the kerberos native module needs libkrb5 headers, and
# @vscode/ripgrep downloads its binary from GitHub. So: install with --ignore-scripts, give ripgrep
# Debian's rg, then run the remaining install scripts by hand.
#
# Idempotent: a marker file records a finished install, and a second run only checks it; --check
# only checks (code-server and Chromium), installing nothing.
# Installs into ${GAI_CONF_TOOLS:-$HOME/.cache/gai-conf-tools}/code-server and prints the path of
# the code-server command as its last line of output.
set -euo pipefail

VERSION=4.100.3
TOOLS="${GAI_CONF_TOOLS:-$HOME/.cache/gai-conf-tools}"
DIR="$TOOLS/code-server"
MARKER="$DIR/.installed-code-server-$VERSION"
BIN="$DIR/node_modules/.bin/code-server"
START=$SECONDS

say() { printf 'install-code-server: %s\n' "$*" >&2; }

# It needs Debian's Kerberos headers (code-server's kerberos module), ripgrep (instead of the
# download), Chromium (the browser playwright-core drives) and a toolchain for native modules:
# scripts/install-test-tools.sh installs them first.
if [ "${1:-}" = --check ]; then
  [ -f "$MARKER" ] && [ -x "$BIN" ] && [ -x /usr/bin/chromium ]
  exit
fi

if [ -f "$MARKER" ] && [ -x "$BIN" ]; then
  say "code-server $VERSION already installed in $DIR"
  echo "$BIN"
  exit 0
fi

say "installing code-server $VERSION into $DIR (takes a few minutes)"
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
echo '{"name":"gai-conf-tools-code-server","private":true}' > package.json
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# 1. code-server itself, without its postinstall (which would install lib/vscode with scripts).
npm install --ignore-scripts "code-server@$VERSION" >/dev/null

# 2. VS Code's own dependencies, then their install scripts with ripgrep's download pre-empted
#    (its script skips the download when bin/ exists). node-pty's script runs npx: hence the yes.
VSCODE="$DIR/node_modules/code-server/lib/vscode"
cd "$VSCODE"
npm install --omit=dev --ignore-scripts >/dev/null
mkdir -p node_modules/@vscode/ripgrep/bin
cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
npm_config_yes=true npm rebuild >/dev/null

# 3. What code-server's postinstall would have set up.
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev >/dev/null)

# 4. code-server's own native module (password hashing; loaded even with --auth none).
cd "$DIR"
npm rebuild argon2 >/dev/null

# (code-server writes a config.yaml into $XDG_CONFIG_HOME on any start: keep it out of $HOME.)
version=$(XDG_CONFIG_HOME="$DIR/.config" "$BIN" --version 2>/dev/null | grep 'with Code')
touch "$MARKER"
say "done in $((SECONDS - START)) s: $version"
echo "$BIN"
