/*
 * Real Podman (Debian's package, with runc) as a test fixture, rootful, on a machine without an
 * image registry or systemd:
 * - the Debian image of scripts/build-container-image.sh (cached), its root file system imported
 *   with `podman import` under a name of this run, removed afterwards;
 * - an IPv6-enabled Podman network of this run with an IPv4 /24 no route covers and a ULA /64,
 *   plus a documentation-range global address on its bridge: the destinations glibc sorts, so
 *   nothing leaves the machine;
 * - Podman's API service on a socket in this run's scratch folder (never the system's socket),
 *   started by the fixture and stopped again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { socketRequest } from '../../server/src/system/containers/unixSocketHttp';
import { CommandResult, run } from './lxd';
import { repoRoot } from './repository';

const PODMAN = '/usr/bin/podman';
/** crun refuses the hybrid cgroups of these machines, and Podman's default rlimits give EPERM. */
const RUN_OPTIONS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

/** Why the Podman tests cannot run here, or undefined when they can. */
export function podmanUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'Podman needs Linux';
  if (process.getuid?.() !== 0) return 'the Podman fixture must be set up as root';
  for (const tool of [PODMAN, '/usr/sbin/runc']) {
    if (!existsSync(tool))
      return `${tool} is missing (scripts/install-test-tools.sh installs Debian's podman and runc)`;
  }
  return undefined;
}

async function must(file: string, args: readonly string[], options: { input?: string } = {}): Promise<string> {
  const result = await run(file, args, { ...options, timeoutMs: 300_000 });
  if (result.status !== 0)
    throw new Error(`${file} ${args.join(' ')} failed (${result.status}): ${result.stderr.trim() || result.stdout}`);
  return result.stdout;
}

const HEXTET = (process.pid & 0xffff).toString(16);

/** "10.A.B." of an IPv4 /24 in 10.0.0.0/8 that no route of the host covers yet (`salt` keeps two fixtures of a run apart). */
async function freeSubnet(salt: number): Promise<string> {
  const routes = await must('/usr/sbin/ip', ['-4', 'route', 'show', 'table', 'all']);
  for (let attempt = 0; attempt < 200; attempt++) {
    const prefix = `10.${100 + ((process.pid * salt + attempt * 11) % 150)}.${((process.pid * 17 + salt + attempt) % 250) + 1}.`;
    if (!routes.includes(prefix)) return prefix;
  }
  throw new Error('no free IPv4 /24 in 10.100.0.0/16 to 10.249.0.0/16');
}

/** The Debian image of scripts/build-container-image.sh imported as IMAGE by `podman` (a command line: a user's, through runuser). */
async function importDebianImage(scratch: string, image: string, podman: readonly string[]): Promise<void> {
  const built = await run('/usr/bin/bash', [join(repoRoot(), 'scripts', 'build-container-image.sh')], {
    timeoutMs: 600_000,
  });
  if (built.status !== 0) throw new Error(`building the Debian image failed: ${built.stderr}`);
  const tarball = built.stdout.trim().split('\n').at(-1)!;
  const rootfs = join(scratch, 'unpacked');
  await must('/usr/bin/tar', [
    '--numeric-owner',
    '-xpf',
    tarball,
    '-C',
    scratch,
    '--transform',
    's,^rootfs,unpacked,',
    'rootfs',
  ]);
  const imported = await run(
    '/usr/bin/bash',
    [
      '-c',
      `set -o pipefail; tar --numeric-owner -C "$1" -c . | "\${@:3}" import --change 'CMD ["/bin/sleep","infinity"]' - "$2"`,
      'import',
      rootfs,
      image,
      ...podman,
    ],
    { timeoutMs: 300_000 },
  );
  rmSync(rootfs, { recursive: true, force: true });
  if (imported.status !== 0) throw new Error(`podman import failed: ${imported.stderr}`);
}

