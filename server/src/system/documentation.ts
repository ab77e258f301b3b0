/** Where the README that documents every diagnostic code lies beside the bundles. */

import { existsSync } from 'fs';
import { join } from 'path';
import { pathToFileURL } from 'url';

/** The README beside the bundle; packaging as a VSIX renames it readme.md. */
export function documentationBase(): string {
  const candidates = ['README.md', 'readme.md'].map((name) => join(__dirname, '..', name));
  return pathToFileURL(candidates.find((path) => existsSync(path)) ?? candidates[0]).href;
}
