/*
 * Address-order oracle: the real glibc getaddrinfo() of this machine, run inside private
 * network + mount namespaces whose interfaces, addresses and routes are built per scenario host.
 *
 * How it works (Linux, root only):
 * - Scenarios are grouped by identical host. Each group (split into chunks so that both cores
 *   stay busy) gets one holder process started with `unshare --mount --net --propagation private`.
 *   The holder only waits on its stdin, so it exits by itself when this process goes away.
 * - Interfaces, addresses and routes are configured with `nsenter -t <holder> -n ip ...`; private
 *   copies of /etc/gai.conf, /etc/hosts, /etc/nsswitch.conf (`hosts: files`) and /etc/resolv.conf
 *   are bind-mounted inside that mount namespace only.
 * - Per scenario the two temporary files are rewritten in place (same inode, so the bind mounts
 *   see the new text) and a fresh process (`python3 -I -S`, or node when no python3 exists) does
 *   one getaddrinfo(name, NULL, {AF_UNSPEC, SOCK_STREAM, flags 0}) through `nsenter -m -n`.
 *   A fresh process matters: glibc reads gai.conf once per process.
 * No packet leaves the namespaces: getaddrinfo only connect()s UDP sockets, which sends nothing,
 * and name resolution is restricted to the private hosts file.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { findExecutable } from './executables';
import { InstalledGlibc } from './glibcVersions';

export interface OracleHostAddress {
  address: string; // IPv6 or IPv4 text
  prefixLength: number;
  deprecated?: boolean; // IPv6 only: added with preferred_lft 0 (shows as "deprecated")
  homeAddress?: boolean; // IPv6 only: IFA_F_HOMEADDRESS (`ip -6 addr add ... home`)
  interface?: string; // which veth the address sits on: 'd0' (default) or another name such as 'd2'
}
export interface OracleHost {
  addresses: OracleHostAddress[]; // added in this order
  defaultRoutes?: { ipv4: boolean; ipv6: boolean }; // default: a default route (`dev <first interface of that family>`) for each family the host has an address in
  addressLabels?: string[]; // `ip addrlabel add` arguments, e.g. 'prefix 2001:db8:9::/48 label 5', added in this order
  peersDown?: boolean; // leave each veth's peer down, so the host's interfaces are the only ones up (one ff00::/8 route each)
}
export interface OracleScenario {
  host: OracleHost;
  config: string;
  destinations: string[];
}

const HOST_NAME = 'gai-oracle.test';
const SETUP_TIMEOUT_MS = 10_000;
const RESOLVE_TIMEOUT_MS = 15_000;
const HOLDER_READY_TIMEOUT_MS = 10_000;
const CHILD_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
};

// ---------------------------------------------------------------------------------------------
// Address parsing (strict: what both Node and glibc's hosts-file parser read the same way)

function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null; // no leading zeros (inet_aton would read octal)
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseIPv6(text: string): number[] | null {
  if (text.includes('%') || !net.isIPv6(text)) return null;
  let s = text;
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (!v4) return null;
    s = s.slice(0, lastColon + 1) + ((v4[0]! << 8) | v4[1]!).toString(16) + ':' + ((v4[2]! << 8) | v4[3]!).toString(16);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return null;
  const groups = [...head, ...new Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const v = parseInt(g, 16);
    bytes.push(v >> 8, v & 0xff);
  }
  return bytes;
}

interface ParsedAddress {
  family: 4 | 6;
  key: string;
  canonical: string;
}

function parseAddress(text: string): ParsedAddress | null {
  const v4 = parseIPv4(text);
  if (v4) return { family: 4, key: '4:' + v4.join('.'), canonical: v4.join('.') };
  const v6 = parseIPv6(text);
  if (!v6) return null;
  const hex = v6.map((b) => b.toString(16).padStart(2, '0')).join('');
  const groups: string[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(hex.slice(i, i + 4));
  return { family: 6, key: '6:' + hex, canonical: groups.join(':') };
}

// ---------------------------------------------------------------------------------------------
// Tools

let toolCache: { tools: Tools | null; reason: string | null } | undefined;

interface Resolver {
  file: string;
  args: string[];
}
interface Tools {
  unshare: string;
  nsenter: string;
  ip: string;
  mount: string;
  resolver: Resolver;
}

// One getaddrinfo(name, NULL, hints{AF_UNSPEC, SOCK_STREAM, flags 0}); prints "<4|6> <address>" per entry.
const PYTHON_RESOLVER = [
  'import socket,sys',
  'try:',
  ' r=socket.getaddrinfo(sys.argv[1],None,socket.AF_UNSPEC,socket.SOCK_STREAM,0,0)',
  'except socket.gaierror as e:',
  ' print("ERR",e.errno,e.strerror);sys.exit(3)',
  'for f,t,p,c,a in r:',
  ' print(6 if f==socket.AF_INET6 else 4,a[0].split("%")[0])',
].join('\n');
// Node's dns.lookup is getaddrinfo with hints {AF_UNSPEC, SOCK_STREAM, flags 0}; verbatim keeps glibc's order.
const NODE_RESOLVER =
  'require("dns").lookup(process.argv[1],{all:true,verbatim:true},(e,a)=>{' +
  'if(e){console.log("ERR",e.code);process.exit(3)}' +
  'for(const x of a)console.log(x.family,x.address.split("%")[0])})';

function locateTools(): { tools: Tools | null; reason: string | null } {
  if (process.platform !== 'linux')
    return { tools: null, reason: `the order oracle needs Linux (this is ${process.platform})` };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return { tools: null, reason: 'the order oracle must run as root (it creates network and mount namespaces)' };
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, pkg] of [
    ['unshare', 'util-linux'],
    ['nsenter', 'util-linux'],
    ['ip', 'iproute2'],
    ['mount', 'mount'],
  ] as const) {
    const p = findExecutable(name);
    if (p) found[name] = p;
    else missing.push(`${name} (${pkg})`);
  }
  if (missing.length)
    return {
      tools: null,
      reason: `the order oracle needs ${missing.join(', ')}, not found in PATH or the sbin directories`,
    };
  for (const f of ['/etc/gai.conf', '/etc/hosts', '/etc/nsswitch.conf']) {
    if (!fs.existsSync(f))
      return { tools: null, reason: `the order oracle bind-mounts over ${f}, which does not exist on this machine` };
  }
  const python = findExecutable('python3');
  const resolver = python
    ? { file: python, args: ['-I', '-S', '-c', PYTHON_RESOLVER] }
    : { file: process.execPath, args: ['-e', NODE_RESOLVER] };
  // Trial: a private network + mount namespace in which a veth pair can be created.
  const trial = spawnSync(
    found['unshare']!,
    [
      '--mount',
      '--net',
      '--propagation',
      'private',
      '--',
      found['ip']!,
      'link',
      'add',
      'gaio0',
      'type',
      'veth',
      'peer',
      'name',
      'gaio1',
    ],
    {
      encoding: 'utf8',
      timeout: SETUP_TIMEOUT_MS,
      env: CHILD_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (trial.error || trial.status !== 0) {
    const detail = (trial.error?.message ?? trial.stderr ?? '').trim() || `exit ${trial.status} signal ${trial.signal}`;
    return {
      tools: null,
      reason: `the order oracle cannot create a network namespace with a veth pair here (unshare --mount --net ... ip link add type veth: ${detail})`,
    };
  }
  return {
    tools: {
      unshare: found['unshare']!,
      nsenter: found['nsenter']!,
      ip: found['ip']!,
      mount: found['mount']!,
      resolver,
    },
    reason: null,
  };
}

function tools(): { tools: Tools | null; reason: string | null } {
  if (!toolCache) toolCache = locateTools();
  return toolCache;
}

/** null when the oracle can run here; else a sentence naming exactly what is missing (not root, no unshare, no ip, ...). */
export function orderOracleUnavailable(): string | null {
  return tools().reason;
}