/** Waits until Podman's service answers on its socket (the socket file appears before it does). */
async function serviceAnswers(socketPath: string): Promise<void> {
  for (let i = 0; ; i++) {
    const ping = existsSync(socketPath)
      ? await socketRequest(socketPath, { path: '/_ping' }).catch(() => undefined)
      : undefined;
    if (ping?.status === 200) return;
    if (i > 150) throw new Error(`podman system service does not answer on ${socketPath}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Podman's API service on `socketPath` (`podman` is the command line that runs Podman: a user's, through runuser), once it answers. */
async function startService(podman: readonly string[], socketPath: string): Promise<ChildProcess> {
  const [file, ...args] = [...podman, 'system', 'service', '--time=0', `unix://${socketPath}`];
  // Its own process group: stopService ends it and whatever it started, and nothing else.
  const service = spawn(file!, args, { stdio: 'ignore', detached: true });
  await serviceAnswers(socketPath);
  return service;
}

function stopService(service: ChildProcess | undefined): void {
  if (!service?.pid) return;
  try {
    process.kill(-service.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export interface PodmanContainer {
  readonly name: string;
  readonly pid: number;
  readonly ipv4: string;
  readonly ipv6: string;
}

export class PodmanFixture {
  readonly runName = `gaicp${process.pid.toString(36)}`;
  readonly containers = new Map<string, PodmanContainer>();
  readonly scratch = mkdtempSync(join(tmpdir(), 'gai-conf-podman-'));
  readonly socketPath = join(this.scratch, 'podman.sock');
  /** Destinations on this run's bridge: a global (documentation-range) IPv6 and the IPv4 gateway. */
  globalDestination = '';
  ipv4Destination = '';
  private service: ChildProcess | undefined;
  private bridge = '';
  private readonly created: (() => Promise<unknown>)[] = [];

  get image(): string {
    return `localhost/${this.runName}`;
  }

  nameOf(short: string): string {
    return `${this.runName}-${short}`;
  }

  podman(args: readonly string[], input?: string): Promise<string> {
    return must(PODMAN, args, input === undefined ? {} : { input });
  }

  /** Runs a program inside a container (the container's own, in all its namespaces). */
  exec(short: string, args: readonly string[], input?: string): Promise<CommandResult> {
    return run(PODMAN, ['exec', ...(input === undefined ? [] : ['-i']), this.nameOf(short), ...args], {
      ...(input === undefined ? {} : { input }),
    });
  }

  /** Writes a file inside a container as its root, through the container's own shell. */
  async writeFile(short: string, path: string, text: string): Promise<void> {
    const result = await this.exec(short, ['sh', '-c', `cat > ${path}`], text);
    if (result.status !== 0) throw new Error(`writing ${path} in ${short}: ${result.stderr}`);
  }

  async start(shorts: readonly string[]): Promise<void> {
    await this.importImage();
    await this.createNetwork();
    for (const short of shorts) {
      await this.podman([
        '--runtime',
        'runc',
        'run',
        '-d',
        '--name',
        this.nameOf(short),
        ...RUN_OPTIONS,
        '--network',
        this.runName,
        this.image,
      ]);
      this.created.push(() => run(PODMAN, ['rm', '-f', '-t', '0', this.nameOf(short)]));
      const inspected = JSON.parse(await this.podman(['inspect', this.nameOf(short)])) as {
        State: { Pid: number };
        NetworkSettings: { Networks: Record<string, { IPAddress: string; GlobalIPv6Address: string }> };
      }[];
      const network = inspected[0]!.NetworkSettings.Networks[this.runName]!;
      this.containers.set(short, {
        name: this.nameOf(short),
        pid: inspected[0]!.State.Pid,
        ipv4: network.IPAddress,
        ipv6: network.GlobalIPv6Address,
      });
    }
    await must('/usr/sbin/ip', ['-6', 'addr', 'add', `${this.globalDestination}/128`, 'dev', this.bridge, 'nodad']);
    await this.startService();
  }

  private async importImage(): Promise<void> {
    await importDebianImage(this.scratch, this.runName, [PODMAN]);
    this.created.push(() => run(PODMAN, ['rmi', '-f', this.image]));
  }

  /** An IPv4 /24 in 10.0.0.0/8 that no route of the host covers yet, and a ULA /64 of this run. */
  private async createNetwork(): Promise<void> {
    const subnet = await freeSubnet(3);
    const hextet = HEXTET;
    await this.podman([
      'network',
      'create',
      '--ipv6',
      '--subnet',
      `${subnet}0/24`,
      '--subnet',
      `fd7a:${hextet}:19::/64`,
      this.runName,
    ]);
    this.created.push(() => run(PODMAN, ['network', 'rm', '-f', this.runName]));
    const [network] = JSON.parse(await this.podman(['network', 'inspect', this.runName])) as {
      network_interface: string;
    }[];
    this.ipv4Destination = `${subnet}1`;
    this.globalDestination = `2001:db8:${hextet}:19::1`;
    // The bridge appears with the first container: the address goes on it then (see start).
    this.bridge = network!.network_interface;
  }

  private async startService(): Promise<void> {
    this.service = await startService([PODMAN], this.socketPath);
  }

  async teardown(): Promise<void> {
    stopService(this.service);
    for (const remove of this.created.reverse()) await remove();
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

/**
 * One rootless Podman container of an ordinary user made for this run (removed afterwards with
 * everything it owns), with that user's own Podman service. slirp4netns cannot open /dev/net/tun
 * for an ordinary user on these machines, so the container starts with `--network none` and root
 * gives its namespace a veth with a ULA and an IPv4 address and a default route per family; the
 * host's end holds the destinations glibc sorts.
 */
export class RootlessPodmanFixture {
  readonly user = `gaicr${process.pid.toString(36)}`;
  readonly name = `${this.user}-c1`;
  readonly image = `localhost/${this.user}`;
  readonly scratch = mkdtempSync(join(tmpdir(), 'gai-conf-rootless-'));
  readonly runtimeDir = join(this.scratch, 'run');
  readonly socketPath = join(this.runtimeDir, 'podman', 'podman.sock');
  pid = 0;
  ipv4 = '';
  readonly ula = `fd7a:${HEXTET}:1b::2`;
  ipv4Destination = '';
  readonly globalDestination = `2001:db8:${HEXTET}:1b::1`;
  private service: ChildProcess | undefined;
  private userAdded = false;

  /** This user's environment: their runtime folder and home, as a login would give them. */
  get env(): string[] {
    return [`XDG_RUNTIME_DIR=${this.runtimeDir}`, `HOME=/home/${this.user}`, 'PATH=/usr/sbin:/usr/bin:/sbin:/bin'];
  }

  /** A command line run as the user, in their environment. */
  asUser(command: readonly string[]): string[] {
    return ['/usr/sbin/runuser', '-u', this.user, '--', '/usr/bin/env', ...this.env, ...command];
  }

  podman(args: readonly string[], input?: string): Promise<CommandResult> {
    const [file, ...rest] = this.asUser([PODMAN, ...args]);
    return run(file!, rest, input === undefined ? {} : { input });
  }

  /** Starts the container; `etc` gives its /etc files once the addresses are known. */
  async start(etc: () => Readonly<Record<string, string>>): Promise<void> {
    // useradd gives the user subordinate ids (Debian's login.defs), which rootless Podman maps.
    await must('/usr/sbin/useradd', ['-m', '-s', '/bin/sh', this.user]);
    this.userAdded = true;
    chmodSync(this.scratch, 0o711);
    mkdirSync(join(this.runtimeDir, 'podman'), { recursive: true });
    await must('/usr/bin/chown', ['-R', `${this.user}:`, this.runtimeDir]);
    chmodSync(this.runtimeDir, 0o700);
    await importDebianImage(this.scratch, this.image, this.asUser([PODMAN]));
    const started = await this.podman([
      '--runtime',
      'runc',
      'run',
      '-d',
      '--name',
      this.name,
      ...RUN_OPTIONS,
      '--network',
      'none',
      this.image,
    ]);
    if (started.status !== 0) throw new Error(`rootless podman run failed: ${started.stderr}`);
    this.pid = Number((await this.podman(['inspect', this.name, '--format', '{{.State.Pid}}'])).stdout.trim());
    const subnet = await freeSubnet(5);
    this.ipv4 = `${subnet}2`;
    this.ipv4Destination = `${subnet}1`;
    const hostEnd = `gcr${process.pid.toString(36)}`;
    const ip = (...args: string[]) => must('/usr/sbin/ip', args);
    const inside = (...args: string[]) =>
      must('/usr/bin/nsenter', ['-t', String(this.pid), '-n', '/usr/sbin/ip', ...args]);
    await ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(this.pid));
    await ip('addr', 'add', `${this.ipv4Destination}/24`, 'dev', hostEnd);
    await ip('-6', 'addr', 'add', `${this.globalDestination}/64`, 'dev', hostEnd, 'nodad');
    await ip('link', 'set', hostEnd, 'up');
    await inside('link', 'set', 'eth0', 'up');
    await inside('addr', 'add', `${this.ipv4}/24`, 'dev', 'eth0');
    await inside('-6', 'addr', 'add', `${this.ula}/64`, 'dev', 'eth0', 'nodad');
    await inside('route', 'add', 'default', 'via', this.ipv4Destination);
    await inside('-6', 'route', 'add', 'default', 'dev', 'eth0');
    for (const [file, text] of Object.entries(etc())) {
      const written = await this.podman(['exec', '-i', this.name, 'sh', '-c', `cat > /etc/${file}`], text);
      if (written.status !== 0) throw new Error(`writing /etc/${file}: ${written.stderr}`);
    }
    this.service = await startService(this.asUser([PODMAN]), this.socketPath);
  }

  async teardown(): Promise<void> {
    stopService(this.service);
    if (this.userAdded) {
      await this.podman(['rm', '-f', '-t', '0', this.name]);
      await this.podman(['rmi', '-f', this.image]);
      // Rootless Podman leaves its pause process behind; every process of this run's own user goes.
      await run('/usr/bin/pkill', ['-KILL', '-u', this.user]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await run('/usr/sbin/userdel', ['-r', this.user]);
    }
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
