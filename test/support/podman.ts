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
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
    const built = await run('/usr/bin/bash', [join(repoRoot(), 'scripts', 'build-container-image.sh')], {
      timeoutMs: 600_000,
    });
    if (built.status !== 0) throw new Error(`building the Debian image failed: ${built.stderr}`);
    const tarball = built.stdout.trim().split('\n').at(-1)!;
    const rootfs = join(this.scratch, 'unpacked');
    await must('/usr/bin/tar', [
      '--numeric-owner',
      '-xpf',
      tarball,
      '-C',
      this.scratch,
      '--transform',
      's,^rootfs,unpacked,',
      'rootfs',
    ]);
    const imported = await run(
      '/usr/bin/bash',
      [
        '-c',
        `set -o pipefail; tar --numeric-owner -C "$1" -c . | ${PODMAN} import --change 'CMD ["/bin/sleep","infinity"]' - "$2"`,
        'import',
        rootfs,
        this.runName,
      ],
      { timeoutMs: 300_000 },
    );
    rmSync(rootfs, { recursive: true, force: true });
    if (imported.status !== 0) throw new Error(`podman import failed: ${imported.stderr}`);
    this.created.push(() => run(PODMAN, ['rmi', '-f', this.image]));
  }

  /** An IPv4 /24 in 10.0.0.0/8 that no route of the host covers yet, and a ULA /64 of this run. */
  private async createNetwork(): Promise<void> {
    const routes = await must('/usr/sbin/ip', ['-4', 'route', 'show', 'table', 'all']);
    let subnet = '';
    for (let attempt = 0; attempt < 200 && !subnet; attempt++) {
      const prefix = `10.${100 + ((process.pid * 3 + attempt * 11) % 150)}.${((process.pid * 17 + attempt) % 250) + 1}.`;
      if (!routes.includes(prefix)) subnet = prefix;
    }
    if (!subnet) throw new Error('no free IPv4 /24 in 10.100.0.0/16 to 10.249.0.0/16');
    const hextet = (process.pid & 0xffff).toString(16);
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
    this.service = spawn(PODMAN, ['system', 'service', '--time=0', `unix://${this.socketPath}`], {
      stdio: 'ignore',
      detached: true,
    });
    for (let i = 0; !existsSync(this.socketPath); i++) {
      if (i > 100) throw new Error(`podman system service did not create ${this.socketPath}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async teardown(): Promise<void> {
    if (this.service?.pid) {
      try {
        process.kill(-this.service.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    for (const remove of this.created.reverse()) await remove();
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
