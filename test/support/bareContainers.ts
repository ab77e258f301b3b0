/**
 * Bare-namespace "containers" for the container tests (Linux, root): `unshare --mount --net --pid
 * --fork` with a temporary folder bind-mounted over /etc inside the namespace only, a veth pair
 * (d0, p0, both inside) carrying the scenario's addresses, and default routes as asked. Found by a
 * /proc scan as runtime "namespace", with the unshare process's PID. Stop each with stop(): the
 * namespace's init is killed with SIGKILL (it ignores SIGTERM) and the folder removed.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { findExecutable } from './executables';

const run = promisify(execFile);
export const CHILD_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };
const READY_TIMEOUT_MS = 10_000;

export interface BareAddress {
  family: 4 | 6;
  address: string;
  prefixLength: number;
}

/** The addresses the container scenarios are made of: an IPv4 /24, LXD's kind of ULA, a global (documentation) /64. */
export const IPV4_ADDRESS: BareAddress = { family: 4, address: '10.0.0.2', prefixLength: 24 };
export const ULA_ADDRESS: BareAddress = { family: 6, address: 'fd42::2', prefixLength: 64 };
export const GLOBAL_ADDRESS: BareAddress = { family: 6, address: '2001:db8:2::2', prefixLength: 64 };

export interface BareContainerSpec {
  readonly addresses: readonly BareAddress[];
  readonly ipv4Route: boolean;
  readonly ipv6Route: boolean;
  /** Files of the container's /etc by name (hosts, gai.conf...); ld.so.cache is copied from the host. */
  readonly etc: Readonly<Record<string, string>>;
}

export interface BareContainer {
  /** The host PID of the unshare process, which discovery reports for the container. */
  readonly pid: number;
  /** The host folder that is the container's /etc: a file written there is the container's at once. */
  readonly etc: string;
  stop(): void;
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the namespace did not start: ${output}`)), READY_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the namespace exited (${code}): ${output}`));
    });
  });
}

export async function startBareContainer(spec: BareContainerSpec): Promise<BareContainer> {
  const etc = mkdtempSync(join(tmpdir(), 'gai-container-etc-'));
  if (existsSync('/etc/ld.so.cache')) copyFileSync('/etc/ld.so.cache', join(etc, 'ld.so.cache'));
  for (const [name, text] of Object.entries(spec.etc)) writeFileSync(join(etc, name), text);
  // --kill-child: the namespace's init dies with unshare.
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--net',
      '--pid',
      '--fork',
      '--mount-proc',
      '--kill-child',
      'sh',
      '-c',
      `mount --bind '${etc}' /etc && echo ready && exec sleep 600`,
    ],
    {
      env: CHILD_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const container: BareContainer = {
    pid: child.pid!,
    etc,
    stop: () => {
      child.kill('SIGKILL');
      rmSync(etc, { recursive: true, force: true });
    },
  };
  try {
    await waitForReady(child);
    const ip = (...args: string[]) =>
      run('nsenter', ['-t', String(container.pid), '-n', 'ip', ...args], { env: CHILD_ENV });
    await ip('link', 'set', 'lo', 'up');
    // addrgenmode none: no automatic fe80:: address, so the addresses are exactly the scenario's.
    await ip('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'p0');
    for (const dev of ['d0', 'p0']) await ip('link', 'set', dev, 'addrgenmode', 'none');
    for (const dev of ['d0', 'p0']) await ip('link', 'set', dev, 'up');
    for (const a of spec.addresses) {
      if (a.family === 4) await ip('addr', 'add', `${a.address}/${a.prefixLength}`, 'dev', 'd0');
      else await ip('-6', 'addr', 'add', `${a.address}/${a.prefixLength}`, 'dev', 'd0', 'nodad');
    }
    if (spec.ipv4Route) await ip('route', 'add', 'default', 'dev', 'd0');
    if (spec.ipv6Route) await ip('-6', 'route', 'add', 'default', 'dev', 'd0');
  } catch (error) {
    container.stop();
    throw error;
  }
  return container;
}

/** Starts every spec, a few at a time (two cores are shared); on a failure stops those started and throws. */
export async function startBareContainers(specs: readonly BareContainerSpec[], batch = 4): Promise<BareContainer[]> {
  const started: BareContainer[] = [];
  for (let i = 0; i < specs.length; i += batch) {
    const results = await Promise.allSettled(specs.slice(i, i + batch).map(startBareContainer));
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      for (const container of started) container.stop();
      throw failed.reason;
    }
  }
  return started;
}

