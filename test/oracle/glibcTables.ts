/**
 * Test oracle: which tables does the real glibc build from a given /etc/gai.conf?
 *
 * Each config is written over /etc/gai.conf inside a private mount + network namespace
 * (`unshare -m -n`, root only), together with an /etc/hosts that gives one name two addresses
 * and an /etc/nsswitch.conf that reads only that file. `getent ahosts multi` (glibc's
 * getaddrinfo) then runs under gdb, which stops it at _exit and reads the file-static tables of
 * getaddrinfo.c with the help of Debian's libc6-dbg symbols. All configs of a call share one gdb
 * session (see test/oracle/glibc_tables_gdb.py and test/oracle/glibc-tables.sh).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { findExecutable } from '../support/executables';
import { InstalledGlibc } from '../support/glibcVersions';

export interface GlibcPrefixRow {
  bytes: string;
  bits: number;
  value: number;
}
export interface GlibcScopeRow {
  bytes: string;
  bits: number;
  value: number;
}
export type GlibcTables =
  | {
      outcome: 'tables';
      label: GlibcPrefixRow[] | 'builtin';
      precedence: GlibcPrefixRow[] | 'builtin';
      scopev4: GlibcScopeRow[] | 'builtin';
      reload: boolean;
    }
  | { outcome: 'crash'; detail: string };

const SHELL_ASSET = 'glibc-tables.sh';
const GDB_ASSET = 'glibc_tables_gdb.py';
const HOST_NAME = 'multi';
const HOSTS_FILE = `::1 ${HOST_NAME}\n127.0.0.1 ${HOST_NAME}\n`;
const NSSWITCH_FILE = 'hosts: files\n';
/** Files that must exist to be bind-mounted over inside the namespace. */
const BIND_TARGETS = ['/etc/gai.conf', '/etc/hosts', '/etc/nsswitch.conf'];

interface Tools {
  unshare: string;
  gdb: string;
  getent: string;
  sh: string;
  assetDir: string;
}

let cachedTools: Tools | undefined;
let cachedUnavailable: string | null | undefined;

function findRepoRoot(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'test', 'oracle', SHELL_ASSET)))
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function findAssetDir(): string | null {
  const root = findRepoRoot(__dirname) ?? findRepoRoot(process.cwd());
  return root === null ? null : path.join(root, 'test', 'oracle');
}

/** The libc.so.6 this Node process (and so every program here) is linked with. */
function systemLibc(): string | null {
  try {
    for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\n')) {
      const m = /\s(\/\S*\/libc\.so\.6)$/.exec(line);
      if (m !== null) return m[1];
    }
  } catch {
    // fall through
  }
  for (const p of ['/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6'])
    if (fs.existsSync(p)) return p;
  return null;
}

const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/**
 * The whole environment of the program that calls getaddrinfo: the C locale (isspace() is
 * locale-dependent and getent calls setlocale), no MALLOC_* or GLIBC_TUNABLES, and the same
 * stack contents from run to run.
 */
const PROGRAM_ENV: Record<string, string> = { PATH: SAFE_PATH, LC_ALL: 'C' };

function minimalEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: SAFE_PATH, LC_ALL: 'C', HOME: home };
}

function tail(text: string, max = 1500): string {
  const t = text.trim();
  return t.length <= max ? t : '...' + t.slice(t.length - max);
}

