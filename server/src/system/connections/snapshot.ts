/** A census saved as a file (`gai-conf connections --save`) and read back (`--compare`, the editor's Measure view). */

import { readFileSync, writeFileSync } from 'fs';

import type { Census } from '../../features/connections/census';
import { parseSavedCensus } from '../../features/connections/report';

export class SnapshotError extends Error {}

/** Written with the user's umask, replacing the file: it is the user's own output. */
export function writeSnapshot(path: string, census: Census): void {
  try {
    writeFileSync(path, JSON.stringify(census, null, 2) + '\n');
  } catch (error) {
    throw new SnapshotError(
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

export function readSnapshot(path: string): Census {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SnapshotError(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`,
    );
  }
  const census = parseSavedCensus(text);
  if (typeof census === 'string') throw new SnapshotError(`${path} is ${census}`);
  return census;
}
