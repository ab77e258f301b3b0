/**
 * The distribution's stock /etc/gai.conf, which appends and in-place edits in a Dockerfile or a
 * task start from: this machine's own file, but only while it is the one its package installed
 * (dpkg records the MD5 of every conffile it installs in /var/lib/dpkg/status). A changed or
 * missing file is not the stock one; then `gai-conf check --base FILE` names one.
 */

import { readFileSync, statSync } from 'fs';

import { StockFile } from '../analysis/embedded/embedded';
import { LIVE_GAI_CONF } from './liveFile';

const DPKG_STATUS = '/var/lib/dpkg/status';

/** The package that owns a conffile and the MD5 dpkg installed it with. */
function dpkgConffile(path: string): { package: string; md5: string } | undefined {
  try {
    for (const paragraph of readFileSync(DPKG_STATUS, 'utf8').split(/\n\n/)) {
      const line = new RegExp(`^ ${path.replace(/[.]/g, '\\.')} ([0-9a-f]{32})`, 'm').exec(paragraph);
      if (line) return { package: /^Package: (\S+)/m.exec(paragraph)?.[1] ?? 'its package', md5: line[1] };
    }
  } catch {
    // No dpkg here (not Debian or Ubuntu).
  }
  return undefined;
}

/** What the last answer was read from: the file and dpkg's status as they were then. */
let cached: { readonly key: string; readonly stock: StockFile | undefined } | undefined;

function versionKey(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'absent';
  }
}

/**
 * Read again only when the file or dpkg's status changed since the last call: the editor asks on
 * every edit of a Dockerfile and every container opened, and the status file is megabytes.
 */
export function stockGaiConf(): StockFile | undefined {
  const key = `${versionKey(LIVE_GAI_CONF)} ${versionKey(DPKG_STATUS)}`;
  if (cached?.key !== key) cached = { key, stock: readStockGaiConf() };
  return cached.stock;
}

function readStockGaiConf(): StockFile | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(LIVE_GAI_CONF);
  } catch {
    return undefined;
  }
  const owner = dpkgConffile(LIVE_GAI_CONF);
  // Loaded here, not with this module: crypto costs milliseconds of every start of the CLI, and
  // only a Dockerfile, script or task that edits the stock file needs its checksum.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('crypto') as typeof import('crypto');
  if (!owner || createHash('md5').update(bytes).digest('hex') !== owner.md5) return undefined;
  return {
    text: bytes.toString('utf8'),
    description: `Debian's stock ${LIVE_GAI_CONF} (this machine's, unchanged from the ${owner.package} package)`,
  };
}
