/**
 * Containers as LXD or Incus know them, through the daemon's API alone: the path for an ordinary
 * user in the `lxd` or `incus` group, who cannot read a container's root under /proc/PID/root.
 * Per running container: name, project, image and host PID from the API; addresses and default
 * routes from /proc/PID/net, which any user may read; the C library and /etc/gai.conf through the
 * API's file endpoint. Nothing is started, inside the container or on the host.
 */

import { readNamespaceNetwork } from '../host';
import { libcThroughApi } from './containerLibc';
import { ApiInstance, LXD_ENDPOINTS, LxdApi, LxdApiError, LxdEndpoint } from './lxdApi';
import type {
  ContainerGaiConf,
  ContainerLibc,
  DiscoveredContainer,
  DiscoveryContext,
  DiscoverySource,
  FileOwner,
  SourceResult,
  UnreadableContainer,
} from './model';
import { GAI_CONF_IN_CONTAINER, hostId } from './procSource';
import { socketAccess } from './unixSocketHttp';

/** The container's C library from its files, read through the API (the daemon follows symlinks inside the container). */
function libcOf(api: LxdApi, instance: ApiInstance, signal: AbortSignal): Promise<ContainerLibc> {
  return libcThroughApi(async (path) => (await api.readFollowing(instance, path, signal))?.content);
}

async function gaiConfOf(
  api: LxdApi,
  instance: Pick<ApiInstance, 'name' | 'project' | 'pid'>,
  signal: AbortSignal,
): Promise<ContainerGaiConf> {
  const path = GAI_CONF_IN_CONTAINER;
  const hostPath = `${api.endpoint.flavour}:${instance.project === 'default' ? '' : `${instance.project}/`}${instance.name}${path}`;
  const entry = await api.readFile(instance, path, signal);
  if (!entry) return { state: 'absent', path, hostPath };
  // A symlink is followed as the container's glibc follows it: by the daemon, inside the container's root.
  const file = entry.type === 'symlink' ? await api.readFollowing(instance, path, signal) : entry;
  if (!file)
    return entry.type === 'symlink'
      ? { state: 'absent', path, hostPath }
      : { state: 'refused', path, hostPath, reason: `${path} in the container is a ${entry.type}, not a file` };
  if (file.type !== 'file')
    return { state: 'refused', path, hostPath, reason: `${path} in the container is a ${file.type}, not a file` };
  const owner: FileOwner = {
    uid: hostId(instance.pid, 'uid_map', file.uid),
    gid: hostId(instance.pid, 'gid_map', file.gid),
    mode: file.mode,
  };
  // As glibc reads it: every byte, a byte order mark included.
  return {
    state: 'present',
    path,
    hostPath,
    content: new TextDecoder('utf-8', { ignoreBOM: true }).decode(file.content),
    owner,
  };
}

async function containerOf(api: LxdApi, instance: ApiInstance, signal: AbortSignal): Promise<DiscoveredContainer> {
  const [libc, gaiConf] = await Promise.all([libcOf(api, instance, signal), gaiConfOf(api, instance, signal)]);
  const flavour = api.endpoint.flavour;
  return {
    id: `${flavour}:${instance.project}/${instance.name}`,
    name: instance.name,
    runtime: flavour,
    project: instance.project,
    ...(instance.image ? { image: instance.image } : {}),
    pid: instance.pid,
    libc,
    gaiConf,
    // The kernel's own tables of the container's namespace: deprecated flags and routes the API leaves out.
    ...readNamespaceNetwork(`/proc/${instance.pid}/net`),
    source: flavour,
  };
}

function remedyFor(endpoint: LxdEndpoint): string {
  return `join the ${endpoint.flavour} group (sudo adduser $USER ${endpoint.flavour}, then log in again) or scan as root`;
}

