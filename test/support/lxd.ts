/*
 * Real LXD as a test fixture, set up from nothing on a machine without systemd or an image server:
 * - the daemon (Debian's lxd, installed by scripts/install-test-tools.sh) is started by hand when none
 *   answers on its socket, and stopped again once the last test process using it is done, only if a
 *   test started it (the suite runs test files side by side: the one that started it may end first);
 * - a storage pool (dir), a bridge and a profile named after this run, so that runs of other
 *   developers (or an admin's own LXD objects) are never touched; the bridge has an explicit IPv4
 *   /24 (LXD cannot pick one here) and `ipv6.address: auto`, a random fd42: ULA by SLAAC, exactly
 *   the default kind of bridge users have;
 * - the Debian image built with debootstrap by scripts/build-container-image.sh (cached), imported
 *   under a run alias, and removed again if this run imported it;
 * - the forwarding sysctls LXD turns on are set back to what they were.
 * Destinations for glibc's sort are addresses on this run's own bridge (its IPv4 gateway, its fd42:
 * address, and a documentation-range global address added to it), so nothing leaves the machine.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoRoot } from './repository';

const LXD_SOCKET = '/var/lib/lxd/unix.socket';
const ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
  HOME: '/root',
};
const FORWARDING = ['/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/ipv6/conf/all/forwarding'];
/** One file per test process using the daemon, and `started-by` (the daemon's PID) when a test started it. */
const USERS = '/run/gai-conf-lxd-users';
const STARTED_BY_A_TEST = join(USERS, 'started-by');
const USERS_LOCK = `${USERS}.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `body` holding the users' lock (a directory: mkdir is atomic); a lock older than 3 minutes is a crashed run's. */
async function withUsersLock<T>(body: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(USERS_LOCK);
      break;
    } catch {
      try {
        if (Date.now() - statSync(USERS_LOCK).mtimeMs > 180_000) rmdirSync(USERS_LOCK);
      } catch {
        // released meanwhile
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await body();
  } finally {
    rmdirSync(USERS_LOCK);
  }
}

export interface CommandResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without a shell; resolves with its output whatever its exit status. */
export function run(
  file: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { env: { ...ENV, ...options.env }, encoding: 'utf8', timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, stdout, stderr: stderr || (error && !stderr ? error.message : '') });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

async function must(
  file: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const result = await run(file, args, options);
  if (result.status !== 0)
    throw new Error(
      `${file} ${args.join(' ')} failed (${result.status}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
  return result.stdout;
}

/** Why the LXD tests cannot run here, or undefined when they can. */
export function lxdUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'LXD needs Linux';
  if (process.getuid?.() !== 0) return 'the LXD fixture must be set up as root';
  for (const tool of ['/usr/bin/lxd', '/usr/bin/lxc']) {
    if (!existsSync(tool))
      return `${tool} is missing (scripts/install-test-tools.sh installs Debian's lxd and lxd-client)`;
  }
  return undefined;
}

function socketAnswers(): boolean {
  if (!existsSync(LXD_SOCKET)) return false;
  return spawnSync('/usr/bin/lxd', ['waitready', '--timeout=2'], { env: ENV, stdio: 'ignore' }).status === 0;
}

export interface LxdContainer {
  readonly name: string;
  /** Host PID of the container's init. */
  readonly pid: number;
  readonly ipv4: string;
  readonly ula: string;
}

export interface LxdFixtureOptions {
  /** Short names of the containers to launch; each gets the run's prefix. */
  readonly containers: readonly string[];
}

/** The run's LXD objects and how to reach and remove them. */
/**
 * Whether an IPv6 address of the container is still in duplicate address detection (IFA_F_TENTATIVE
 * in /proc/PID/net/if_inet6): until it is done the kernel gives it to no socket, so glibc would find
 * the IPv6 destination unreachable (rule 1) while the address is already listed.
 */
export function hasTentativeAddress(pid: number): boolean {
  const IFA_F_TENTATIVE = 0x40;
  const lines = readFileSync(`/proc/${pid}/net/if_inet6`, 'utf8').split('\n');
  return lines.some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields.length >= 6 && (parseInt(fields[4], 16) & IFA_F_TENTATIVE) !== 0;
  });
}

export class LxdFixture {
  /** The name of the bridge, pool, profile and image alias, and the prefix of container names. */
  readonly runName: string;
  readonly containers = new Map<string, LxdContainer>();
  /** Destinations on this run's bridge: a global (documentation-range) IPv6, its ULA, its IPv4 gateway. */
  globalDestination = '';
  ulaDestination = '';
  ipv4Destination = '';
  private daemonLog = '';
  private image = '';
  private readonly forwarding = new Map<string, string>();
  private readonly created: (() => Promise<unknown>)[] = [];
  private readonly scratch = mkdtempSync(join(tmpdir(), 'gai-conf-lxd-'));

