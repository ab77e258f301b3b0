/** The repository's root folder, for tests that read its files (README, grammar, bundles). */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root: the nearest folder above this file (tests run from out/test/<tier>/)
 * whose package.json is gai-conf's; failing that (tests compiled elsewhere), the nearest above the
 * working directory.
 */
export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = start;
    for (;;) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest) && isGaiConfManifest(manifest)) return dir;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`No gai-conf package.json above ${__dirname} or ${process.cwd()}`);
}

function isGaiConfManifest(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'gai-conf';
  } catch {
    return false;
  }
}

/**
 * The CLI's files in dist/: cli.js and the chunks it loads from beside it (scripts/build.mjs), which
 * a test that copies the CLI elsewhere must copy too.
 */
export function cliBundleFiles(): string[] {
  return readdirSync(join(repoRoot(), 'dist')).filter((file) => /^cli(-[A-Z0-9]+)?\.js$/.test(file));
}
