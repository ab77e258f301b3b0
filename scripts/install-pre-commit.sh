#!/usr/bin/env bash
# pre-commit (Debian's package), for test/deploy/preCommit.test.ts: it runs this repository's
# .pre-commit-hooks.yaml for real against a scratch git repository, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "install-pre-commit: $*"; }
source scripts/apt-packages.sh
apt_install_missing pre-commit git
