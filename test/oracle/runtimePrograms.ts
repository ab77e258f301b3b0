/**
 * The small client programs of test/oracle/runtimes/ built with the real toolchains: a C client
 * against glibc (dynamic and static) and musl, a Go client with and without cgo, a Java client.
 * A product whose toolchain is missing is listed in `missing` with the Debian package to install.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { findExecutable } from '../support/executables';

export interface Built {
  dir: string;
  missing: Map<string, string>;
}

const SOURCES = path.join(__dirname, '..', '..', '..', 'test', 'oracle', 'runtimes');

export function buildRuntimePrograms(): Built {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gai-runtimes-'));
  const missing = new Map<string, string>();
  // A Go build cache outside the home folder, kept between runs (the std library compiles once).
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    GOCACHE: path.join(os.tmpdir(), 'gai-conf-go-cache'),
    GOPATH: path.join(dir, 'gopath'),
    GO111MODULE: 'off',
  };
  const compile = (
    product: string,
    tool: string,
    pkg: string,
    args: string[],
    extraEnv: Record<string, string> = {},
  ): void => {
    const exe = findExecutable(tool);
    if (!exe) {
      missing.set(product, `${tool} (Debian package ${pkg})`);
      return;
    }
    execFileSync(exe, args, {
      cwd: dir,
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
    });
  };
  const c = path.join(SOURCES, 'connect.c');
  compile('connect-glibc', 'gcc', 'gcc', ['-O1', '-o', 'connect-glibc', c]);
  compile('connect-glibc-static', 'gcc', 'gcc', ['-O1', '-static', '-o', 'connect-glibc-static', c]);
  compile('connect-musl', 'musl-gcc', 'musl-tools', ['-O1', '-static', '-o', 'connect-musl', c]);
  compile('connect-musl-dynamic', 'musl-gcc', 'musl-tools', ['-O1', '-o', 'connect-musl-dynamic', c]);
  const go = path.join(SOURCES, 'dial.go');
  compile('dial-cgo', 'go', 'golang-go', ['build', '-o', 'dial-cgo', go], { CGO_ENABLED: '1' });
  compile('dial-static', 'go', 'golang-go', ['build', '-o', 'dial-static', go], { CGO_ENABLED: '0' });
  compile('Client.class', 'javac', 'default-jdk-headless', ['-d', dir, path.join(SOURCES, 'Client.java')]);
  return { dir, missing };
}