// ---------------------------------------------------------------------------------------------
// Host normalisation

interface NormalAddress {
  family: 4 | 6;
  text: string;
  prefixLength: number;
  deprecated: boolean;
  homeAddress: boolean;
  dev: string;
}
interface NormalHost {
  interfaces: string[];
  addresses: NormalAddress[];
  route4: string | null;
  route6: string | null;
  labels: string[][];
  peersDown: boolean;
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

function normaliseHost(host: OracleHost, where: string): NormalHost {
  if (!host || !Array.isArray(host.addresses)) throw new TypeError(`${where}: host.addresses must be an array`);
  const addresses: NormalAddress[] = host.addresses.map((a, i) => {
    const at = `${where}: host address #${i} (${JSON.stringify(a?.address)})`;
    const parsed = typeof a?.address === 'string' ? parseAddress(a.address) : null;
    if (!parsed) throw new TypeError(`${at}: not a plain IPv4 or IPv6 address`);
    const max = parsed.family === 4 ? 32 : 128;
    if (!Number.isInteger(a.prefixLength) || a.prefixLength < 0 || a.prefixLength > max)
      throw new TypeError(`${at}: prefixLength must be an integer 0..${max}`);
    if (parsed.family === 4 && (a.deprecated || a.homeAddress))
      throw new TypeError(`${at}: deprecated/homeAddress apply to IPv6 addresses only`);
    const dev = a.interface ?? 'd0';
    if (!IFNAME.test(dev)) throw new TypeError(`${at}: bad interface name ${JSON.stringify(dev)}`);
    return {
      family: parsed.family,
      text: parsed.canonical,
      prefixLength: a.prefixLength,
      deprecated: !!a.deprecated,
      homeAddress: !!a.homeAddress,
      dev,
    };
  });
  const interfaces: string[] = [];
  for (const a of addresses) if (a.dev !== 'lo' && !interfaces.includes(a.dev)) interfaces.push(a.dev);
  if (interfaces.length === 0) interfaces.push('d0');
  const routeDev = (family: 4 | 6): string => addresses.find((a) => a.family === family)?.dev ?? interfaces[0]!;
  const want4 = host.defaultRoutes ? !!host.defaultRoutes.ipv4 : addresses.some((a) => a.family === 4);
  const want6 = host.defaultRoutes ? !!host.defaultRoutes.ipv6 : addresses.some((a) => a.family === 6);
  const labels = (host.addressLabels ?? []).map((spec) => {
    const words = spec.trim().split(/\s+/);
    if (words[0] !== 'prefix' || !words.includes('label'))
      throw new TypeError(`${where}: address label ${JSON.stringify(spec)} is not "prefix P/L [dev D] label N"`);
    return words;
  });
  return {
    interfaces,
    addresses,
    route4: want4 ? routeDev(4) : null,
    route6: want6 ? routeDev(6) : null,
    labels,
    peersDown: !!host.peersDown,
  };
}

function setupCommands(h: NormalHost): string[][] {
  const cmds: string[][] = [['link', 'set', 'lo', 'up']];
  const used = new Set(h.interfaces);
  let n = 0;
  for (const dev of h.interfaces) {
    let peer: string;
    do peer = `gaipeer${n++}`;
    while (used.has(peer));
    used.add(peer);
    // addrgenmode none before up: no automatic fe80:: address on either end of the pair.
    cmds.push(['link', 'add', dev, 'type', 'veth', 'peer', 'name', peer]);
    cmds.push(['link', 'set', dev, 'addrgenmode', 'none']);
    cmds.push(['link', 'set', peer, 'addrgenmode', 'none']);
    cmds.push(['link', 'set', dev, 'up']);
    if (!h.peersDown) cmds.push(['link', 'set', peer, 'up']);
  }
  for (const words of h.labels) cmds.push(['addrlabel', 'add', ...words]);
  for (const a of h.addresses) {
    if (a.family === 4) cmds.push(['addr', 'add', `${a.text}/${a.prefixLength}`, 'dev', a.dev]);
    else {
      const c = ['-6', 'addr', 'add', `${a.text}/${a.prefixLength}`, 'dev', a.dev, 'nodad'];
      if (a.deprecated) c.push('preferred_lft', '0');
      if (a.homeAddress) c.push('home');
      cmds.push(c);
    }
  }
  if (h.route4) cmds.push(['route', 'add', 'default', 'dev', h.route4]);
  if (h.route6) cmds.push(['-6', 'route', 'add', 'default', 'dev', h.route6]);
  return cmds;
}

// ---------------------------------------------------------------------------------------------
// Processes

function run(file: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', env: CHILD_ENV, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: unknown; signal?: unknown; killed?: boolean };
          const how = e.killed
            ? `timed out after ${timeoutMs} ms`
            : e.signal
              ? `killed by ${String(e.signal)}`
              : `exit code ${String(e.code)}`;
          const errText = String(stderr).trim();
          reject(
            new Error(
              `command failed (${how}): ${[file, ...args].map(shellQuote).join(' ')}${errText ? '\n' + errText : ''}`,
            ),
          );
        } else resolve({ stdout, stderr });
      },
    );
  });
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export type EtcFile = 'gai.conf' | 'hosts' | 'nsswitch.conf' | 'resolv.conf';

