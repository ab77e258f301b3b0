#!/usr/bin/env bash
# Installs the glibc builds the real-glibc oracles judge with (test/oracle/), without installing
# them into the system: Debian's libc6, libc6-dbg and libc6-dev of bullseye (2.31), trixie (2.41)
# and sid (2.43 when written) are downloaded with a private apt configuration and unpacked into a
# folder each, and test/oracle/glibc/gai-lookup.c is linked against each of them. The machine's own
# glibc (Debian 12: 2.36, debug symbols from the libc6-dbg package) is the fourth version.
#
# Each version ends up in ${GAI_CONF_TOOLS:-$HOME/.cache/gai-conf-tools}/glibc/<version>/ with
#   root/            the unpacked packages (absent for the system's own glibc)
#   gai-lookup       the oracle program, checked to run on exactly that version
#   glibc.env        what the oracles read: version, Debian version, suite, loader, library and
#                    debug-symbol folders, the package changelog
# Idempotent: a marker per version records a finished install (the package version and a hash of
# the program's source); a second run only checks it, and --check only checks, installing nothing.
# Exits 1 when a version could not be set up. The apt mirror is the one this machine's own
# /etc/apt/sources.list.d/debian.sources (or sources.list) names, read at run time.
# Prints the glibc folder as its last line of output.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
SOURCE="$HERE/test/oracle/glibc/gai-lookup.c"
TOOLS="${GAI_CONF_TOOLS:-$HOME/.cache/gai-conf-tools}"
DIR="$TOOLS/glibc"
SUITES=(bullseye trixie sid)
MULTIARCH=x86_64-linux-gnu
START=$SECONDS

