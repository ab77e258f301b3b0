/**
 * The Docker Engine API on a unix socket, as dockerd serves it and as Podman's service
 * (`podman system service`, or its socket unit) serves the same calls: what a user allowed on
 * that socket (the `docker` group, or a group the admin gave Podman's socket) may do without root
 * and without starting a process. The containers with their host PID and image; a file inside a
 * container read through `/containers/ID/archive`, where the daemon resolves the path inside the
 * container's own root (a symlink in it cannot lead to a host file).
 */

import { header, socketRequest, SocketResponse } from './unixSocketHttp';

/** The runtimes whose daemons serve this API: Podman's service, and Docker's dockerd. */
export type EngineRuntime = 'podman' | 'docker';

export interface EngineEndpoint {
  readonly runtime: EngineRuntime;
  readonly socketPath: string;
}

/** A `unix://` URL as CONTAINER_HOST gives it; undefined for any other kind of host. */
function unixSocketOf(url: string | undefined): string | undefined {
  return url?.startsWith('unix://') ? url.slice('unix://'.length) : undefined;
}

/**
 * Where the daemons listen: for each, the address the user set for its own client
 * (CONTAINER_HOST for Podman, DOCKER_HOST for Docker) first, then the system's socket, then a
 * rootless user's own socket.
 */
export function engineEndpoints(env: NodeJS.ProcessEnv = process.env): EngineEndpoint[] {
  const podman = [
    unixSocketOf(env.CONTAINER_HOST),
    '/run/podman/podman.sock',
    env.XDG_RUNTIME_DIR ? `${env.XDG_RUNTIME_DIR}/podman/podman.sock` : undefined,
  ];
  const endpoints = (runtime: EngineRuntime, paths: (string | undefined)[]) =>
    [...new Set(paths.filter((p): p is string => p !== undefined))].map((socketPath) => ({ runtime, socketPath }));
  const docker = [
    unixSocketOf(env.DOCKER_HOST),
    '/var/run/docker.sock',
    env.XDG_RUNTIME_DIR ? `${env.XDG_RUNTIME_DIR}/docker.sock` : undefined,
  ];
  return [...endpoints('podman', podman), ...endpoints('docker', docker)];
}

export interface EngineContainer {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  /** 'running', 'exited', 'paused', 'created'... */
  readonly state: string;
}

/** A regular file inside a container, with its owner and mode in the container's own ids. */
export interface EngineFile {
  readonly content: Buffer;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

class EngineApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function errorOf(response: SocketResponse, what: string): EngineApiError {
  let message = response.body.toString('utf8').trim();
  try {
    message = (JSON.parse(message) as { message?: string }).message ?? message;
  } catch {
    // not JSON: keep the text
  }
  return new EngineApiError(`${what}: ${message || `HTTP ${response.status}`}`, response.status);
}

interface TarEntry {
  readonly type: 'file' | 'symlink' | 'other';
  readonly linkTarget: string;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
  readonly content: Buffer;
}

function octal(block: Buffer, start: number, length: number): number {
  return parseInt(
    block
      .subarray(start, start + length)
      .toString('latin1')
      .replace(/\0.*$/s, '')
      .trim() || '0',
    8,
  );
}

/** The first entry of a tar archive (the archive endpoint answers one path with one entry). */
function firstTarEntry(archive: Buffer): TarEntry | undefined {
  if (archive.length < 512) return undefined;
  const block = archive.subarray(0, 512);
  const size = octal(block, 124, 12);
  const flag = String.fromCharCode(block[156]);
  const text = (start: number, length: number) =>
    block
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  return {
    type: flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '2' ? 'symlink' : 'other',
    linkTarget: text(157, 100),
    uid: octal(block, 108, 8),
    gid: octal(block, 116, 8),
    mode: octal(block, 100, 8) & 0o7777,
    content: archive.subarray(512, 512 + size),
  };
}

export class EngineApi {
  constructor(readonly endpoint: EngineEndpoint) {}

  private get(path: string, signal?: AbortSignal): Promise<SocketResponse> {
    return socketRequest(this.endpoint.socketPath, { path, ...(signal ? { signal } : {}) });
  }

  /** Every container the daemon knows, running or not. */
  async containers(signal?: AbortSignal): Promise<EngineContainer[]> {
    const response = await this.get('/containers/json?all=true', signal);
    if (response.status !== 200) throw errorOf(response, `${this.endpoint.runtime} containers`);
    const raw = JSON.parse(response.body.toString('utf8')) as
      { Id?: string; Names?: string[]; Image?: string; State?: string }[] | null;
    return (raw ?? []).map((c) => ({
      id: c.Id ?? '',
      name: (c.Names?.[0] ?? c.Id?.slice(0, 12) ?? '').replace(/^\//, ''),
      image: c.Image ?? '',
      state: c.State ?? '',
    }));
  }

  /** The host PID of the container's first process; 0 when it is not running. */
  async pid(id: string, signal?: AbortSignal): Promise<number> {
    const response = await this.get(`/containers/${encodeURIComponent(id)}/json`, signal);
    if (response.status !== 200) throw errorOf(response, `inspecting ${id.slice(0, 12)}`);
    return (JSON.parse(response.body.toString('utf8')) as { State?: { Pid?: number } }).State?.Pid ?? 0;
  }

  /**
   * A regular file of the container, symlinks followed inside its own root (Podman follows them
   * itself; Docker answers a symlink with the link, followed here by asking again); undefined when
   * absent, not a regular file, or a link loop.
   */
  async readFollowing(id: string, path: string, signal?: AbortSignal): Promise<EngineFile | undefined> {
    let current = path;
    // The kernel's own limit on symlinks followed in one lookup.
    for (let hops = 0; hops <= 40; hops++) {
      const response = await this.get(
        `/containers/${encodeURIComponent(id)}/archive?path=${encodeURIComponent(current)}`,
        signal,
      );
      if (response.status === 404) return undefined;
      if (response.status !== 200) throw errorOf(response, `reading ${id.slice(0, 12)}:${current}`);
      if (!header(response, 'content-type').includes('tar') && response.body.length === 0) return undefined;
      const entry = firstTarEntry(response.body);
      if (!entry || entry.type === 'other') return undefined;
      if (entry.type === 'file') return { content: entry.content, uid: entry.uid, gid: entry.gid, mode: entry.mode };
      current = entry.linkTarget.startsWith('/')
        ? entry.linkTarget
        : `${current.replace(/[^/]*$/, '')}${entry.linkTarget}`;
    }
    return undefined;
  }
}