  constructor() {
    // Bridge names are at most 15 bytes; the PID keeps concurrent runs apart.
    this.runName = `gaic${process.pid.toString(36)}`;
  }

  lxc(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    return must('/usr/bin/lxc', args, options);
  }

  /** Runs a program inside a container (as its root), whatever its exit status. */
  exec(container: string, args: readonly string[], input?: string): Promise<CommandResult> {
    return run('/usr/bin/lxc', ['exec', container, '--', ...args], input === undefined ? {} : { input });
  }

  /** Full name of a container from its short name. */
  nameOf(short: string): string {
    return `${this.runName}-${short}`;
  }

  async start(options: LxdFixtureOptions): Promise<void> {
    for (const file of FORWARDING) this.forwarding.set(file, readFileSync(file, 'utf8'));
    await this.startDaemon();
    await this.createNetworkAndStorage();
    await this.importImage();
    await Promise.all(
      options.containers.map((short) => this.lxc(['init', '-q', this.image, this.nameOf(short), '-p', this.runName])),
    );
    for (const short of options.containers)
      this.created.push(() => run('/usr/bin/lxc', ['delete', '-f', this.nameOf(short)]));
    await Promise.all(options.containers.map((short) => this.lxc(['start', this.nameOf(short)])));
    await Promise.all(options.containers.map((short) => this.waitForAddresses(short)));
  }

  private startDaemon(): Promise<void> {
    return withUsersLock(async () => {
      mkdirSync(USERS, { recursive: true });
      writeFileSync(join(USERS, String(process.pid)), '');
      if (!socketAnswers()) await this.spawnDaemon();
    });
  }

  private async spawnDaemon(): Promise<void> {
    const logFile = join(this.scratch, 'lxd.log');
    this.daemonLog = logFile;
    // No systemd: the daemon runs as this process's child in its own process group, owned by this run.
    const daemon = spawn('/usr/bin/lxd', ['--group', 'lxd', `--logfile=${logFile}`], {
      env: ENV,
      stdio: 'ignore',
      detached: true,
    });
    daemon.unref();
    writeFileSync(STARTED_BY_A_TEST, String(daemon.pid));
    const ready = await run('/usr/bin/lxd', ['waitready', '--timeout=60']);
    if (ready.status !== 0)
      throw new Error(
        `the LXD daemon did not start: ${ready.stderr}\n${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`,
      );
  }

  /** An IPv4 /24 in 10.0.0.0/8 that no route of the host covers yet. */
  private async freeSubnet(): Promise<string> {
    const routes = await must('/usr/sbin/ip', ['-4', 'route', 'show', 'table', 'all']);
    for (let attempt = 0; attempt < 200; attempt++) {
      const second = 100 + ((process.pid + attempt * 7) % 150);
      const third = ((process.pid * 31 + attempt) % 250) + 1;
      const prefix = `10.${second}.${third}.`;
      if (!routes.includes(prefix)) return prefix;
    }
    throw new Error('no free IPv4 /24 in 10.100.0.0/16 to 10.249.0.0/16');
  }

  private async createNetworkAndStorage(): Promise<void> {
    const subnet = await this.freeSubnet();
    await this.lxc(['storage', 'create', this.runName, 'dir']);
    this.created.push(() => run('/usr/bin/lxc', ['storage', 'delete', this.runName]));
    await this.lxc([
      'network',
      'create',
      this.runName,
      `ipv4.address=${subnet}1/24`,
      // No way out: every destination the tests use is on this bridge.
      'ipv4.nat=false',
      'ipv6.address=auto',
      'ipv6.nat=false',
    ]);
    this.created.push(() => run('/usr/bin/lxc', ['network', 'delete', this.runName]));
    await this.lxc(['profile', 'create', this.runName]);
    this.created.push(() => run('/usr/bin/lxc', ['profile', 'delete', this.runName]));
    await this.lxc(['profile', 'device', 'add', this.runName, 'root', 'disk', 'path=/', `pool=${this.runName}`]);
    await this.lxc(['profile', 'device', 'add', this.runName, 'eth0', 'nic', `network=${this.runName}`, 'name=eth0']);
    const config = await this.lxc(['network', 'get', this.runName, 'ipv6.address']);
    this.ulaDestination = config.trim().split('/')[0]!;
    this.ipv4Destination = `${subnet}1`;
    // A global address on the run's own bridge: the destination of "global IPv6 vs IPv4".
    const hextet = (process.pid & 0xffff).toString(16);
    this.globalDestination = `2001:db8:${hextet}::1`;
    await must('/usr/sbin/ip', ['-6', 'addr', 'add', `${this.globalDestination}/128`, 'dev', this.runName, 'nodad']);
  }

