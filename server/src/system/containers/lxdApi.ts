/**
 * LXD and Incus through their REST API on the daemon's unix socket: what an ordinary user in the
 * `lxd` (or `incus`) group may do without root and without starting a process. The instances with
 * their project, state, host PID and addresses; a file inside an instance read and written through
 * `/1.0/instances/NAME/files`, where the daemon resolves the path inside the instance's own root
 * (a symlink in the container cannot lead to a host file) and sets owner, group and mode as asked
 * (in the container's ids: LXD maps container root to the host's shifted uid itself).
 */

import { header, socketRequest, SocketResponse } from './unixSocketHttp';

export type LxdFlavour = 'lxd' | 'incus';

export interface LxdEndpoint {
  readonly flavour: LxdFlavour;
  readonly socketPath: string;
}

export const LXD_ENDPOINTS: readonly LxdEndpoint[] = [
  { flavour: 'lxd', socketPath: '/var/lib/lxd/unix.socket' },
  { flavour: 'lxd', socketPath: '/var/snap/lxd/common/lxd/unix.socket' },
  { flavour: 'incus', socketPath: '/var/lib/incus/unix.socket' },
];

export interface ApiAddress {
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefixLength: number;
  readonly interface: string;
  readonly scope: string;
}

export interface ApiInstance {
  readonly name: string;
  readonly project: string;
  /** 'container' or 'virtual-machine'. */
  readonly type: string;
  readonly status: string;
  /** Host PID of the instance's init; 0 when it is not running (or for a VM). */
  readonly pid: number;
  readonly image: string;
  readonly addresses: readonly ApiAddress[];
}

/** A file inside an instance, with the owner and mode the daemon reports (container ids). */
export interface InstanceFile {
  readonly content: Buffer;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
  readonly type: 'file' | 'directory' | 'symlink';
}

export class LxdApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface RawAddress {
  family?: string;
  address?: string;
  netmask?: string;
  scope?: string;
}

interface RawInstance {
  name?: string;
  project?: string;
  type?: string;
  status?: string;
  config?: Record<string, string>;
  state?: { pid?: number; network?: Record<string, { addresses?: RawAddress[] }> | null } | null;
}

function errorOf(response: SocketResponse, what: string): LxdApiError {
  let message = response.body.toString('utf8').trim();
  try {
    message = (JSON.parse(message) as { error?: string }).error ?? message;
  } catch {
    // not JSON: keep the text
  }
  return new LxdApiError(`${what}: ${message || `HTTP ${response.status}`}`, response.status);
}

function metadata<T>(response: SocketResponse, what: string): T {
  if (response.status !== 200) throw errorOf(response, what);
  return (JSON.parse(response.body.toString('utf8')) as { metadata: T }).metadata;
}

function addressesOf(raw: RawInstance): ApiAddress[] {
  const found: ApiAddress[] = [];
  for (const [name, device] of Object.entries(raw.state?.network ?? {})) {
    if (name === 'lo') continue;
    for (const a of device.addresses ?? []) {
      if ((a.family !== 'inet' && a.family !== 'inet6') || !a.address) continue;
      found.push({
        family: a.family === 'inet' ? 4 : 6,
        address: a.address,
        prefixLength: Number(a.netmask),
        interface: name,
        scope: a.scope ?? '',
      });
    }
  }
  return found;
}

/** The image an instance came from, as the daemon recorded it. */
function imageOf(config: Record<string, string> | undefined): string {
  if (!config) return '';
  const described = config['image.description'];
  if (described) return described;
  return [config['image.os'], config['image.release']].filter(Boolean).join(' ');
}

export class LxdApi {
  constructor(readonly endpoint: LxdEndpoint) {}

  private get prefix(): string {
    return this.endpoint.flavour === 'incus' ? 'X-Incus' : 'X-LXD';
  }

  /** Every instance of every project, with its state. */
  async instances(signal?: AbortSignal): Promise<ApiInstance[]> {
    const response = await socketRequest(this.endpoint.socketPath, {
      path: '/1.0/instances?recursion=2&all-projects=true',
      ...(signal ? { signal } : {}),
    });
    const raw = metadata<RawInstance[] | null>(response, `${this.endpoint.flavour} instances`) ?? [];
    return raw.map((instance) => ({
      name: instance.name ?? '',
      project: instance.project ?? 'default',
      type: instance.type ?? 'container',
      status: instance.status ?? '',
      pid: instance.state?.pid ?? 0,
      image: imageOf(instance.config),
      addresses: addressesOf(instance),
    }));
  }

