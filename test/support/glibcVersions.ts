/**
 * The real glibc builds the oracles judge with: the machine's own and Debian's 2.31, 2.41 and 2.43,
 * as scripts/install-glibc-versions.sh sets them up in ${GAI_CONF_TOOLS:-~/.cache/gai-conf-tools}/glibc.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface InstalledGlibc {
  /** Upstream version, e.g. "2.31". */
  readonly version: string;
  /** Debian's package version, e.g. "2.31-13+deb11u11". */
  readonly debianVersion: string;
  /** Debian suite it came from, or "system" for the machine's own glibc. */
  readonly suite: string;
  /** test/oracle/glibc/gai-lookup.c linked against this glibc. */
  readonly program: string;
  /** gdb's debug-file-directory for this glibc's symbols. */
  readonly debugDir: string;
  /** The package's changelog.Debian.gz. */
  readonly changelog: string;
}

/** The versions every oracle must judge with: what our users run (Debian 11, 12, 13 and unstable). */
export const JUDGING_VERSIONS: readonly string[] = ['2.31', '2.36', '2.41', '2.43'];

export function glibcToolsDir(): string {
  return path.join(process.env['GAI_CONF_TOOLS'] ?? path.join(os.homedir(), '.cache', 'gai-conf-tools'), 'glibc');
}

function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

function byVersion(a: InstalledGlibc, b: InstalledGlibc): number {
  const [am, an] = a.version.split('.').map(Number);
  const [bm, bn] = b.version.split('.').map(Number);
  return am! - bm! || an! - bn!;
}

let cache: { installed: InstalledGlibc[]; missing: string | null } | undefined;

/**
 * Every glibc set up by the tools step, oldest first, and a sentence naming the judging versions
 * that are not there (null when all are).
 */
export function installedGlibcs(): { installed: InstalledGlibc[]; missing: string | null } {
  if (cache !== undefined) return cache;
  const dir = glibcToolsDir();
  const installed: InstalledGlibc[] = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    // none set up
  }
  for (const name of entries) {
    const envFile = path.join(dir, name, 'glibc.env');
    const program = path.join(dir, name, 'gai-lookup');
    if (!/^\d+\.\d+$/.test(name) || !fs.existsSync(envFile) || !fs.existsSync(program)) continue;
    const env = readEnvFile(envFile);
    if (env['GLIBC_VERSION'] !== name || !env['DEBUG_DIR'] || !env['CHANGELOG']) continue;
    installed.push({
      version: name,
      debianVersion: env['DEBIAN_VERSION'] ?? '?',
      suite: env['SUITE'] ?? '?',
      program,
      debugDir: env['DEBUG_DIR'],
      changelog: env['CHANGELOG'],
    });
  }
  installed.sort(byVersion);
  const absent = JUDGING_VERSIONS.filter((v) => !installed.some((g) => g.version === v));
  const missing =
    absent.length === 0
      ? null
      : `glibc ${absent.join(', ')} ${absent.length === 1 ? 'is' : 'are'} not set up in ${dir} (run scripts/install-glibc-versions.sh; it needs Debian's mirror, gcc and dpkg-deb)`;
  cache = { installed, missing };
  return cache;
}

/**
 * The glibc builds an oracle judges with: every one the tools step set up, or, when none is, the
 * machine's own through the programs that use it (undefined stands for that).
 */
export function judgingGlibcs(): Array<InstalledGlibc | undefined> {
  const { installed } = installedGlibcs();
  return installed.length > 0 ? installed : [undefined];
}
