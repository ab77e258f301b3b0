/**
 * The running processes as far as this user may read /proc: for each, its command line, what its
 * executable says about its resolver (see elf.ts, read through /proc/PID/exe without running it),
 * the resolver-related settings in its command line and environment, whether it sees another
 * mount namespace's /etc/gai.conf (a container), and when it started. Nothing is run or written.
 */

import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'fs';
import { dirname } from 'path';

import type { ElfFacts, ProcessFacts, ProcessScan } from '../features/whoFollows';
import { readElfFacts } from './elf';

const OPTION_VARIABLES = ['NODE_OPTIONS', 'JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS', '_JAVA_OPTIONS'];
const RESOLVER_VARIABLES = ['GODEBUG', 'LOCALDOMAIN', 'RES_OPTIONS', 'HOSTALIASES'];
/** USER_HZ: /proc/PID/stat counts start times in these ticks on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export function scanProcesses(proc = '/proc'): ProcessScan {
  // Boot time from /proc/uptime (10 ms steps) rather than /proc/stat's btime (whole seconds): a
  // process started just after the file changed must not look older than it.
  const bootMs = Date.now() - Number(readFileSync(`${proc}/uptime`, 'latin1').split(' ')[0]) * 1000;
  const ownMountNamespace = readlinkOrNull(`${proc}/self/ns/mnt`);
  const elfCache = new Map<string, ElfFacts | null>();
  const nsswitchCache = new Map<string, string | null>();
  const processes: ProcessFacts[] = [];
  let notInspected = 0;
  for (const name of readdirSync(proc)) {
    if (!/^\d+$/.test(name)) continue;
    const base = `${proc}/${name}`;
    let cmdline: string[];
    let stat: string;
    try {
      cmdline = readFileSync(`${base}/cmdline`, 'latin1')
        .split('\0')
        .filter((a) => a !== '');
      stat = readFileSync(`${base}/stat`, 'latin1');
    } catch {
      continue; // exited while we looked
    }
    if (cmdline.length === 0) continue; // kernel thread or zombie: resolves nothing
    let executable: string;
    let environ: string[];
    try {
      executable = readlinkSync(`${base}/exe`);
      environ = readFileSync(`${base}/environ`, 'latin1').split('\0');
    } catch {
      notInspected++;
      continue;
    }
    const elf = elfFactsCached(`${base}/exe`, elfCache);
    const env = (key: string): string | null =>
      environ.find((e) => e.startsWith(key + '='))?.slice(key.length + 1) ?? null;
    const options = [
      ...cmdline.slice(1),
      ...OPTION_VARIABLES.flatMap((v) => (env(v) ?? '').split(/\s+/).filter(Boolean)),
    ];
    const mountNamespace = readlinkOrNull(`${base}/ns/mnt`);
    const otherMountNamespace =
      mountNamespace !== null && ownMountNamespace !== null && mountNamespace !== ownMountNamespace;
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    processes.push({
      pid: Number(name),
      command: cmdline.join(' '),
      executable,
      elf,
      options,
      resolverEnvironment: Object.fromEntries(
        RESOLVER_VARIABLES.flatMap((v) => {
          const value = env(v);
          return value === null ? [] : [[v, value]];
        }),
      ),
      nsswitchHosts: cached(
        nsswitchCache,
        otherMountNamespace ? `${base}/root/etc/nsswitch.conf` : '/etc/nsswitch.conf',
        nsswitchHostsLine,
      ),
      otherMountNamespace,
      gaiConfPath: otherMountNamespace ? `${base}/root/etc/gai.conf` : '/etc/gai.conf',
      startedAtMs: bootMs + (startTicks / TICKS_PER_SECOND) * 1000,
      // Only in this mount namespace: a path inside a container is not followed from the host.
      electronApp: !otherMountNamespace && isElectronApp(executable.replace(/ \(deleted\)$/, '')),
    });
  }
  return { processes, notInspected, runningAsRoot: typeof process.getuid === 'function' && process.getuid() === 0 };
}

/** An Electron app ships its code beside the executable, in resources/app.asar or resources/app/. */
function isElectronApp(executable: string): boolean {
  const resources = `${dirname(executable)}/resources`;
  return existsSync(`${resources}/app.asar`) || existsSync(`${resources}/app/package.json`);
}

/** The file's modification time in ms, or null when it is missing or unreadable. */
export function modifiedAtMs(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

function elfFactsCached(exe: string, cache: Map<string, ElfFacts | null>): ElfFacts | null {
  let key: string;
  try {
    const s = statSync(exe);
    key = `${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
  if (!cache.has(key)) {
    let facts: ElfFacts | null;
    try {
      facts = readElfFacts(exe);
    } catch {
      facts = null;
    }
    cache.set(key, facts);
  }
  return cache.get(key)!;
}

function cached<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  if (!cache.has(key)) cache.set(key, compute(key));
  return cache.get(key)!;
}

/** The sources of the `hosts:` line, as written; null when the file or the line is missing. */
export function nsswitchHostsLine(path: string): string | null {
  try {
    return /^hosts:[ \t]*(.*)$/m.exec(readFileSync(path, 'latin1'))?.[1]?.replace(/#.*/, '').trim() ?? null;
  } catch {
    return null;
  }
}

function readlinkOrNull(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}
