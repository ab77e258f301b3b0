/**
 * Podman's and Docker's containers through their API sockets (engineApi.ts): the path for an
 * ordinary user allowed on the socket (the `docker` group, a group the admin gave Podman's
 * socket, or a rootless user's own socket), who cannot read a container's root under /proc/PID/root.
 * Per running container: name, image and host PID from the API; addresses and default routes
 * from /proc/PID/net, which any user may read; the C library and /etc/gai.conf through the API's
 * archive endpoint. Nothing is started, inside the container or on the host.
 */

import { readNamespaceNetwork } from '../host';
import { libcThroughApi } from './containerLibc';
import { EngineApi, EngineContainer, EngineEndpoint, engineEndpoints, EngineRuntime } from './engineApi';
import type {
  ContainerGaiConf,
  DiscoveredContainer,
  DiscoveryContext,
  DiscoverySource,
  SourceResult,
  UnreadableContainer,
} from './model';
import { GAI_CONF_IN_CONTAINER, hostId } from './procSource';
import { socketAccess } from './unixSocketHttp';

const REMEDY: Readonly<Record<EngineRuntime, string>> = {
  podman: "ask for access to Podman's socket (a group the admin gives it), or scan as root",
  docker: 'join the docker group, or scan as root',
};

async function gaiConfOf(api: EngineApi, id: string, name: string, pid: number, signal: AbortSignal) {
  const path = GAI_CONF_IN_CONTAINER;
  const hostPath = `${api.endpoint.runtime}:${name}${path}`;
  const file = await api.readFollowing(id, path, signal);
  if (!file) return { state: 'absent', path, hostPath } satisfies ContainerGaiConf;
  return {
    state: 'present',
    path,
    hostPath,
    // As glibc reads it: every byte, a byte order mark included.
    content: new TextDecoder('utf-8', { ignoreBOM: true }).decode(file.content),
    owner: { uid: hostId(pid, 'uid_map', file.uid), gid: hostId(pid, 'gid_map', file.gid), mode: file.mode },
  } satisfies ContainerGaiConf;
}

async function containerOf(
  api: EngineApi,
  container: EngineContainer,
  pid: number,
  signal: AbortSignal,
): Promise<DiscoveredContainer> {
  const read = async (path: string) => (await api.readFollowing(container.id, path, signal))?.content;
  const [libc, gaiConf] = await Promise.all([
    libcThroughApi(read),
    gaiConfOf(api, container.id, container.name, pid, signal),
  ]);
  const runtime = api.endpoint.runtime;
  return {
    id: `${runtime}:${container.id}`,
    name: container.name,
    runtime,
    ...(container.image ? { image: container.image } : {}),
    pid,
    libc,
    gaiConf,
    // The kernel's own tables of the container's namespace: what its programs really have.
    ...readNamespaceNetwork(`/proc/${pid}/net`),
    source: runtime,
  };
}

async function scanEndpoint(
  endpoint: EngineEndpoint,
  context: DiscoveryContext,
  result: { containers: DiscoveredContainer[]; unreadable: UnreadableContainer[] },
): Promise<void> {
  const { runtime, socketPath } = endpoint;
  const access = socketAccess(socketPath);
  if (access === 'absent') return;
  const everything = `every ${runtime} container (${socketPath})`;
  if (access === 'permission') {
    result.unreadable.push({
      runtime,
      what: everything,
      reason: `this user may not use ${socketPath}`,
      remedy: REMEDY[runtime],
    });
    return;
  }
  const api = new EngineApi(endpoint);
  let containers: EngineContainer[];
  try {
    containers = await api.containers(context.signal);
  } catch (error) {
    context.signal.throwIfAborted();
    result.unreadable.push({
      runtime,
      what: everything,
      reason: (error as Error).message,
      remedy: `start the ${runtime} service, or scan as root`,
    });
    return;
  }
  const running = containers.filter((c) => c.state === 'running');
  for (const container of containers.filter((c) => c.state !== 'running'))
    result.unreadable.push({
      name: container.name,
      runtime,
      what: `${runtime}:${container.name}`,
      reason: `not running (${container.state}): glibc reads the file only in running programs`,
      remedy: `start it (${runtime} start ${container.name})`,
    });
  for (const [index, container] of running.entries()) {
    context.signal.throwIfAborted();
    let pid: number | undefined;
    try {
      pid = await api.pid(container.id, context.signal);
      result.containers.push(await containerOf(api, container, pid, context.signal));
    } catch (error) {
      context.signal.throwIfAborted();
      result.unreadable.push({
        name: container.name,
        runtime,
        ...(pid ? { pid } : {}),
        what: `${runtime}:${container.name}`,
        reason: (error as Error).message,
        remedy: 'scan again, or as root',
      });
    }
    context.progress({ source: runtime, done: index + 1, total: running.length });
  }
}

function engineSource(runtime: EngineRuntime, endpoints: readonly EngineEndpoint[]): DiscoverySource {
  return {
    name: runtime,
    discover: async (context): Promise<SourceResult> => {
      const result = { containers: [] as DiscoveredContainer[], unreadable: [] as UnreadableContainer[] };
      // One daemon can answer on two paths (CONTAINER_HOST naming the system socket): scan each once.
      for (const endpoint of endpoints.filter((e) => e.runtime === runtime)) {
        const before = result.containers.length;
        await scanEndpoint(endpoint, context, result);
        const added = result.containers.splice(before);
        result.containers.push(...added.filter((c) => !result.containers.some((known) => known.id === c.id)));
      }
      return result;
    },
  };
}

/** Docker through dockerd's API socket (the system's, and a rootless user's own). */
export function dockerSource(endpoints: readonly EngineEndpoint[] = engineEndpoints()): DiscoverySource {
  return engineSource('docker', endpoints);
}

/** Podman through its API socket (rootful, and a rootless user's own). */
export function podmanSource(endpoints: readonly EngineEndpoint[] = engineEndpoints()): DiscoverySource {
  return engineSource('podman', endpoints);
}