  private async importImage(): Promise<void> {
    const built = await run('/usr/bin/bash', [join(repoRoot(), 'scripts', 'build-container-image.sh')], {
      timeoutMs: 600_000,
    });
    if (built.status !== 0) throw new Error(`building the Debian image failed: ${built.stderr}`);
    const tarball = built.stdout.trim().split('\n').at(-1)!;
    const imported = await run('/usr/bin/lxc', ['image', 'import', tarball, '--alias', this.runName], {
      timeoutMs: 300_000,
    });
    if (imported.status === 0) {
      this.image = this.runName;
      this.created.push(() => run('/usr/bin/lxc', ['image', 'delete', this.runName]));
      return;
    }
    // Another run (or a previous one that was killed) holds the same image: use it, leave it be.
    const images = JSON.parse(await this.lxc(['image', 'list', '--format', 'json'])) as {
      fingerprint: string;
      properties?: Record<string, string>;
    }[];
    const same = images.find((image) => image.properties?.['description']?.includes("gai-conf's container tests"));
    if (!same) throw new Error(`lxc image import failed: ${imported.stderr}`);
    this.image = same.fingerprint;
  }

  private async waitForAddresses(short: string): Promise<void> {
    const name = this.nameOf(short);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [state] = JSON.parse(await this.lxc(['list', `^${name}$`, '--format', 'json'])) as LxcListEntry[];
      const addresses = state?.state?.network?.['eth0']?.addresses ?? [];
      const ipv4 = addresses.find((a) => a.family === 'inet')?.address;
      const ula = addresses.find(
        (a) => a.family === 'inet6' && a.scope === 'global' && /^fd/i.test(a.address),
      )?.address;
      const pid = state?.state?.pid ?? 0;
      if (ipv4 && ula && pid > 0 && !hasTentativeAddress(pid)) {
        this.containers.set(short, { name, pid, ipv4, ula });
        return;
      }
      if (Date.now() > deadline)
        throw new Error(`${name} has no IPv4 and ULA address after 60 s: ${JSON.stringify(addresses)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Writes a file inside a container as its root (owner 0:0 inside, the shifted uid outside). */
  /**
   * An /etc/hosts naming this run's global IPv6 and IPv4 destinations under two names, one per
   * order of the answers: dual-v6-listed-first and dual-v4-listed-first.
   */
  dualStackHosts(): string {
    return [
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost',
      `${this.globalDestination}\tdual-v6-listed-first`,
      `${this.ipv4Destination}\tdual-v6-listed-first`,
      `${this.ipv4Destination}\tdual-v4-listed-first`,
      `${this.globalDestination}\tdual-v4-listed-first`,
      '',
    ].join('\n');
  }

  async pushFile(short: string, path: string, text: string, mode = '0644'): Promise<void> {
    const local = join(this.scratch, `push-${short}`);
    writeFileSync(local, text);
    await this.lxc([
      'file',
      'push',
      '--create-dirs',
      local,
      `${this.nameOf(short)}${path}`,
      '--uid',
      '0',
      '--gid',
      '0',
      '--mode',
      mode,
    ]);
  }

  async teardown(): Promise<void> {
    for (const remove of this.created.reverse()) await remove();
    await this.stopDaemonIfLast();
    for (const [file, value] of this.forwarding) writeFileSync(file, value);
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /** Stops the daemon a test started once no other live test process uses it; an admin's own daemon is left running. */
  private stopDaemonIfLast(): Promise<void> {
    return withUsersLock(async () => {
      rmSync(join(USERS, String(process.pid)), { force: true });
      const users = readdirSync(USERS).filter((name) => /^\d+$/.test(name));
      // A crashed run's file: its process is gone.
      for (const dead of users.filter((name) => !alive(Number(name)))) rmSync(join(USERS, dead), { force: true });
      const others = users.filter((name) => alive(Number(name)));
      if (others.length > 0 || !existsSync(STARTED_BY_A_TEST)) return;
      const daemonPid = Number(readFileSync(STARTED_BY_A_TEST, 'utf8'));
      await run('/usr/bin/lxd', ['shutdown', '--timeout=30']);
      try {
        process.kill(-daemonPid, 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(STARTED_BY_A_TEST, { force: true });
    });
  }

  /** The daemon's log, for a failure message. */
  log(): string {
    return this.daemonLog && existsSync(this.daemonLog) ? readFileSync(this.daemonLog, 'utf8') : '';
  }
}

interface LxcListEntry {
  name: string;
  state?: {
    pid?: number;
    network?: Record<string, { addresses?: { family: string; address: string; netmask: string; scope: string }[] }>;
  };
}