/** What a test that runs whole programs inside a prepared namespace can do there. */
export type OracleNamespace = Pick<Namespace, 'writeEtc' | 'exec' | 'spawn' | 'commandLine'>;

/** Runs `body` with a namespace configured as `host`, its /etc/{gai.conf,hosts,nsswitch.conf,resolv.conf} ours to write. */
export async function withOracleNamespace<T>(host: OracleHost, body: (ns: OracleNamespace) => Promise<T>): Promise<T> {
  const { tools: t, reason } = tools();
  if (!t) throw new Error(reason ?? 'order oracle unavailable');
  const ns = new Namespace(t);
  try {
    await ns.start();
    await ns.configure(normaliseHost(host, 'namespace host'), 'namespace host');
    return await body(ns);
  } finally {
    await ns.close();
  }
}

class Namespace {
  private holder: ChildProcess | null = null;
  private pid = 0;
  private readonly dir: string;
  readonly gaiFile: string;
  readonly hostsFile: string;

  constructor(
    private readonly t: Tools,
    private readonly resolver: Resolver = t.resolver,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gai-oracle-'));
    this.gaiFile = path.join(this.dir, 'gai.conf');
    this.hostsFile = path.join(this.dir, 'hosts');
    fs.writeFileSync(this.gaiFile, '');
    fs.writeFileSync(this.hostsFile, '');
    fs.writeFileSync(path.join(this.dir, 'nsswitch.conf'), 'hosts: files\n');
    fs.writeFileSync(path.join(this.dir, 'resolv.conf'), '');
    fs.mkdirSync(path.join(this.dir, 'empty'));
  }

