/** The package.json that ships beside the bundles (the npm package, the VSIX, a built checkout). */

import { readFileSync } from 'fs';
import { join } from 'path';

/** gai-conf's version, or undefined where no manifest lies beside the running code (compiled tests). */
export function packageVersion(): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    return manifest.name === 'gai-conf' && typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}
