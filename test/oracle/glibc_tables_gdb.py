# gdb Python script used by test/oracle/glibcTables.ts (started by glibc-tables.sh).
#
# For each config of a job it writes the config over /etc/gai.conf (a bind mount inside a private
# mount namespace), runs one program that does a multi-address getaddrinfo() (getent ahosts NAME),
# stops it at _exit and reads what glibc's getaddrinfo.c holds: the label, precedence and scopev4
# tables and the reload flag. One JSON object per config is appended to the job's output file.
#
# Array lengths are not stored by glibc. They are taken from the qsort() call glibc makes on each
# freshly built array (base pointer and element count, read from the argument registers at the
# entry of __qsort_r), and cross-checked against the malloc chunk header of the array.
#
# Job file (JSON, path in $GAI_ORACLE_JOB):
#   { "gaiconf": "/etc/gai.conf", "configs": [paths...], "out": path, "program": [argv...],
#     "indexCache": directory or null, "env": {name: value} (the program's whole environment),
#     "debugDir": the debug-file-directory holding that glibc's symbols, or null for gdb's default }
# Output lines: {"outcome": "tables", ...} (plus "exitStatus" and "usable", for diagnosis)
#             | {"outcome": "crash", "detail": ...}
#             | {"outcome": "error", "detail": ...}  (the harness itself could not decide)

import json
import os
import struct
import sys

import gdb

JOB = json.load(open(os.environ["GAI_ORACLE_JOB"], "r"))


def quiet(cmd):
    try:
        gdb.execute(cmd, to_string=True)
    except gdb.error:
        pass


for _cmd in (
    "set pagination off",
    "set confirm off",
    "set height 0",
    "set width 0",
    "set startup-with-shell off",
    "set breakpoint pending on",
    "set debuginfod enabled off",
    "set print inferior-events off",
    "set print thread-events off",
    # Run the program as it runs outside gdb (address space randomisation on), so that the
    # behaviour that depends on uninitialised memory is the real one.
    "set disable-randomization off",
):
    quiet(_cmd)

# The debug symbols of the glibc the program runs on (found by build id below that folder).
if JOB.get("debugDir"):
    quiet("set debug-file-directory " + JOB["debugDir"])
# The program's own libc holds libthread_db's counterpart; a mismatched system one only warns.
quiet("set auto-load off")

# gdb indexes libc's DWARF again at every run; its index cache makes later runs about twice as
# fast. The cache lives in the job's own temporary directory.
if JOB.get("indexCache"):
    quiet("set index-cache directory " + JOB["indexCache"])
    quiet("set index-cache enabled on")

ARCH_REGS = ("rdi", "rsi", "rdx", "rcx")  # x86-64 SysV argument registers 1..4


class HarnessError(Exception):
    pass


def gai_static(name):
    """The file-static `name` of glibc's getaddrinfo.c."""
    for sym in gdb.lookup_static_symbols(name):
        if sym.symtab is not None and sym.symtab.filename.endswith("getaddrinfo.c"):
            return sym
    raise HarnessError("static symbol %r of getaddrinfo.c not found (libc debug symbols?)" % name)


def check_layout():
    """Fail loudly if the structures are not laid out as this script reads them."""
    pe = gdb.lookup_type("struct prefixentry")
    se = gdb.lookup_type("struct scopeentry")
    pf = {f.name: f.bitpos for f in pe.fields()}
    if pe.sizeof != 24 or pf.get("prefix") != 0 or pf.get("bits") != 128 or pf.get("val") != 160:
        raise HarnessError("unexpected layout of struct prefixentry: size %d fields %r" % (pe.sizeof, pf))
    # scopeentry: anonymous union (addr/addr32) at 0, netmask at 32 bits, scope at 64 bits.
    sf = [(f.name, f.bitpos) for f in se.fields()]
    if se.sizeof != 12 or sf[1:] != [("netmask", 32), ("scope", 64)] or sf[0][1] != 0:
        raise HarnessError("unexpected layout of struct scopeentry: size %d fields %r" % (se.sizeof, sf))


def reg(name):
    return int(gdb.parse_and_eval("$" + name)) & 0xFFFFFFFFFFFFFFFF


def addr_of(expr):
    return int(gdb.parse_and_eval("(unsigned long) &" + expr))


def read(addr, n):
    return bytes(gdb.selected_inferior().read_memory(addr, n))


def check_chunk(ptr, nbytes, what):
    """Cross-check an element count against the malloc chunk holding the array."""
    (hdr,) = struct.unpack("<Q", read(ptr - 8, 8))
    size = hdr & ~7
    if hdr & 2:  # IS_MMAPPED
        usable = size - 16
        ok = usable >= nbytes
    else:
        usable = size - 8
        ok = usable == max(32, (nbytes + 8 + 15) & ~15) - 8
    if not ok:
        raise HarnessError(
            "%s: %d bytes from qsort do not fit malloc chunk (usable %d)" % (what, nbytes, usable))
    return usable


def unpack_rows(ptr, n, fmt):
    """The n structs of layout fmt (struct module syntax) at ptr, as tuples."""
    size = struct.calcsize(fmt)
    data = read(ptr, n * size)
    return [struct.unpack_from(fmt, data, i * size) for i in range(n)]


def prefix_rows(ptr, n):
    return [{"bytes": prefix.hex(), "bits": bits, "value": val} for prefix, bits, val in unpack_rows(ptr, n, "<16sIi")]


