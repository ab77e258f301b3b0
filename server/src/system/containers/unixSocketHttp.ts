/**
 * HTTP over a runtime's unix socket (LXD, Incus, Docker, Podman's Docker-compatible service), with
 * Node's own http client: no process is started, and the socket's permissions decide who may ask.
 */

import { accessSync, constants, statSync } from 'fs';

export interface SocketResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

class SocketUnavailableError extends Error {
  constructor(
    readonly socketPath: string,
    readonly reason: 'absent' | 'permission' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 15_000;

/** Whether a socket file exists, and whether this user may connect to it. */
export function socketAccess(socketPath: string): 'absent' | 'permission' | 'ok' {
  try {
    if (!statSync(socketPath).isSocket()) return 'absent';
  } catch {
    return 'absent';
  }
  try {
    accessSync(socketPath, constants.R_OK | constants.W_OK);
    return 'ok';
  } catch {
    return 'permission';
  }
}

export interface SocketRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'HEAD' | 'DELETE';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  readonly signal?: AbortSignal;
}

export function socketRequest(socketPath: string, options: SocketRequest): Promise<SocketResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    // Loaded here, not with this module: http costs milliseconds of every start of the server and
    // the CLI, and only a container scan that asks a runtime's API needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { request } = require('http') as typeof import('http');
    const req = request(
      {
        socketPath,
        path: options.path,
        method: options.method ?? 'GET',
        // The Host header is required by HTTP/1.1; the daemons ignore its value on a unix socket.
        headers: { Host: 'localhost', ...(body ? { 'Content-Length': String(body.length) } : {}), ...options.headers },
        timeout: TIMEOUT_MS,
        signal: options.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer on ${socketPath} within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EACCES')
        reject(new SocketUnavailableError(socketPath, 'permission', `permission denied on ${socketPath}`));
      else if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')
        reject(new SocketUnavailableError(socketPath, 'refused', `nothing answers on ${socketPath}`));
      else reject(error);
    });
    req.end(body);
  });
}

/** The header's value as one string ('' when absent). */
export function header(response: SocketResponse, name: string): string {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}