say() { printf 'install-glibc-versions: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] || die "only amd64 builds are set up (this machine: $(dpkg --print-architecture 2>/dev/null || uname -m))"

# It needs a C compiler and binutils to link, dpkg-deb to unpack, Debian's keyring to check what
# apt downloads: scripts/install-test-tools.sh installs them first.
source_hash=$(sha256sum "$SOURCE" | cut -c1-16)

# --check: whether every version is set up, installing nothing.
if [ "${1:-}" = --check ]; then
  system_version=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
  [ -f "$DIR/$system_version/.installed-$(dpkg-query -W -f='${Version}' libc6)-$source_hash" ] || die "glibc $system_version (this machine's) is not set up"
  for suite in "${SUITES[@]}"; do
    env=$(grep -lx "SUITE=$suite" "$DIR"/*/glibc.env 2>/dev/null | head -1 || true)
    [ -n "$env" ] || die "the glibc of $suite is not set up"
    deb=$(sed -n 's/^DEBIAN_VERSION=//p' "$env")
    [ -f "$(dirname "$env")/.installed-$deb-$source_hash" ] || die "the glibc of $suite is not set up"
  done
  exit 0
fi
mkdir -p "$DIR"

# Links the oracle program against one glibc and checks it runs on exactly that version.
#   link_program OUT ROOT LIBDIR LOADER EXPECTED_VERSION
link_program() {
  local out=$1 root=$2 libdir=$3 loader=$4 expected=$5
  local flags=()
  if [ "$root" != / ]; then
    # That version's own start files, libc.so.6 and libc_nonshared.a; its loader as interpreter;
    # DT_RPATH (not RUNPATH) so that its dlopen of libnss_files.so.2 finds its own copy too.
    flags=(-B "$root/usr/lib/$MULTIARCH/" -nodefaultlibs -nostdinc -isystem "$root/usr/include"
      -isystem "$root/usr/include/$MULTIARCH" -isystem "$(gcc -print-file-name=include)"
      -idirafter /usr/include/$MULTIARCH -idirafter /usr/include
      -Wl,--dynamic-linker="$loader" -Wl,--disable-new-dtags -Wl,-rpath,"$libdir"
      "$libdir/libc.so.6" "$root/usr/lib/$MULTIARCH/libc_nonshared.a" -lgcc)
  fi
  gcc -O1 -g -Wall -Werror -o "$out.tmp" "$SOURCE" "${flags[@]}"
  local got
  got=$(env -i "$out.tmp" --version) || die "$out.tmp does not run"
  [ "$got" = "$expected" ] || die "$out.tmp runs on glibc $got, not $expected"
  mv "$out.tmp" "$out"
}

write_env() { # write_env FILE key=value...
  local file=$1; shift
  printf '%s\n' "$@" >"$file.tmp"
  mv "$file.tmp" "$file"
}

# --- The machine's own glibc -----------------------------------------------------------------
system_deb=$(dpkg-query -W -f='${Version}' libc6)
system_version=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
system_dir="$DIR/$system_version"
system_marker="$system_dir/.installed-$system_deb-$source_hash"
if [ -f "$system_marker" ] && [ -x "$system_dir/gai-lookup" ]; then
  say "glibc $system_version (this machine's, $system_deb) already set up"
else
  rm -rf "$system_dir"; mkdir -p "$system_dir"
  libc=$(gcc -print-file-name=libc.so.6)
  libdir=$(dirname "$(readlink -f "$libc")")
  link_program "$system_dir/gai-lookup" / "$libdir" "" "$system_version"
  write_env "$system_dir/glibc.env" "GLIBC_VERSION=$system_version" "DEBIAN_VERSION=$system_deb" "SUITE=system" \
    "ROOT=/" "LIBDIR=$libdir" "DEBUG_DIR=/usr/lib/debug" "CHANGELOG=/usr/share/doc/libc6/changelog.Debian.gz"
  touch "$system_marker"
  say "glibc $system_version (this machine's, $system_deb) set up"
fi

# --- Debian's other suites, with a private apt configuration ----------------------------------
APT="$DIR/apt"
mirror() {
  local uri=''
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # The URIs of the stanza whose Suites name the main suite (not -security or -updates).
    uri=$(awk '/^URIs:/ {u=$2} /^Suites:/ {for (i = 2; i <= NF; i++) if ($i !~ /-/) {print u; exit}}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || die "cannot find Debian's mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  printf '%s\n' "$uri"
}
apt_options() {
  printf '%s\n' -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts="$APT/empty" \
    -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o Dir::Etc::preferences=/dev/null \
    -o Dir::Etc::preferencesparts="$APT/empty" -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1 -o APT::Sandbox::User=root
}
apt_private() {
  local options; mapfile -t options < <(apt_options)
  apt-get -q "${options[@]}" "$@"
}
apt_ready=0
prepare_apt() {
  ((apt_ready)) && return 0
  local uri suite keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  uri=$(mirror)
  mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/empty"
  : >"$APT/sources.list"
  for suite in "${SUITES[@]}"; do
    echo "deb [signed-by=$keyring] $uri $suite main" >>"$APT/sources.list"
  done
  say "apt-get update of ${SUITES[*]} from $uri (private lists in $APT)"
  apt_private update >/dev/null || say "apt-get update reported errors: a suite it could not fetch is skipped below"
  apt_ready=1
}
candidate_of() { # candidate_of SUITE: the libc6 version SUITE's Packages list has
  local options; mapfile -t options < <(apt_options)
  apt-cache "${options[@]}" madison libc6 | awk -F' [|] ' -v s="$1" '$3 ~ (" " s "/main ") {gsub(/ /, "", $2); print $2; exit}'
}

# Sets up one suite's glibc; runs in a subshell of its own, so that a suite Debian no longer
# serves (or signs with a key this machine lacks) is skipped without stopping the others.
install_suite() {
  local suite=$1 deb version vdir root libdir loader target f
  deb=$(candidate_of "$suite")
  [ -n "$deb" ] || die "Debian's $suite has no libc6 in the lists apt-get update fetched"
  version=${deb%%-*}
  vdir="$DIR/$version"
  say "glibc $version ($suite, $deb): downloading libc6, libc6-dbg, libc6-dev"
  rm -rf "$vdir"; mkdir -p "$vdir/root" "$vdir/debs"
  (cd "$vdir/debs" && apt_private download "libc6=$deb" "libc6-dbg=$deb" "libc6-dev=$deb" >/dev/null)
  for f in "$vdir"/debs/*.deb; do dpkg-deb -x "$f" "$vdir/root"; done
  rm -rf "$vdir/debs"
  root="$vdir/root"
  libdir="$root/lib/$MULTIARCH"
  [ -e "$libdir/libc.so.6" ] || libdir="$root/usr/lib/$MULTIARCH"
  # The loader: bullseye's /lib64 symlink is absolute, so resolve it inside root.
  loader="$libdir/ld-linux-x86-64.so.2"
  while [ -L "$loader" ]; do
    target=$(readlink "$loader")
    case $target in /*) loader="$root$target" ;; *) loader="$(dirname "$loader")/$target" ;; esac
  done
  [ -f "$loader" ] || die "no ld-linux-x86-64.so.2 in $suite's libc6"
  link_program "$vdir/gai-lookup" "$root" "$libdir" "$loader" "$version"
  write_env "$vdir/glibc.env" "GLIBC_VERSION=$version" "DEBIAN_VERSION=$deb" "SUITE=$suite" \
    "ROOT=$root" "LIBDIR=$libdir" "DEBUG_DIR=$root/usr/lib/debug" "CHANGELOG=$root/usr/share/doc/libc6/changelog.Debian.gz"
  touch "$vdir/.installed-$deb-$source_hash"
  say "glibc $version ($suite, $deb) set up"
}

needed=()
for suite in "${SUITES[@]}"; do
  # A version already set up for this suite is kept unless its marker is stale.
  existing=$(grep -lx "SUITE=$suite" "$DIR"/*/glibc.env 2>/dev/null | head -1 || true)
  if [ -n "$existing" ]; then
    vdir=$(dirname "$existing")
    deb=$(sed -n 's/^DEBIAN_VERSION=//p' "$existing")
    if [ -f "$vdir/.installed-$deb-$source_hash" ] && [ -x "$vdir/gai-lookup" ]; then
      say "glibc $(basename "$vdir") ($suite, $deb) already set up"
      continue
    fi
  fi
  needed+=("$suite")
done
skipped=()
if ((${#needed[@]})); then
  prepare_apt
  for suite in "${needed[@]}"; do
    # In the background and waited for: errexit stays on inside, and a failure ends only this suite.
    (set -e; install_suite "$suite") &
    wait $! || skipped+=("$suite")
  done
fi


rm -rf "$APT/cache/archives"
say "done in $((SECONDS - START)) s: $(cd "$DIR" && ls -d [0-9]* | tr '\n' ' ')"
((${#skipped[@]} == 0)) || die "NOT set up: the glibc of ${skipped[*]} (see above); the oracles need it"
echo "$DIR"