  async start(): Promise<void> {
    const holder = spawn(
      this.t.unshare,
      ['--mount', '--net', '--propagation', 'private', '--', '/bin/sh', '-c', 'echo ready; exec cat >/dev/null'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: CHILD_ENV,
      },
    );
    this.holder = holder;
    let stderr = '';
    holder.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const fail = (why: string): void => {
        clearTimeout(timer);
        reject(new Error(`namespace holder (unshare --mount --net) ${why}${stderr ? ': ' + stderr.trim() : ''}`));
      };
      const timer = setTimeout(() => fail(`not ready after ${HOLDER_READY_TIMEOUT_MS} ms`), HOLDER_READY_TIMEOUT_MS);
      holder.on('error', (e) => fail(`could not start: ${e.message}`));
      holder.on('exit', (code, sig) => fail(`exited early (code ${code}, signal ${sig})`));
      holder.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('ready\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    this.pid = holder.pid!;
    const mounts: [string, string][] = [
      [this.gaiFile, '/etc/gai.conf'],
      [this.hostsFile, '/etc/hosts'],
      [path.join(this.dir, 'nsswitch.conf'), '/etc/nsswitch.conf'],
    ];
    if (fs.existsSync('/etc/resolv.conf')) mounts.push([path.join(this.dir, 'resolv.conf'), '/etc/resolv.conf']);
    // Hide a host nscd: getaddrinfo and its netlink address cache would otherwise ask the host's daemon.
    for (const d of ['/var/run/nscd', '/run/nscd']) {
      if (fs.existsSync(d)) {
        mounts.push([path.join(this.dir, 'empty'), fs.realpathSync(d)]);
        break;
      }
    }
    for (const [src, dst] of mounts)
      await run(this.t.nsenter, ['-t', String(this.pid), '-m', this.t.mount, '--bind', src, dst], SETUP_TIMEOUT_MS);
  }

  async configure(h: NormalHost, where: string): Promise<void> {
    for (const c of setupCommands(h)) {
      try {
        await run(this.t.nsenter, ['-t', String(this.pid), '-n', this.t.ip, ...c], SETUP_TIMEOUT_MS);
      } catch (e) {
        throw new Error(`${where}: setting up the host failed: ${(e as Error).message}`);
      }
    }
  }

  /** Returns the addresses getaddrinfo() gave, in order, as [family, text]. */
  async resolve(config: string, destinations: string[]): Promise<[4 | 6, string][]> {
    // writeFileSync truncates and rewrites the same inode, so the bind mounts see the new text.
    fs.writeFileSync(this.gaiFile, config);
    fs.writeFileSync(this.hostsFile, destinations.map((d) => `${d} ${HOST_NAME}\n`).join(''));
    const { stdout } = await run(
      this.t.nsenter,
      ['-t', String(this.pid), '-m', '-n', this.resolver.file, ...this.resolver.args, HOST_NAME],
      RESOLVE_TIMEOUT_MS,
    );
    const out: [4 | 6, string][] = [];
    for (const line of stdout.split('\n')) {
      if (!line) continue;
      const m = /^([46]) (\S+)$/.exec(line);
      if (!m) throw new Error(`unexpected resolver output line ${JSON.stringify(line)}`);
      out.push([m[1] === '4' ? 4 : 6, m[2]!]);
    }
    return out;
  }

  /** Replaces one of the files mounted over /etc (same inode, so the mount sees it). */
  writeEtc(name: EtcFile, text: string): void {
    fs.writeFileSync(path.join(this.dir, name), text);
  }

  /** Runs a program inside the namespace's network and mounts. */
  exec(file: string, args: string[], timeoutMs = RESOLVE_TIMEOUT_MS): Promise<{ stdout: string; stderr: string }> {
    const [program, ...rest] = this.commandLine(file, args);
    return run(program, rest, timeoutMs);
  }

  /** Starts a long-running program inside the namespace; the caller stops it. */
  spawn(file: string, args: string[]): ChildProcess {
    const [program, ...rest] = this.commandLine(file, args);
    return spawn(program, rest, { stdio: ['ignore', 'pipe', 'pipe'], env: CHILD_ENV });
  }

  /** The command line that runs `file` inside the namespace, for a caller that spawns it itself (with its own environment). */
  commandLine(file: string, args: readonly string[]): [string, ...string[]] {
    return [this.t.nsenter, '-t', String(this.pid), '-m', '-n', file, ...args];
  }

  async close(): Promise<void> {
    const holder = this.holder;
    this.holder = null;
    if (holder && holder.exitCode === null && holder.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          holder.kill('SIGKILL');
        }, 2000);
        holder.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        holder.stdin!.end(); // EOF: cat exits, the namespaces (and their mounts) go away
      });
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Public entry