  private filesPath(instance: Pick<ApiInstance, 'name' | 'project'>, path: string): string {
    return `/1.0/instances/${encodeURIComponent(instance.name)}/files?path=${encodeURIComponent(path)}&project=${encodeURIComponent(instance.project)}`;
  }

  /**
   * A file of the instance, or undefined when it does not exist. A symlink comes back as a
   * symlink (HEAD asks the type first: GET would follow it inside the container).
   */
  async readFile(
    instance: Pick<ApiInstance, 'name' | 'project'>,
    path: string,
    signal?: AbortSignal,
  ): Promise<InstanceFile | undefined> {
    const what = `${instance.name}:${path}`;
    const head = await socketRequest(this.endpoint.socketPath, {
      method: 'HEAD',
      path: this.filesPath(instance, path),
      ...(signal ? { signal } : {}),
    });
    if (head.status === 404) return undefined;
    const headType = header(head, `${this.prefix}-type`);
    if (head.status === 200 && headType && headType !== 'file')
      return { content: Buffer.alloc(0), ...this.ownerOf(head), type: headType as InstanceFile['type'] };
    const response = await socketRequest(this.endpoint.socketPath, {
      path: this.filesPath(instance, path),
      ...(signal ? { signal } : {}),
    });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw errorOf(response, `reading ${what}`);
    const type = header(response, `${this.prefix}-type`) as InstanceFile['type'];
    return { content: response.body, ...this.ownerOf(response), type: type || 'file' };
  }

  /**
   * A regular file, symlinks followed inside the instance's own root (the daemon resolves every
   * path there, never on the host); undefined when absent, not a file, or a link loop.
   */
  async readFollowing(
    instance: Pick<ApiInstance, 'name' | 'project'>,
    path: string,
    signal?: AbortSignal,
  ): Promise<InstanceFile | undefined> {
    let current = path;
    // The kernel's own limit on symlinks followed in one lookup.
    for (let hops = 0; hops <= 40; hops++) {
      const response = await socketRequest(this.endpoint.socketPath, {
        path: this.filesPath(instance, current),
        ...(signal ? { signal } : {}),
      });
      if (response.status === 404) return undefined;
      if (response.status !== 200) throw errorOf(response, `reading ${instance.name}:${current}`);
      const type = header(response, `${this.prefix}-type`);
      if (type === 'file') return { content: response.body, ...this.ownerOf(response), type: 'file' };
      if (type !== 'symlink') return undefined;
      // LXD answers a symlink with its target as the body.
      const target = response.body.toString('utf8').trim();
      if (!target) return undefined;
      current = target.startsWith('/') ? target : `${current.replace(/[^/]*$/, '')}${target}`;
    }
    return undefined;
  }

  private ownerOf(response: SocketResponse): { uid: number; gid: number; mode: number } {
    return {
      uid: Number(header(response, `${this.prefix}-uid`)),
      gid: Number(header(response, `${this.prefix}-gid`)),
      mode: parseInt(header(response, `${this.prefix}-mode`), 8),
    };
  }

  /** Writes (overwrites) a regular file with the given owner and mode (container ids). */
  async writeFile(
    instance: Pick<ApiInstance, 'name' | 'project'>,
    path: string,
    content: Buffer | string,
    owner: { uid: number; gid: number; mode: number },
  ): Promise<void> {
    const response = await socketRequest(this.endpoint.socketPath, {
      method: 'POST',
      path: this.filesPath(instance, path),
      headers: {
        'Content-Type': 'application/octet-stream',
        [`${this.prefix}-type`]: 'file',
        [`${this.prefix}-write`]: 'overwrite',
        [`${this.prefix}-uid`]: String(owner.uid),
        [`${this.prefix}-gid`]: String(owner.gid),
        [`${this.prefix}-mode`]: `0${(owner.mode & 0o7777).toString(8)}`,
      },
      body: content,
    });
    if (response.status !== 200) throw errorOf(response, `writing ${instance.name}:${path}`);
  }
}