async function scan(endpoints: readonly LxdEndpoint[], context: DiscoveryContext): Promise<SourceResult> {
  const containers: DiscoveredContainer[] = [];
  const unreadable: UnreadableContainer[] = [];
  for (const endpoint of endpoints) {
    const access = socketAccess(endpoint.socketPath);
    if (access === 'absent') continue;
    const runtime = endpoint.flavour;
    if (access === 'permission') {
      unreadable.push({
        runtime,
        what: `every ${runtime} container (${endpoint.socketPath})`,
        reason: `this user may not use ${endpoint.socketPath}`,
        remedy: remedyFor(endpoint),
      });
      continue;
    }
    const api = new LxdApi(endpoint);
    let instances: ApiInstance[];
    try {
      instances = await api.instances(context.signal);
    } catch (error) {
      context.signal.throwIfAborted();
      unreadable.push({
        runtime,
        what: `every ${runtime} container (${endpoint.socketPath})`,
        reason: (error as Error).message,
        remedy: `start the ${runtime} daemon, or scan as root`,
      });
      continue;
    }
    const running = instances.filter((i) => i.type === 'container' && i.pid > 0);
    for (const instance of instances.filter((i) => !running.includes(i))) {
      const reason =
        instance.type === 'container'
          ? `not running (${instance.status.toLowerCase()}): glibc reads the file only in running programs`
          : `a ${instance.type}, with its own kernel: not a container of this host`;
      unreadable.push({
        name: instance.name,
        runtime,
        what: `${runtime}:${instance.name}`,
        reason,
        remedy: instance.type === 'container' ? `start it (lxc start ${instance.name})` : 'run gai-conf inside it',
      });
    }
    for (const [index, instance] of running.entries()) {
      context.signal.throwIfAborted();
      try {
        containers.push(await containerOf(api, instance, context.signal));
      } catch (error) {
        context.signal.throwIfAborted();
        const reason = error instanceof LxdApiError ? error.message : (error as Error).message;
        unreadable.push({
          name: instance.name,
          runtime,
          pid: instance.pid,
          what: `${runtime}:${instance.name}`,
          reason,
          remedy: 'scan again, or as root',
        });
      }
      context.progress({ source: runtime, done: index + 1, total: running.length });
    }
  }
  return { containers, unreadable };
}

/** LXD and Incus through their API, for a user in their group (and for root, with the project names). */
export function lxdSource(endpoints: readonly LxdEndpoint[] = LXD_ENDPOINTS): DiscoverySource {
  return { name: 'lxd', discover: (context) => scan(endpoints, context) };
}

function apiFor(container: Pick<DiscoveredContainer, 'runtime'>, endpoints: readonly LxdEndpoint[]): LxdApi {
  const endpoint = endpoints.find((e) => e.flavour === container.runtime && socketAccess(e.socketPath) === 'ok');
  if (!endpoint)
    throw new Error(
      `no ${container.runtime} daemon this user may use: join the ${container.runtime} group, or save as root`,
    );
  return new LxdApi(endpoint);
}

/** The container's /etc/gai.conf read again through the API, as the scan reads it. */
export async function readLxdGaiConf(
  container: Pick<DiscoveredContainer, 'runtime' | 'name' | 'project' | 'pid'>,
  signal?: AbortSignal,
  endpoints: readonly LxdEndpoint[] = LXD_ENDPOINTS,
): Promise<ContainerGaiConf> {
  const instance = { name: container.name, project: container.project ?? 'default', pid: container.pid ?? 0 };
  return gaiConfOf(apiFor(container, endpoints), instance, signal ?? new AbortController().signal);
}

/**
 * Writes a container's file back through the API with the owner and mode it has now (the daemon
 * truncates and writes the existing file: the inode stays). Refuses when the path is no longer a
 * regular file (a symlink put there since it was read).
 */
export async function writeLxdFile(
  container: Pick<DiscoveredContainer, 'runtime' | 'name' | 'project'>,
  path: string,
  text: string,
  endpoints: readonly LxdEndpoint[] = LXD_ENDPOINTS,
): Promise<void> {
  const api = apiFor(container, endpoints);
  const instance = { name: container.name, project: container.project ?? 'default' };
  const current = await api.readFile(instance, path);
  if (current && current.type !== 'file')
    throw new Error(`${container.name}:${path} is now a ${current.type}: not written`);
  const owner = current ? { uid: current.uid, gid: current.gid, mode: current.mode } : { uid: 0, gid: 0, mode: 0o644 };
  await api.writeFile(instance, path, text, owner);
}
