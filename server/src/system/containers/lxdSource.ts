/**
 * Containers as LXD or Incus know them, through the daemon's API alone: the path for an ordinary
 * user in the `lxd` or `incus` group, who cannot read a container's root under /proc/PID/root.
 * Per running container: name, project, image and host PID from the API; IPv4 addresses from the
 * API; IPv6 addresses (with the kernel's flags) and default routes from /proc/PID/net, which any
 * user may read; the C library and /etc/gai.conf through the API's file endpoint. Nothing is
 * started, inside the container or on the host.
 */

import { parseIpAddress } from '../../glibc/addresses';
import { HostAddress } from '../../glibc/sourceSelection';
import { parseGlibcVersion } from '../../glibc/versions';
import { defaultRoutesIn, ipv6AddressesIn } from '../host';
import { ApiInstance, LXD_ENDPOINTS, LxdApi, LxdApiError, LxdEndpoint } from './lxdApi';
import { ContainerLibc, DiscoveryOptions, DiscoveryResult, GaiConfState, RuntimeContainer } from './runtimeModel';
import { SocketUnavailableError, socketAccess } from './unixSocketHttp';

export const GAI_CONF_PATH = '/etc/gai.conf';

const ARCH_DIRS: Readonly<Record<string, string>> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i386', arm: 'arm', ppc64: 'powerpc64le', s390x: 's390x' };

function libcCandidates(): { glibc: string[]; musl: string[] } {
  const arch = ARCH_DIRS[process.arch] ?? process.arch;
  return {
    musl: [`/lib/ld-musl-${arch}.so.1`],
    glibc: [`/lib/${arch}-linux-gnu/libc.so.6`, `/usr/lib/${arch}-linux-gnu/libc.so.6`, '/lib64/libc.so.6', '/usr/lib64/libc.so.6', '/lib/libc.so.6'],
  };
}

/** The C library of the container, from its files: musl's loader, or glibc's libc.so.6 and the version it names. */
async function libcOf(api: LxdApi, instance: ApiInstance, signal?: AbortSignal): Promise<ContainerLibc> {
  const candidates = libcCandidates();
  for (const path of candidates.musl) {
    if (await api.readFile(instance, path, signal)) return { kind: 'musl', path };
  }
  for (const path of candidates.glibc) {
    // Older glibc installs libc.so.6 as a symlink to libc-2.NN.so: the daemon follows it inside the container.
    const content = await api.readFollowing(instance, path, signal);
    if (!content) continue;
    const match = /release version (\d+\.\d+)/.exec(content.toString('latin1'));
    const version = match ? parseGlibcVersion(match[1], 'runtime') : undefined;
    return version ? { kind: 'glibc', path, version } : { kind: 'glibc', path };
  }
  return { kind: 'unknown' };
}

async function gaiConfOf(api: LxdApi, instance: ApiInstance, signal?: AbortSignal): Promise<GaiConfState> {
  const file = await api.readFile(instance, GAI_CONF_PATH, signal);
  if (!file) return { state: 'absent', path: GAI_CONF_PATH };
  if (file.type !== 'file') return { state: 'refused', path: GAI_CONF_PATH, reason: `${GAI_CONF_PATH} in the container is a ${file.type}, not a file: not followed` };
  return {
    state: 'present',
    path: GAI_CONF_PATH,
    text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(file.content),
    owner: { uid: file.uid, gid: file.gid, mode: file.mode },
  };
}

function addressesOf(instance: ApiInstance): HostAddress[] {
  const netDir = `/proc/${instance.pid}/net`;
  const ipv4 = instance.addresses.filter((a) => a.family === 4);
  // /proc/PID/net/if_inet6 has the deprecated and home-address flags the API leaves out.
  const ipv6 = ipv6AddressesIn(netDir) ?? instance.addresses.filter((a) => a.family === 6).map((a) => ({ address: parseIpAddress(a.address)!, prefixLength: a.prefixLength, interface: a.interface }));
  return [...ipv4.map((a) => ({ address: parseIpAddress(a.address)!, prefixLength: a.prefixLength, interface: a.interface })), ...ipv6].filter((a) => a.address);
}

