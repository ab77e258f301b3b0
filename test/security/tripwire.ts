/**
 * A --require preload for the security test: wraps every function through which a Node process
 * could start programs, reach the network, resolve names, read the machine's interfaces or its
 * process table (/proc/PID) or write files, and reports each call on stderr (not stdout, which carries LSP) as a TRIPWIRE line with
 * its stack. The call then proceeds: the test judges, the preload only watches.
 */

import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';

const report = (name: string) =>
  process.stderr.write(`TRIPWIRE ${name}\n${new Error().stack?.split('\n').slice(3, 8).join('\n')}\n`);

function watch(moduleName: string, target: object, names: readonly string[]): void {
  const record = target as Record<string, unknown>;
  for (const name of names) {
    const original = record[name];
    if (typeof original !== 'function') continue;
    record[name] = function (this: unknown, ...args: unknown[]) {
      report(`${moduleName}.${name}`);
      // Which program: a line of its own, so that the lines above keep their shape.
      if (moduleName === 'child_process')
        process.stderr.write(
          `TRIPWIRE-EXEC ${String(args[0])} ${Array.isArray(args[1]) ? args[1].map(String).join(' ') : ''}\n`,
        );
      // Where to: a local unix socket (a container runtime's API) is not the network.
      const options = args[0] as { socketPath?: unknown } | undefined;
      if (moduleName === 'http' && typeof options?.socketPath === 'string')
        process.stderr.write(`TRIPWIRE-SOCKET ${options.socketPath}\n`);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
}

/**
 * Reading another process's /proc entries (or listing them) is looking at what runs on the machine.
 * The server's own memory map is not: it tells which C library the server itself was loaded with.
 */
const PROCESS_TABLE = /^\/proc(\/?$|\/(\d+|self)(\/|$))/;
const OWN_MEMORY_MAP = '/proc/self/maps';

function watchProcessTable(target: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const original = target[name] as (...a: unknown[]) => unknown;
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'string' && args[0] !== OWN_MEMORY_MAP && PROCESS_TABLE.test(args[0]))
        report(`fs.${name} /proc/PID`);
      return original.apply(this, args);
    };
  }
}

/** fs.open and friends write only with a write flag; reading the document's README is allowed. */
function watchOpen(target: Record<string, unknown>, name: string): void {
  const original = target[name] as (...a: unknown[]) => unknown;
  target[name] = function (this: unknown, ...args: unknown[]) {
    const flags = args[1];
    if (
      typeof flags === 'string'
        ? /[wa+]/.test(flags)
        : typeof flags === 'number' && (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)) !== 0
    )
      report(`fs.${name} for writing`);
    return original.apply(this, args);
  };
}

watch('child_process', childProcess, ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']);
watch('net', net, ['connect', 'createConnection', 'createServer']);
watch('tls', tls, ['connect', 'createServer']);
watch('dgram', dgram, ['createSocket']);
watch('http', http, ['request', 'get', 'createServer']);
watch('https', https, ['request', 'get', 'createServer']);
watch('http2', http2, ['connect', 'createServer', 'createSecureServer']);
watch('dns', dns, ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse']);
watch('dns.promises', dns.promises, [
  'lookup',
  'lookupService',
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'reverse',
]);
watch('dns.promises.Resolver', dns.promises.Resolver.prototype, [
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'reverse',
]);
watch('os', os, ['networkInterfaces']);
const writers = [
  'writeFile',
  'writeFileSync',
  'appendFile',
  'appendFileSync',
  'createWriteStream',
  'mkdir',
  'mkdirSync',
  'rm',
  'rmSync',
  'rmdir',
  'rmdirSync',
  'unlink',
  'unlinkSync',
  'rename',
  'renameSync',
  'copyFile',
  'copyFileSync',
  'cp',
  'cpSync',
  'truncate',
  'truncateSync',
  'symlink',
  'symlinkSync',
  'link',
  'linkSync',
  'chmod',
  'chmodSync',
  'chown',
  'chownSync',
  'utimes',
  'utimesSync',
];
watch('fs', fs, writers);
watch(
  'fs.promises',
  fs.promises,
  writers.filter((n) => !n.endsWith('Sync') && n !== 'createWriteStream'),
);
watchOpen(fs as unknown as Record<string, unknown>, 'open');
watchOpen(fs as unknown as Record<string, unknown>, 'openSync');
watchOpen(fs.promises as unknown as Record<string, unknown>, 'open');
watchProcessTable(fs as unknown as Record<string, unknown>, [
  'readdirSync',
  'readFileSync',
  'readlinkSync',
  'openSync',
  'statSync',
  'readdir',
  'readFile',
  'readlink',
]);