/** Runs `body` with containers started from `specs` (in that order), stopping them afterwards whatever happens. */
export async function withBareContainers<T>(
  specs: readonly BareContainerSpec[],
  body: (containers: BareContainer[]) => Promise<T>,
): Promise<T> {
  const started = await startBareContainers(specs);
  try {
    return await body(started);
  } finally {
    for (const container of started) container.stop();
  }
}

/** A dual-stacked container of LXD's kind (a ULA and IPv4, both default routes) with the given /etc files. */
export function ulaContainer(etc: BareContainerSpec['etc'], routes = { ipv4: true, ipv6: true }): BareContainerSpec {
  return { addresses: [ULA_ADDRESS, IPV4_ADDRESS], ipv4Route: routes.ipv4, ipv6Route: routes.ipv6, etc };
}

/** Runs a program inside the container's mount and network namespaces (its /etc, its addresses). */
export async function runInside(pid: number, program: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('nsenter', ['-t', String(pid), '-m', '-n', program, ...args], { env: CHILD_ENV });
  return stdout;
}

/** An /etc/hosts that lists each pair's two addresses under two names, one per order: NAME-v6first, NAME-v4first. */
export function dualStackHosts(pairs: Readonly<Record<string, { ipv6: string; ipv4: string }>>): string {
  const lines = ['127.0.0.1 localhost'];
  for (const [name, { ipv6, ipv4 }] of Object.entries(pairs)) {
    lines.push(
      `${ipv6} ${name}-v6first.test`,
      `${ipv4} ${name}-v6first.test`,
      `${ipv4} ${name}-v4first.test`,
      `${ipv6} ${name}-v4first.test`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** From the first family a resolver listed for each order: both IPv6 first, both IPv4 first, or the resolver's order. */
export function choiceFrom(firstOfV6First: 4 | 6, firstOfV4First: 4 | 6): 'ipv6' | 'ipv4' | 'dns-order' {
  return firstOfV6First === 6 && firstOfV4First === 6
    ? 'ipv6'
    : firstOfV6First === 4 && firstOfV4First === 4
      ? 'ipv4'
      : 'dns-order';
}

const CONNECT_SOURCE = join(__dirname, '..', '..', '..', 'test', 'oracle', 'runtimes', 'connect.c');

/**
 * test/oracle/runtimes/connect.c built by `compiler` (gcc: the machine's glibc; musl-gcc: static
 * musl) into `dir`: one getaddrinfo(name, NULL, {AF_UNSPEC, SOCK_STREAM, flags 0}) that prints
 * "lookup ADDRESS...". Flags 0 as most programs call it: `getent ahosts` asks with AI_ADDRCONFIG,
 * which drops ::1 on a host whose only IPv6 address is loopback. undefined when the compiler is missing.
 */
export function buildLookupProgram(compiler: 'gcc' | 'musl-gcc', dir: string): string | undefined {
  const exe = findExecutable(compiler);
  if (!exe) return undefined;
  const output = join(dir, `lookup-${compiler}`);
  execFileSync(exe, ['-O1', ...(compiler === 'musl-gcc' ? ['-static'] : []), '-o', output, CONNECT_SOURCE], {
    env: CHILD_ENV,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return output;
}

/** Runs `body` with the lookup program built by `compiler` in a scratch folder, removed afterwards. */
export async function withLookupProgram<T>(
  compiler: 'gcc' | 'musl-gcc',
  body: (program: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'gai-lookup-'));
  try {
    const program = buildLookupProgram(compiler, dir);
    if (!program) throw new Error(`${compiler} is missing: it builds the lookup program`);
    return await body(program);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The addresses a lookup program printed for `name`, run inside the container, in its order. */
export async function lookupInside(pid: number, program: string, name: string): Promise<string[]> {
  const stdout = await runInside(pid, program, [name]);
  const match = /^lookup((?: \S+)+)$/m.exec(stdout);
  if (!match) throw new Error(`${program} ${name}: ${stdout.trim()}`);
  return match[1].trim().split(' ');
}
