/**
 * "Who follows this file?": turns what system/ read about the machine (installed runtimes, the
 * running processes' executables and options, the live file's modification time) into a report
 * over the runtime table: which programs do not follow gai.conf, why, what to change, and which
 * processes started before the file last changed and so still sort with the old tables.
 */

import { RuntimeEntry, runtimeEntry, RuntimeId } from '../analysis/reference/runtimes';

// What system/ must tell about the machine (it reads /proc and executables; this module only judges).

export interface GoBuild {
  version: string | null;
  /** CGO_ENABLED from the build settings; null when the binary does not record it (before Go 1.18). */
  cgo: boolean | null;
  /** Built with -tags netcgo: the cgo resolver is the default. */
  netcgoTag: boolean;
}

export interface ElfFacts {
  interpreter: string | null;
  go: GoBuild | null;
  /** Only looked for in static binaries that are not Go: whether the bytes "/etc/gai.conf" occur. */
  readsGaiConf: boolean | null;
}

export interface ProcessFacts {
  pid: number;
  command: string;
  /** The executable's path as the process sees it (may end in " (deleted)"). */
  executable: string;
  elf: ElfFacts | null;
  /** Command line arguments followed by the options variables the runtime reads (NODE_OPTIONS, JAVA_TOOL_OPTIONS, ...), split on blanks. */
  options: string[];
  /** The environment variables that change which resolver Go uses (GODEBUG, LOCALDOMAIN, RES_OPTIONS, HOSTALIASES), those set. */
  resolverEnvironment: Record<string, string>;
  /** The hosts line of the nsswitch.conf this process sees, or null when there is none. */
  nsswitchHosts: string | null;
  otherMountNamespace: boolean;
  /** The gai.conf this process reads: /etc/gai.conf, or its container's through /proc/PID/root. */
  gaiConfPath: string;
  startedAtMs: number;
  /** The executable sits beside an Electron app's resources/app.asar or resources/app folder. */
  electronApp?: boolean;
}

export interface ProcessScan {
  processes: ProcessFacts[];
  /** Processes whose executable or environment this user may not read. */
  notInspected: number;
  runningAsRoot: boolean;
}

export interface InstalledProgram {
  program: string;
  executable: string;
  version: string | null;
}

export interface LiveFileState {
  path: string;
  /** null when the file does not exist: glibc then uses its built-in tables. */
  modifiedAtMs: number | null;
  /** `reload yes` in the live file: glibc callers re-read it at their next lookup. */
  reload: boolean;
}

export interface RuntimeReport {
  program: string;
  executable: string;
  version: string | null;
  /** The table entry for the program as it runs by default. */
  runtime: RuntimeId;
  followsFile: RuntimeEntry['followsFile'];
  behaviour: string;
  toFollowFile: string | null;
  toPreferIPv6: string;
}

export interface ProcessReport {
  pid: number;
  command: string;
  executable: string;
  /** The table entry that applies; null for a static binary without glibc's resolver that the table does not name. */
  runtime: RuntimeId | null;
  followsFile: boolean;
  reason: string;
  /** What makes this program follow the file (its table entry's switch); null when nothing can. */
  toFollowFile: string | null;
  /** Started before the gai.conf it reads last changed; null when that file does not exist or cannot be read. */
  predatesFile: boolean | null;
  otherMountNamespace: boolean;
}

export interface WhoFollowsReport {
  liveFile: { path: string; modifiedAt: string | null; reload: boolean };
  runtimes: RuntimeReport[];
  /** The processes that do not follow the file, then those that follow it but predate it. */
  processes: ProcessReport[];
  /** Processes that follow the file and read it as it is now (not listed). */
  followingCurrent: number;
  notInspected: number;
  runningAsRoot: boolean;
  /** The pids to restart: they follow the file but still hold the tables it had when they read it. */
  restart: number[];
  notes: string[];
}

/** The entry a program's default run falls under, from its name and version. */
function defaultRuntime(program: string, version: string | null): RuntimeId | null {
  const [major = 0, minor = 0] = (version ?? '').split(/[.p]/).map(Number);
  switch (program) {
    case 'go':
      return 'go-pure';
    case 'java':
      return 'java-default';
    case 'node':
      return version !== null && major < 17 ? 'node-ipv4first' : 'node';
    case 'python3':
      return 'python';
    case 'ruby':
      return major > 3 || (major === 3 && minor >= 4) ? 'ruby-happy-eyeballs' : 'ruby';
    case 'curl':
      return major > 8 || (major === 8 && minor >= 10) ? 'curl-ipv6-first' : 'curl';
    case 'nginx':
      return 'nginx';
    case 'postfix':
      return 'postfix';
    case 'exim':
      return 'exim';
    case 'musl':
      return 'musl';
    case 'chromium':
      return 'chromium';
    default:
      return null;
  }
}

