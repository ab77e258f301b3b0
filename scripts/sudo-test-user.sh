#!/usr/bin/env bash
# The ordinary user with sudo that the Save as Root tests run as (test/sudo, test/ui/saveAsRoot.mjs).
# Run as root. Idempotent: creates the user once (password "secret", the tests type it), then each
# call sets what sudo allows it and forgets its sudo timestamps, so that every test starts from a
# known state:
#   sudo-test-user.sh password  LOG   sudo with the user's password  (USER ALL=(ALL) ALL)
#   sudo-test-user.sh nopasswd  LOG   sudo without one               (USER ALL=(ALL) NOPASSWD: ALL)
#   sudo-test-user.sh true-only LOG   sudo allows only /bin/true     (a user not allowed the write)
#   sudo-test-user.sh remove          no sudoers rule at all
#   sudo-test-user.sh ran       LOG   prints the commands sudo ran for the user, one a line (refused
#                                     attempts, whose log line has a reason before PWD=, left out)
# LOG is a file where sudo records every command it runs for the user (the tests read it to show
# that nothing but the write ran as root). Prints the user's name. GAI_CONF_SUDO_USER overrides it.
set -euo pipefail
USER_NAME="${GAI_CONF_SUDO_USER:-gaiconf-tester}"
MODE="${1:?usage: sudo-test-user.sh password|nopasswd|true-only|remove|ran [LOG]}"
LOG="${2:-/var/log/gai-conf-sudo-test.log}"
DROP_IN="/etc/sudoers.d/${USER_NAME//./_}"

if [ "$MODE" = ran ]; then
  [ -f "$LOG" ] || exit 0
  sed -n -E 's/^.* : [^:;]+ : (TTY=[^;]* ; )?PWD=.*COMMAND=(.*)$/\2/p' "$LOG"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "sudo-test-user.sh: run as root" >&2; exit 2; }
command -v sudo >/dev/null || { echo "sudo-test-user.sh: sudo is not installed (apt-get install sudo)" >&2; exit 3; }
id "$USER_NAME" >/dev/null 2>&1 || useradd -m -s /bin/bash "$USER_NAME"
echo "$USER_NAME:secret" | chpasswd

case "$MODE" in
  password) RULE="$USER_NAME ALL=(ALL) ALL" ;;
  nopasswd) RULE="$USER_NAME ALL=(ALL) NOPASSWD: ALL" ;;
  true-only) RULE="$USER_NAME ALL=(ALL) /bin/true" ;;
  remove) RULE="" ;;
  *) echo "sudo-test-user.sh: unknown mode $MODE" >&2; exit 2 ;;
esac
if [ -n "$RULE" ]; then
  tmp="$(mktemp)"
  printf 'Defaults:%s logfile=%s, loglinelen=0\n%s\n' "$USER_NAME" "$LOG" "$RULE" > "$tmp"
  visudo -cqf "$tmp"
  install -m 0440 -o root -g root "$tmp" "$DROP_IN"
  rm -f "$tmp"
else
  rm -f "$DROP_IN"
fi
runuser -u "$USER_NAME" -- sudo -K
echo "$USER_NAME"
