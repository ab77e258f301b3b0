import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The first executable of that name on PATH or in the usual system folders. Version-manager
 * shims (pyenv, asdf) are skipped: they are slow wrapper scripts around the same programs.
 */
export function findExecutable(name: string): string | null {
  const dirs = [
    ...(process.env['PATH'] ?? '').split(path.delimiter),
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
  ];
  for (const dir of dirs) {
    if (!dir || !path.isAbsolute(dir) || dir.includes('/shims')) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}