/** For each scenario: the destinations in the order real getaddrinfo() returns them (one entry per address, duplicates from socket types removed), each written exactly as it appears in the scenario's `destinations` (map back by comparing parsed 16-byte addresses, so "2001:DB8::1" given comes back as given). */
export async function resolveWithGlibc(scenarios: OracleScenario[], glibc?: InstalledGlibc): Promise<string[][]> {
  const { tools: t, reason } = tools();
  if (!t) throw new Error(reason ?? 'order oracle unavailable');
  // Without a glibc build: the machine's own, through python3 or node; with one: its oracle program.
  const resolver: Resolver = glibc === undefined ? t.resolver : { file: glibc.program, args: [] };

  // Validate everything first, and group by identical host.
  const groups = new Map<string, { host: NormalHost; indexes: number[] }>();
  const parsedDest: ParsedAddress[][] = scenarios.map((s, i) => {
    const where = `scenario #${i}`;
    if (typeof s?.config !== 'string') throw new TypeError(`${where}: config must be a string`);
    if (!Array.isArray(s.destinations)) throw new TypeError(`${where}: destinations must be an array`);
    const host = normaliseHost(s.host, where);
    const key = JSON.stringify(host);
    const g = groups.get(key);
    if (g) g.indexes.push(i);
    else groups.set(key, { host, indexes: [i] });
    return s.destinations.map((d) => {
      const p = typeof d === 'string' ? parseAddress(d) : null;
      if (!p) throw new TypeError(`${where}: destination ${JSON.stringify(d)} is not a plain IPv4 or IPv6 address`);
      return p;
    });
  });

  // Split groups into chunks, one namespace each, so the work spreads over the cores.
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const concurrency = Math.max(1, Math.min(6, cores + 1)); // one extra: each scenario also waits on process start-up
  const chunkSize = Math.max(16, Math.ceil(scenarios.length / (concurrency * 3)));
  const chunks: { host: NormalHost; indexes: number[] }[] = [];
  for (const g of groups.values()) {
    const n = Math.ceil(g.indexes.length / chunkSize);
    const size = Math.ceil(g.indexes.length / n);
    for (let k = 0; k < g.indexes.length; k += size)
      chunks.push({ host: g.host, indexes: g.indexes.slice(k, k + size) });
  }
  chunks.sort((a, b) => b.indexes.length - a.indexes.length);

  const results: string[][] = new Array(scenarios.length);
  let failure: Error | null = null;
  let next = 0;

  const runChunk = async (chunk: { host: NormalHost; indexes: number[] }): Promise<void> => {
    const ns = new Namespace(t, resolver);
    try {
      await ns.start();
      await ns.configure(chunk.host, `scenario #${chunk.indexes[0]}`);
      for (const i of chunk.indexes) {
        if (failure) return;
        const s = scenarios[i]!;
        const dests = parsedDest[i]!;
        if (s.destinations.length === 0) {
          results[i] = [];
          continue;
        }
        let got: [4 | 6, string][];
        try {
          got = await ns.resolve(s.config, s.destinations);
        } catch (e) {
          throw new Error(
            `scenario #${i}: getaddrinfo via ${glibc === undefined ? path.basename(t.resolver.file) : `glibc ${glibc.version}'s ${glibc.program}`} failed with gai.conf ${JSON.stringify(s.config)} and destinations ${JSON.stringify(s.destinations)}: ${(e as Error).message}`,
          );
        }
        const used = new Array<boolean>(dests.length).fill(false);
        results[i] = got.map(([family, text]) => {
          const p = parseAddress(text);
          const k = p && p.family === family ? dests.findIndex((d, j) => !used[j] && d.key === p.key) : -1;
          if (k < 0)
            throw new Error(
              `scenario #${i}: getaddrinfo returned ${text}, which is not among the destinations ${JSON.stringify(s.destinations)} (got ${JSON.stringify(got)})`,
            );
          used[k] = true;
          return s.destinations[k]!;
        });
      }
    } finally {
      await ns.close();
    }
  };

  const worker = async (): Promise<void> => {
    while (!failure && next < chunks.length) {
      const chunk = chunks[next++]!;
      try {
        await runChunk(chunk);
      } catch (e) {
        failure ??= e instanceof Error ? e : new Error(String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  if (failure) throw failure;
  return results;
}
