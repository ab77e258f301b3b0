/** The server's settings, from workspace/configuration where the client offers it, else from initializationOptions. */

import { SeverityOverrides } from '../features/diagnostics';
import { GlibcVersion } from '../glibc/versions';
import { resolveGlibcVersion } from '../system/cLibrary';

export interface ServerSettings {
  readonly glibc: GlibcVersion;
  readonly severity: SeverityOverrides;
  /** Whether Dockerfiles, scripts, YAML and Nix files get diagnostics for the gai.conf they write. */
  readonly embedded: boolean;
  /** What could not be used, to tell the user rather than silently ignore it. */
  readonly problems: readonly string[];
}

/** Accepts the `gaiconf` section as VS Code sends it, or anything else a client sends. */
export function readSettings(raw: unknown): ServerSettings {
  const section = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const problems: string[] = [];
  const requested = typeof section.glibcVersion === 'string' ? section.glibcVersion : 'auto';
  let glibc = resolveGlibcVersion(requested);
  if (!glibc) {
    problems.push(
      `gaiconf.glibcVersion "${requested}" is not a glibc version such as 2.36; using this machine's glibc.`,
    );
    glibc = resolveGlibcVersion('auto')!;
  }
  const diagnostics = section.diagnostics;
  const severityRaw =
    typeof diagnostics === 'object' && diagnostics !== null
      ? (diagnostics as Record<string, unknown>).severity
      : undefined;
  const severity: Record<string, 'error' | 'warning' | 'information' | 'hint' | 'off'> = {};
  if (typeof severityRaw === 'object' && severityRaw !== null) {
    for (const [code, value] of Object.entries(severityRaw)) {
      if (value === 'error' || value === 'warning' || value === 'information' || value === 'hint' || value === 'off')
        severity[code] = value;
      else
        problems.push(
          `gaiconf.diagnostics.severity: "${String(value)}" for ${code} is not error, warning, information, hint or off.`,
        );
    }
  }
  const embeddedRaw =
    typeof section.embedded === 'object' && section.embedded !== null
      ? (section.embedded as Record<string, unknown>).enabled
      : undefined;
  if (embeddedRaw !== undefined && typeof embeddedRaw !== 'boolean')
    problems.push(`gaiconf.embedded.enabled: "${String(embeddedRaw)}" is not true or false; using true.`);
  return { glibc, severity, embedded: embeddedRaw !== false, problems };
}
