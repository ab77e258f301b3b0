/**
 * Whole-file analysis: glibc's reading of the file, the tables it ends up with, and every finding:
 * about single lines, about the tables, and about what the tables do to real connections.
 */

import { DirectiveReading, ParsedFile, ParsedLine, parseGaiConf } from '../glibc/reader';
import { EffectiveTables, buildEffectiveTables } from '../glibc/tables';
import { GlibcVersion } from '../glibc/versions';
import { Finding, SEVERITY_RANK, severityOf } from './catalogue';
import { commentedDirectives } from './commentedRows';
import { connectionFindings } from './connectionChecks';
import { lineFindings } from './lineChecks';
import { readSuppressions, silences } from './suppression';
import { tableFindings } from './tableChecks';

/** The C library of the machine a file is on; only glibc reads gai.conf. */
export type HostLibc = 'glibc' | 'musl' | 'other-linux' | 'not-linux';

export interface Analysis {
  readonly parsed: ParsedFile;
  readonly tables: EffectiveTables;
  /** Comment lines that hold a directive glibc would accept without the '#'. */
  readonly commented: ReadonlyMap<ParsedLine, DirectiveReading>;
  /** Every finding no `# gai-conf: ignore` comment silences, in document order. */
  readonly findings: readonly Finding[];
  /** The findings such comments silence. */
  readonly suppressed: readonly Finding[];
}

export interface AnalysisOptions {
  readonly glibc: GlibcVersion;
  /** The C library of the machine the file is on, where known. */
  readonly hostLibc?: HostLibc;
}

function hostFindings(parsed: ParsedFile, hostLibc: HostLibc | undefined): Finding[] {
  if (hostLibc !== 'musl' && hostLibc !== 'other-linux') return [];
  const first = parsed.lines[0];
  const libc = hostLibc === 'musl' ? 'musl (as on Alpine)' : 'a C library other than glibc';
  return [{
    code: 'not-glibc-host',
    start: 0,
    end: first ? first.end : 0,
    message: `This system runs ${libc}, whose getaddrinfo() never reads gai.conf: nothing in this file takes effect here. The analysis still shows what glibc ${parsed.glibc.major}.${parsed.glibc.minor} would do with it on another machine.`,
  }];
}

export function analyzeGaiConf(text: string, options: AnalysisOptions): Analysis {
  const parsed = parseGaiConf(text, options);
  const tables = buildEffectiveTables(parsed);
  const commented = commentedDirectives(parsed);
  const { suppressions, problems } = readSuppressions(parsed);
  const all = [
    ...hostFindings(parsed, options.hostLibc),
    ...lineFindings(parsed),
    ...problems,
    ...tableFindings(tables),
    ...connectionFindings(parsed, commented, tables),
  ].sort((a, b) => a.start - b.start || SEVERITY_RANK[severityOf(b.code)] - SEVERITY_RANK[severityOf(a.code)]);
  const isSuppressed = (finding: Finding) => suppressions.some((s) => silences(parsed, s, finding));
  return { parsed, tables, commented, findings: all.filter((f) => !isSuppressed(f)), suppressed: all.filter(isSuppressed) };
}