function basename(path: string): string {
  return (
    path
      .replace(/ \(deleted\)$/, '')
      .split('/')
      .pop() ?? path
  );
}

/** The last value given to a -Dname=value or --name=value / --name value option. */
function lastOption(options: string[], name: string): string | null {
  let value: string | null = null;
  options.forEach((o, i) => {
    if (o.startsWith(name + '=')) value = o.slice(name.length + 1);
    else if (o === name && name.startsWith('--') && i + 1 < options.length) value = options[i + 1]!;
  });
  return value;
}

interface Classification {
  runtime: RuntimeId | null;
  reason: string;
}

/** The executables of Chromium browsers (Debian's chromium, Google Chrome, Edge, Brave, Vivaldi, Opera). */
const CHROMIUM_BROWSERS = new Set([
  'chromium',
  'chromium-browser',
  'chrome',
  'msedge',
  'brave',
  'vivaldi-bin',
  'opera',
]);

/** A Chromium browser or Electron app: its Chromium side tries IPv6 first, whatever resolver it uses. */
function chromiumClassification(electron: boolean): Classification {
  return electron
    ? {
        runtime: 'electron',
        reason: 'Electron app: its Chromium side tries IPv6 first; its Node.js side follows the file',
      }
    : { runtime: 'chromium', reason: 'Chromium browser: tries IPv6 first whatever the order' };
}

/** Chromium's helper processes (renderers, GPU, zygote): they resolve nothing; the network service does. */
export function isChromiumHelper(p: Pick<ProcessFacts, 'options'>): boolean {
  const type = lastOption(p.options, '--type');
  return (
    type !== null &&
    !(
      type === 'utility' &&
      (lastOption(p.options, '--utility-sub-type') ?? '').startsWith('network.mojom.NetworkService')
    )
  );
}

/** Why Go 1.19's hostLookupOrder would hand a cgo-enabled binary's lookups to getaddrinfo, or null. */
function goCgoFallback(p: ProcessFacts): string | null {
  const env = p.resolverEnvironment;
  if (env['LOCALDOMAIN'] !== undefined) return 'LOCALDOMAIN is set';
  for (const v of ['RES_OPTIONS', 'HOSTALIASES']) if (env[v]) return `${v} is set`;
  // Sources with their [criteria]: Go serves files and dns with the standard criteria, mdns* and
  // myhostname (for names other than this host's) itself; anything else goes to libc.
  const tokens = (p.nsswitchHosts ?? '').match(/\[[^\]]*\]|[^\s[]+/g) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const source = tokens[i]!;
    if (source.startsWith('[')) continue;
    const criteria = tokens[i + 1]?.startsWith('[') ? tokens[i + 1] : undefined;
    if ((source === 'files' || source === 'dns') && criteria)
      return `nsswitch.conf gives ${source} the criteria ${criteria}`;
    if (!['files', 'dns', 'myhostname'].includes(source) && !source.startsWith('mdns'))
      return `nsswitch.conf's hosts line names "${source}"`;
  }
  return null;
}

