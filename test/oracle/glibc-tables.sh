#!/bin/sh
# Used by test/oracle/glibcTables.ts; run as root inside `unshare -m -n` (private mount and
# network namespaces), so the bind mounts below are seen by nothing else on the machine.
#   glibc-tables.sh WORKDIR
# WORKDIR holds gai.conf, hosts, nsswitch.conf and job.json (see glibc_tables_gdb.py).
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
work=$1
mount --bind "$work/gai.conf" /etc/gai.conf
mount --bind "$work/hosts" /etc/hosts
mount --bind "$work/nsswitch.conf" /etc/nsswitch.conf
GAI_ORACLE_JOB="$work/job.json"
export GAI_ORACLE_JOB
exec gdb -batch -nx -x "$here/glibc_tables_gdb.py" </dev/null
