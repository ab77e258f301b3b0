/**
 * Which runtimes and servers that decide address order are installed, found on PATH, and their
 * versions. Asking a program its version starts it: this runs only when the user asked for the
 * "who follows this file" report.
 */

import { spawnSync } from 'child_process';
import { accessSync, constants, existsSync, statSync } from 'fs';
import { delimiter, isAbsolute, join } from 'path';

import type { InstalledProgram } from '../features/whoFollows';

interface Probe {
  program: string;
  names: string[];
  versionArgs: string[];
  pattern: RegExp;
}

/** The programs looked for, the flag that prints their version, and where in that output the version is. */
export const PROBES: readonly Probe[] = [
  { program: 'go', names: ['go'], versionArgs: ['version'], pattern: /go(\d+\.\d+(?:\.\d+)?)/ },
  { program: 'java', names: ['java'], versionArgs: ['-version'], pattern: /version "([^"]+)"/ },
  { program: 'node', names: ['node', 'nodejs'], versionArgs: ['--version'], pattern: /v(\d+\.\d+\.\d+)/ },
  { program: 'python3', names: ['python3'], versionArgs: ['--version'], pattern: /Python (\S+)/ },
  { program: 'ruby', names: ['ruby'], versionArgs: ['--version'], pattern: /ruby (\S+)/ },
  { program: 'curl', names: ['curl'], versionArgs: ['--version'], pattern: /curl (\S+)/ },
  { program: 'nginx', names: ['nginx'], versionArgs: ['-v'], pattern: /nginx\/(\S+)/ },
  { program: 'postfix', names: ['postconf'], versionArgs: ['-h', 'mail_version'], pattern: /^(\S+)/ },
  { program: 'exim', names: ['exim4', 'exim'], versionArgs: ['-bV'], pattern: /Exim version (\S+)/ },
  {
    program: 'chromium',
    names: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'],
    versionArgs: ['--version'],
    pattern: /(\d+\.\d+\.\d+\.\d+)/,
  },
  {
    program: 'musl',
    names: ['ld-musl-x86_64.so.1', 'ld-musl-aarch64.so.1'],
    versionArgs: [],
    pattern: /Version (\S+)/,
  },
];

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin', '/lib'];
const VERSION_TIMEOUT_MS = 5000;

export function findOnPath(name: string, pathVariable = process.env['PATH'] ?? ''): string | null {
  for (const dir of [...pathVariable.split(delimiter), ...SYSTEM_DIRS]) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export function installedPrograms(): InstalledProgram[] {
  const found: InstalledProgram[] = [];
  for (const probe of PROBES) {
    const executable = probe.names.map((n) => findOnPath(n)).find((p) => p !== null && existsSync(p));
    if (!executable) continue;
    found.push({ program: probe.program, executable, version: versionOf(executable, probe) });
  }
  return found;
}

function versionOf(executable: string, probe: Probe): string | null {
  // java, nginx and musl's loader print their version on stderr; the loader then exits 1.
  const run = spawnSync(executable, probe.versionArgs, {
    encoding: 'utf8',
    timeout: VERSION_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', LC_ALL: 'C' },
  });
  return probe.pattern.exec(`${run.stdout ?? ''}\n${run.stderr ?? ''}`)?.[1] ?? null;
}