def scope_rows(ptr, n):
    rows = []
    for i, (addr, mask, scope) in enumerate(unpack_rows(ptr, n, "<4s4si")):
        m = int.from_bytes(mask, "big")  # stored in network order
        bits = bin(m).count("1")
        if m != ((0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF):
            raise HarnessError("scopes[%d]: netmask %s is not contiguous" % (i, mask.hex()))
        rows.append({"bytes": addr.hex(), "bits": bits, "value": scope})
    return rows


state = {}


def on_stop(ev):
    if isinstance(ev, gdb.BreakpointEvent):
        state["stop"] = ("bp", list(ev.breakpoints))
    elif isinstance(ev, gdb.SignalEvent):
        state["stop"] = ("signal", ev.stop_signal)
    else:
        state["stop"] = ("other", type(ev).__name__)


def on_exit(ev):
    state["exited"] = getattr(ev, "exit_code", None)


gdb.events.stop.connect(on_stop)
gdb.events.exited.connect(on_exit)

# The program gets exactly the environment it would get outside gdb (gdb adds LINES and
# COLUMNS): results that depend on uninitialised stack memory can depend on it.
quiet("unset environment")
for _k, _v in sorted(JOB.get("env", {}).items()):
    quiet("set environment %s=%s" % (_k, _v))

gdb.execute("file " + JOB["program"][0], to_string=True)
gdb.execute("set args " + " ".join(JOB["program"][1:]), to_string=True)
BP_INIT = gdb.Breakpoint("gaiconf_init")
BP_EXIT = gdb.Breakpoint("_exit")
bp_qsort = None
layout_checked = False


def resume(cmd):
    state.clear()
    gdb.execute(cmd, to_string=True)
    if "stop" not in state:
        if "exited" in state:
            return ("exited", state["exited"])
        return ("other", "no stop event")
    return state["stop"]


def crash_detail(signame):
    where = "?"
    try:
        frame = gdb.selected_frame()
        where = frame.name() or ("0x%x" % frame.pc())
    except gdb.error:
        pass
    return "%s in %s" % (signame, where)


def run_one():
    global bp_qsort, layout_checked
    sorts = {}  # base address -> element count, from qsort calls made inside gaiconf_init
    cmp_fns = None
    ev = resume("run")
    while True:
        kind, info = ev
        if kind == "signal":
            if info in ("SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL", "SIGFPE", "SIGSYS"):
                return {"outcome": "crash", "detail": "killed by " + crash_detail(info)}
            ev = resume("continue")  # any other signal: deliver it as it would be
            continue
        if kind != "bp":
            raise HarnessError("program ended before reaching _exit: %s %r" % (kind, info))
        bps = info
        if BP_INIT in bps:
            if not layout_checked:
                check_layout()
                layout_checked = True
            cmp_fns = (addr_of("prefixcmp"), addr_of("scopecmp"))
            if bp_qsort is None:
                # An address breakpoint: the exact entry, before any register is reused.
                # Deleted after each run, because the address changes from run to run.
                bp_qsort = gdb.Breakpoint("*0x%x" % addr_of("__qsort_r"))
            ev = resume("continue")
            continue
        if bp_qsort is not None and bp_qsort in bps:
            if cmp_fns is not None and reg("rcx") in cmp_fns:
                base, nmemb, size = reg("rdi"), reg("rsi"), reg("rdx")
                if size != (24 if reg("rcx") == cmp_fns[0] else 12):
                    raise HarnessError("qsort with element size %d" % size)
                sorts[base] = nmemb
            ev = resume("continue")
            continue
        if BP_EXIT in bps:
            return read_tables(sorts, reg("rdi"))
        raise HarnessError("stopped at an unexpected breakpoint")


def read_tables(sorts, exit_status):
    out = {"outcome": "tables", "exitStatus": exit_status & 0xFF, "usable": {}}
    for kind, esize, reader in (
        ("label", 24, prefix_rows),
        ("precedence", 24, prefix_rows),
        ("scopev4", 12, scope_rows),
    ):
        var = {"label": "labels", "precedence": "precedence", "scopev4": "scopes"}[kind]
        ptr = int(gai_static(var).value()) & 0xFFFFFFFFFFFFFFFF
        default = int(gai_static("default_" + var).value().address)
        if ptr == 0:
            raise HarnessError(
                "%s is NULL: gaiconf_init never ran (did getaddrinfo return several addresses?)" % var)
        if ptr == default:
            out[kind] = "builtin"
            continue
        if ptr not in sorts:
            raise HarnessError("%s=0x%x was not built by a qsort seen in gaiconf_init" % (var, ptr))
        n = sorts[ptr]
        out["usable"][kind] = check_chunk(ptr, n * esize, var)
        out[kind] = reader(ptr, n)
    out["reload"] = int(gai_static("gaiconf_reload_flag").value()) != 0
    return out


def stop_program():
    global bp_qsort
    try:
        if gdb.selected_inferior().pid != 0:
            gdb.execute("kill", to_string=True)
    except gdb.error:
        pass
    if bp_qsort is not None:
        bp_qsort.delete()
        bp_qsort = None


with open(JOB["out"], "w") as out:
    for path in JOB["configs"]:
        with open(path, "rb") as f:
            data = f.read()
        # Rewrite the bind-mounted file in place (same inode).
        with open(JOB["gaiconf"], "wb") as f:
            f.write(data)
        try:
            result = run_one()
        except (HarnessError, gdb.error, gdb.MemoryError) as e:
            result = {"outcome": "error", "detail": "%s: %s" % (type(e).__name__, e)}
        stop_program()
        out.write(json.dumps(result) + "\n")
        out.flush()

sys.stdout.flush()
gdb.execute("quit 0")