interface Job {
  dir: string;
  outFile: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The program glibc runs in: the machine's getent, or the oracle program linked against another glibc. */
function programOf(tools: Tools, glibc: InstalledGlibc | undefined): string[] {
  return glibc === undefined ? [tools.getent, 'ahosts', HOST_NAME] : [glibc.program, HOST_NAME];
}

function prepareJob(tools: Tools, configs: Array<string | Buffer>, glibc: InstalledGlibc | undefined): Job {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gai-oracle-'));
  fs.writeFileSync(path.join(dir, 'gai.conf'), '');
  fs.writeFileSync(path.join(dir, 'hosts'), HOSTS_FILE);
  fs.writeFileSync(path.join(dir, 'nsswitch.conf'), NSSWITCH_FILE);
  const files = configs.map((c, i) => {
    const f = path.join(dir, `config-${String(i).padStart(4, '0')}`);
    fs.writeFileSync(f, typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
    return f;
  });
  const outFile = path.join(dir, 'out.jsonl');
  const indexCache = path.join(dir, 'gdb-index-cache');
  fs.mkdirSync(indexCache);
  const job = {
    gaiconf: '/etc/gai.conf',
    configs: files,
    out: outFile,
    program: programOf(tools, glibc),
    indexCache,
    env: PROGRAM_ENV,
    debugDir: glibc?.debugDir ?? null,
  };
  fs.writeFileSync(path.join(dir, 'job.json'), JSON.stringify(job));
  return {
    dir,
    outFile,
    args: ['-m', '-n', '--', tools.sh, path.join(tools.assetDir, SHELL_ASSET), dir],
    env: minimalEnv(dir),
  };
}

function parseResults(job: Job, count: number, log: string): GlibcTables[] {
  let lines: string[] = [];
  try {
    lines = fs
      .readFileSync(job.outFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    // handled below
  }
  if (lines.length !== count) {
    throw new Error(`glibc table oracle: expected ${count} results, got ${lines.length}; gdb output:\n${tail(log)}`);
  }
  return lines.map((line, i) => toTables(JSON.parse(line) as Record<string, unknown>, i));
}

function isRowArray(v: unknown): v is GlibcPrefixRow[] {
  return (
    Array.isArray(v) &&
    v.every(
      (r) =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as GlibcPrefixRow).bytes === 'string' &&
        typeof (r as GlibcPrefixRow).bits === 'number' &&
        typeof (r as GlibcPrefixRow).value === 'number',
    )
  );
}

function rows(v: unknown, what: string, i: number): GlibcPrefixRow[] | 'builtin' {
  if (v === 'builtin') return 'builtin';
  if (isRowArray(v)) return v.map((r) => ({ bytes: r.bytes, bits: r.bits, value: r.value }));
  throw new Error(`glibc table oracle: config #${i}: malformed ${what}: ${JSON.stringify(v)}`);
}

function toTables(r: Record<string, unknown>, i: number): GlibcTables {
  if (r.outcome === 'crash') return { outcome: 'crash', detail: String(r.detail) };
  if (r.outcome === 'tables') {
    return {
      outcome: 'tables',
      label: rows(r.label, 'label', i),
      precedence: rows(r.precedence, 'precedence', i),
      scopev4: rows(r.scopev4, 'scopev4', i),
      reload: r.reload === true,
    };
  }
  throw new Error(`glibc table oracle: config #${i}: ${String(r.detail ?? JSON.stringify(r))}`);
}

function removeDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

function timeoutMs(count: number): number {
  return 30_000 + 2_000 * count;
}

function checkTools(): Tools | string {
  if (process.platform !== 'linux') return `The glibc table oracle needs Linux; this is ${process.platform}.`;
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  if (uid !== 0)
    return `The glibc table oracle needs root (unshare -m -n and bind mounts over /etc); this process runs as uid ${uid}.`;
  const unshare = findExecutable('unshare');
  if (unshare === null) return 'The glibc table oracle needs `unshare` (util-linux), which is not on PATH.';
  const gdb = findExecutable('gdb');
  if (gdb === null) return 'The glibc table oracle needs gdb, which is not installed (apt-get install gdb).';
  const getent = findExecutable('getent');
  if (getent === null) return 'The glibc table oracle needs `getent` (libc-bin), which is not on PATH.';
  const sh = fs.existsSync('/bin/sh') ? '/bin/sh' : findExecutable('sh');
  if (sh === null) return 'The glibc table oracle needs /bin/sh, which does not exist.';
  for (const t of BIND_TARGETS) {
    if (!fs.existsSync(t)) return `The glibc table oracle bind-mounts over ${t}, which does not exist on this machine.`;
  }
  const assetDir = findAssetDir();
  if (assetDir === null) {
    return `The glibc table oracle cannot find test/oracle/${SHELL_ASSET} in a directory with package.json above ${__dirname} or ${process.cwd()}.`;
  }
  if (!fs.existsSync(path.join(assetDir, GDB_ASSET)))
    return `The glibc table oracle's gdb script ${path.join(assetDir, GDB_ASSET)} is missing.`;
  return { unshare, gdb, getent, sh, assetDir };
}

/** null when the oracle can run here; otherwise a sentence naming exactly what is missing (not root, no unshare, no gdb, no libc6-dbg symbols, ...). */
export function glibcTablesOracleUnavailable(): string | null {
  if (cachedUnavailable !== undefined) return cachedUnavailable;
  cachedUnavailable = probe();
  return cachedUnavailable;
}

function probe(): string | null {
  const tools = checkTools();
  if (typeof tools === 'string') return tools;
  const env = minimalEnv(os.tmpdir());

  const ns = spawnSync(tools.unshare, ['-m', '-n', '--', 'true'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
    encoding: 'utf8',
  });
  if (ns.status !== 0) {
    return `The glibc table oracle cannot create private mount and network namespaces: \`unshare -m -n true\` failed (${ns.error?.message ?? tail(ns.stderr || `status ${ns.status}, signal ${ns.signal}`, 300)}).`;
  }

  const libc = systemLibc();
  if (libc === null) return 'The glibc table oracle cannot find the system libc.so.6.';
  const py = [
    'python',
    'ok = [s for s in gdb.lookup_static_symbols("labels") if s.symtab is not None and s.symtab.filename.endswith("getaddrinfo.c")]',
    'print("ORACLE-SYMBOLS-" + ("OK" if ok else "MISSING"))',
    'end',
  ].join('\n');
  const cmdFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gai-oracle-probe-')), 'probe.gdb');
  fs.writeFileSync(cmdFile, py + '\n');
  const sym = spawnSync(tools.gdb, ['-batch', '-nx', '-x', cmdFile, libc], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
    encoding: 'utf8',
  });
  removeDir(path.dirname(cmdFile));
  const symOut = `${sym.stdout ?? ''}${sym.stderr ?? ''}`;
  if (!symOut.includes('ORACLE-SYMBOLS-')) {
    return `The glibc table oracle needs gdb with Python support; a Python check in gdb failed (${sym.error?.message ?? tail(symOut, 300)}).`;
  }
  if (!symOut.includes('ORACLE-SYMBOLS-OK')) {
    return `The glibc table oracle needs glibc's debug symbols (libc6-dbg matching the installed libc6): gdb cannot resolve the static \`labels\` of getaddrinfo.c in ${libc}.`;
  }

  return trialRun(tools, undefined);
}

/** A full run with an empty file: catches ptrace, bind-mount or debug-symbol problems the checks cannot see. */
function trialRun(tools: Tools, glibc: InstalledGlibc | undefined): string | null {
  const job = prepareJob(tools, [''], glibc);
  const which = glibc === undefined ? 'gdb on getent' : `gdb on ${glibc.program} (glibc ${glibc.version})`;
  try {
    const run = spawnSync(tools.unshare, job.args, {
      env: job.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      killSignal: 'SIGKILL',
      encoding: 'utf8',
    });
    const log = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    let r: GlibcTables[];
    try {
      r = parseResults(job, 1, log + (run.error ? `\n${run.error.message}` : ''));
    } catch (e) {
      return `The glibc table oracle's trial run (${which} under unshare -m -n) failed: ${(e as Error).message}`;
    }
    const t = r[0];
    if (
      t.outcome !== 'tables' ||
      t.label !== 'builtin' ||
      t.precedence !== 'builtin' ||
      t.scopev4 !== 'builtin' ||
      t.reload
    ) {
      return `The glibc table oracle's trial run (${which}) with an empty gai.conf did not report the built-in tables: ${JSON.stringify(t)}.`;
    }
  } finally {
    removeDir(job.dir);
  }
  return null;
}

const unavailableFor = new Map<string, string | null>();

/** Like glibcTablesOracleUnavailable, for one of the glibc builds the tools step set up. */
export function glibcTablesOracleUnavailableWith(glibc: InstalledGlibc): string | null {
  const cached = unavailableFor.get(glibc.version);
  if (cached !== undefined) return cached;
  let why = glibcTablesOracleUnavailable();
  if (why === null) {
    const tools = checkTools();
    why = typeof tools === 'string' ? tools : trialRun(tools, glibc);
  }
  unavailableFor.set(glibc.version, why);
  return why;
}

/**
 * Feeds each config (exact bytes; a string is written as UTF-8) to real glibc as /etc/gai.conf and
 * returns what glibc holds after its first multi-address getaddrinfo(). Order of results = order
 * of configs. Without `glibc`, the machine's own glibc in getent; with it, that build in the
 * oracle program.
 */
export async function readTablesWithGlibc(
  configs: Array<string | Buffer>,
  glibc?: InstalledGlibc,
): Promise<GlibcTables[]> {
  if (configs.length === 0) return [];
  const why = glibc === undefined ? glibcTablesOracleUnavailable() : glibcTablesOracleUnavailableWith(glibc);
  if (why !== null) throw new Error(why);
  if (cachedTools === undefined) {
    const t = checkTools();
    if (typeof t === 'string') throw new Error(t);
    cachedTools = t;
  }
  const tools = cachedTools;
  // Each config costs about 0.1-0.2 s of gdb CPU time: split a batch over a few gdb sessions,
  // each in its own namespaces (so each has its own /etc/gai.conf).
  const workers = Math.max(
    1,
    Math.min(os.availableParallelism(), MAX_WORKERS, Math.ceil(configs.length / MIN_CONFIGS_PER_WORKER)),
  );
  const chunks: Array<Array<string | Buffer>> = [];
  const per = Math.ceil(configs.length / workers);
  for (let i = 0; i < configs.length; i += per) chunks.push(configs.slice(i, i + per));
  const results = await Promise.all(chunks.map((chunk) => runJob(tools, chunk, glibc)));
  return results.flat();
}

const MAX_WORKERS = 4;
const MIN_CONFIGS_PER_WORKER = 8;

async function runJob(
  tools: Tools,
  configs: Array<string | Buffer>,
  glibc: InstalledGlibc | undefined,
): Promise<GlibcTables[]> {
  const job = prepareJob(tools, configs, glibc);
  try {
    const log = await new Promise<string>((resolve, reject) => {
      const child = spawn(tools.unshare, job.args, { env: job.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let out = '';
      const keep = (d: Buffer): void => {
        out += d.toString('utf8');
        if (out.length > 200_000) out = out.slice(out.length - 100_000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const ms = timeoutMs(configs.length);
      const timer = setTimeout(() => {
        try {
          // detached: the child leads its own process group (unshare, then sh, then gdb and
          // the program it runs, all by exec/fork without a new group).
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        reject(
          new Error(
            `glibc table oracle: gdb did not finish ${configs.length} configs within ${ms} ms; output:\n${tail(out)}`,
          ),
        );
      }, ms);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0) out += `\n(unshare/gdb ended with ${signal ?? `status ${code}`})`;
        resolve(out);
      });
    });
    return parseResults(job, configs.length, log);
  } finally {
    removeDir(job.dir);
  }
}