export function classifyProcess(
  p: ProcessFacts & { elf: ElfFacts },
  installed: readonly InstalledProgram[],
): Classification {
  const { elf } = p;
  const name = basename(p.executable);
  if (elf.go) {
    const go = elf.go.version ?? 'Go';
    if (!elf.interpreter || elf.go.cgo === false)
      return { runtime: 'go-static', reason: `${go} without cgo: the pure-Go resolver only` };
    const godebug = p.resolverEnvironment['GODEBUG'] ?? '';
    if (/(^|,)netdns=go/.test(godebug))
      return { runtime: 'go-pure', reason: `${go}, GODEBUG=${godebug}: the pure-Go resolver` };
    if (/(^|,)netdns=cgo/.test(godebug)) return { runtime: 'go-cgo', reason: `${go}, GODEBUG=${godebug}: getaddrinfo` };
    if (elf.go.netcgoTag) return { runtime: 'go-cgo', reason: `${go}, -tags netcgo: getaddrinfo` };
    const fallback = goCgoFallback(p);
    if (fallback) return { runtime: 'go-cgo-fallback', reason: `${go}: ${fallback}, so getaddrinfo` };
    return { runtime: 'go-pure', reason: `${go}: the pure-Go resolver (its own RFC 6724 table)` };
  }
  if (elf.interpreter && /ld-musl/.test(elf.interpreter))
    return { runtime: 'musl', reason: `musl (${elf.interpreter}): a built-in RFC 6724 table` };
  if (!elf.interpreter) {
    if (elf.readsGaiConf) return { runtime: 'glibc-static', reason: 'static glibc: reads gai.conf' };
    if (elf.readsGaiConf === false)
      return {
        runtime: null,
        reason: "statically linked without glibc's getaddrinfo (musl, or a resolver of its own): gai.conf is not read",
      };
    return { runtime: null, reason: "static, too large to search for glibc's resolver" };
  }
  if (name === 'java') {
    const value = lastOption(p.options, '-Djava.net.preferIPv6Addresses');
    if (value === 'system') return { runtime: 'java-system', reason: 'Java, preferIPv6Addresses=system' };
    if (value === 'true') return { runtime: 'java-prefer-ipv6', reason: 'Java, preferIPv6Addresses=true: IPv6 first' };
    return { runtime: 'java-default', reason: 'Java without preferIPv6Addresses=system: IPv4 first' };
  }
  if (name === 'node' || name === 'nodejs') {
    const order = lastOption(p.options, '--dns-result-order');
    if (order === 'ipv4first') return { runtime: 'node-ipv4first', reason: 'Node.js, --dns-result-order=ipv4first' };
    if (order === 'ipv6first') return { runtime: 'node-ipv6first', reason: 'Node.js, --dns-result-order=ipv6first' };
    const same = installed.find(
      (i) => i.program === 'node' && i.executable === p.executable.replace(/ \(deleted\)$/, ''),
    );
    if (same && defaultRuntime('node', same.version) === 'node-ipv4first')
      return { runtime: 'node-ipv4first', reason: `Node.js ${same.version}: before v17 dns.lookup puts IPv4 first` };
    return { runtime: 'node', reason: 'Node.js' };
  }
  if (CHROMIUM_BROWSERS.has(name) || p.electronApp) return chromiumClassification(p.electronApp === true);
  if (name === 'nginx')
    return { runtime: 'nginx', reason: 'nginx spreads requests over every address of an upstream name' };
  if (/\/postfix\//.test(p.executable))
    return { runtime: 'postfix', reason: 'Postfix looks up addresses itself (smtp_address_preference)' };
  if (/^exim/.test(name)) return { runtime: 'exim', reason: 'Exim looks up addresses itself and puts IPv6 first' };
  return { runtime: 'glibc-dynamic', reason: 'glibc' };
}

export interface WhoFollowsInput {
  liveFile: LiveFileState;
  installed: readonly InstalledProgram[];
  scan: ProcessScan;
  /** The modification time of the gai.conf each process reads (its container's, for another mount namespace). */
  modifiedAtMs(path: string): number | null;
}

export function whoFollowsReport(input: WhoFollowsInput): WhoFollowsReport {
  const runtimes: RuntimeReport[] = [];
  for (const program of input.installed) {
    const id = defaultRuntime(program.program, program.version);
    if (!id) continue;
    const entry = runtimeEntry(id);
    runtimes.push({
      ...program,
      runtime: id,
      followsFile: entry.followsFile,
      behaviour: entry.behaviour,
      toFollowFile: entry.toFollowFile,
      toPreferIPv6: entry.toPreferIPv6,
    });
  }
  const notFollowing: ProcessReport[] = [];
  const stale: ProcessReport[] = [];
  let followingCurrent = 0;
  let unreadable = 0;
  for (const p of input.scan.processes) {
    const { elf } = p;
    if (!elf) {
      unreadable++;
      continue;
    }
    const { runtime, reason } = classifyProcess({ ...p, elf }, input.installed);
    if ((runtime === 'chromium' || runtime === 'electron') && isChromiumHelper(p)) continue;
    const followsFile = runtime !== null && runtimeEntry(runtime).followsFile === 'yes';
    const fileTime =
      p.gaiConfPath === input.liveFile.path ? input.liveFile.modifiedAtMs : input.modifiedAtMs(p.gaiConfPath);
    const predatesFile = fileTime === null ? null : p.startedAtMs < fileTime;
    const toFollowFile = runtime === null ? null : runtimeEntry(runtime).toFollowFile;
    const report: ProcessReport = {
      pid: p.pid,
      command: p.command,
      executable: p.executable,
      runtime,
      followsFile,
      reason,
      toFollowFile,
      predatesFile,
      otherMountNamespace: p.otherMountNamespace,
    };
    if (!followsFile) notFollowing.push(report);
    else if (predatesFile && !input.liveFile.reload) stale.push(report);
    else followingCurrent++;
  }
  const notes: string[] = [];
  const notInspected = input.scan.notInspected + unreadable;
  if (notInspected > 0)
    notes.push(
      `${notInspected === 1 ? '1 process' : `${notInspected} processes`} could not be inspected (${input.scan.runningAsRoot ? 'exited while read, or an unreadable executable' : "other users' processes; running as root shows all"}).`,
    );
  if (input.liveFile.modifiedAtMs === null)
    notes.push(`${input.liveFile.path} does not exist: glibc callers use the built-in tables.`);
  if (input.liveFile.reload)
    notes.push('The file says `reload yes`: glibc callers re-read it at their next lookup, so none needs a restart.');
  if ([...notFollowing, ...stale].some((p) => p.otherMountNamespace))
    notes.push(
      'Processes in another mount namespace (containers) read their own /etc/gai.conf, compared here with that file.',
    );
  const byPid = (a: ProcessReport, b: ProcessReport) => a.pid - b.pid;
  return {
    liveFile: {
      path: input.liveFile.path,
      modifiedAt: input.liveFile.modifiedAtMs === null ? null : new Date(input.liveFile.modifiedAtMs).toISOString(),
      reload: input.liveFile.reload,
    },
    runtimes,
    processes: [...notFollowing.sort(byPid), ...stale.sort(byPid)],
    followingCurrent,
    notInspected,
    runningAsRoot: input.scan.runningAsRoot,
    restart: stale.map((p) => p.pid),
    notes,
  };
}

/** The report as plain text, for the CLI and the editor's view. */
export function whoFollowsText(r: WhoFollowsReport): string {
  const lines: string[] = [];
  lines.push(
    `${r.liveFile.path}: ${r.liveFile.modifiedAt ? `last changed ${r.liveFile.modifiedAt}` : 'missing'}${r.liveFile.reload ? ', reload yes' : ''}`,
  );
  lines.push('', 'Installed runtimes:');
  if (r.runtimes.length === 0) lines.push('  none of the runtimes the table names was found on PATH');
  for (const rt of r.runtimes) {
    lines.push(
      `  ${rt.program} ${rt.version ?? '(version unknown)'} (${rt.executable}): ${rt.followsFile === 'yes' ? 'follows the file' : rt.followsFile === 'no' ? 'does not follow the file' : 'partly follows the file'}`,
    );
    if (rt.followsFile !== 'yes') {
      lines.push(`    ${rt.behaviour}`);
      if (rt.toFollowFile) lines.push(`    To follow the file: ${rt.toFollowFile}`);
      lines.push(`    To prefer IPv6: ${rt.toPreferIPv6}`);
    }
  }
  const not = r.processes.filter((p) => !p.followsFile);
  const stale = r.processes.filter((p) => p.followsFile);
  lines.push('', `Running processes that do not follow the file: ${not.length === 0 ? 'none' : not.length}`);
  const where = (p: ProcessReport) => (p.otherMountNamespace ? ' [another mount namespace]' : '');
  for (const p of not) {
    lines.push(`  ${p.pid} ${truncate(p.command)}${where(p)}: ${p.reason}`);
    if (p.toFollowFile) lines.push(`    To follow the file: ${p.toFollowFile}`);
  }
  lines.push(
    '',
    r.liveFile.reload
      ? 'Restart these: none (reload yes)'
      : `Restart these (started before the file last changed): ${stale.length === 0 ? 'none' : stale.length}`,
  );
  for (const p of stale) lines.push(`  ${p.pid} ${truncate(p.command)}${where(p)}`);
  lines.push(
    '',
    `${r.followingCurrent === 1 ? '1 other process follows' : `${r.followingCurrent} other processes follow`} the file as it is now.`,
  );
  for (const n of r.notes) lines.push(n);
  return lines.join('\n') + '\n';
}

function truncate(command: string): string {
  return command.length > 100 ? command.slice(0, 99) + '…' : command;
}