async function containerOf(api: LxdApi, instance: ApiInstance, signal?: AbortSignal): Promise<RuntimeContainer> {
  const [libc, gaiConf] = await Promise.all([libcOf(api, instance, signal), gaiConfOf(api, instance, signal)]);
  const routes = defaultRoutesIn(`/proc/${instance.pid}/net`);
  return {
    runtime: api.endpoint.flavour,
    name: instance.name,
    project: instance.project,
    image: instance.image,
    pid: instance.pid,
    host: routes ? { addresses: addressesOf(instance), defaultRoutes: routes } : { addresses: addressesOf(instance) },
    libc,
    gaiConf,
    via: `${api.endpoint.flavour} API (${api.endpoint.socketPath})`,
  };
}

/** Why a daemon's socket cannot be used by this user, in words that say what to do. */
function socketProblem(endpoint: LxdEndpoint, problem: 'permission' | 'refused'): string {
  const group = endpoint.flavour;
  return problem === 'permission'
    ? `${endpoint.socketPath} is not open to this user: join the ${group} group (or scan as root)`
    : `the ${group} daemon does not answer on ${endpoint.socketPath}`;
}

/** Every running LXD or Incus container whose daemon this user may ask. */
export async function discoverLxdContainers(options: DiscoveryOptions = {}, endpoints: readonly LxdEndpoint[] = LXD_ENDPOINTS): Promise<DiscoveryResult> {
  const result: { containers: RuntimeContainer[]; unreadable: DiscoveryResult['unreadable'][number][] } = { containers: [], unreadable: [] };
  for (const endpoint of endpoints) {
    const access = socketAccess(endpoint.socketPath);
    if (access === 'absent') continue;
    if (access === 'permission') {
      result.unreadable.push({ runtime: endpoint.flavour, reason: socketProblem(endpoint, 'permission') });
      continue;
    }
    const api = new LxdApi(endpoint);
    let instances: ApiInstance[];
    try {
      instances = await api.instances(options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const reason = error instanceof SocketUnavailableError ? socketProblem(endpoint, error.reason === 'permission' ? 'permission' : 'refused') : (error as Error).message;
      result.unreadable.push({ runtime: endpoint.flavour, reason });
      continue;
    }
    const running = instances.filter((i) => i.type === 'container' && i.pid > 0);
    for (const instance of instances.filter((i) => !running.includes(i))) {
      result.unreadable.push({ runtime: endpoint.flavour, name: instance.name, reason: instance.type === 'container' ? `not running (${instance.status.toLowerCase()})` : `a ${instance.type}: its files are not on this host's kernel` });
    }
    for (const instance of running) {
      options.signal?.throwIfAborted();
      try {
        result.containers.push(await containerOf(api, instance, options.signal));
      } catch (error) {
        if (options.signal?.aborted) throw error;
        result.unreadable.push({ runtime: endpoint.flavour, name: instance.name, reason: error instanceof LxdApiError ? error.message : String((error as Error).message) });
      }
      options.onProgress?.(result.containers.length, running.length);
    }
  }
  return result;
}

/**
 * Writes a container's file back through the API with the owner and mode it had (the daemon
 * keeps the inode: it truncates and writes the existing file). Refuses when the path is no longer
 * a regular file (a symlink put there since it was read).
 */
export async function writeLxdFile(container: Pick<RuntimeContainer, 'runtime' | 'name' | 'project'>, path: string, text: string, endpoints: readonly LxdEndpoint[] = LXD_ENDPOINTS): Promise<void> {
  const endpoint = endpoints.find((e) => e.flavour === container.runtime && socketAccess(e.socketPath) === 'ok');
  if (!endpoint) throw new Error(`no ${container.runtime} daemon this user may ask (join the ${container.runtime} group)`);
  const api = new LxdApi(endpoint);
  const instance = { name: container.name, project: container.project ?? 'default' };
  const current = await api.readFile(instance, path);
  if (current && current.type !== 'file') throw new Error(`${container.name}:${path} is now a ${current.type}: not written`);
  const owner = current ? { uid: current.uid, gid: current.gid, mode: current.mode } : { uid: 0, gid: 0, mode: 0o644 };
  await api.writeFile(instance, path, text, owner);
}
