/**
 * Whole-file analysis: glibc's reading of the file, the tables it ends up with, and every finding:
 * about single lines, about the tables, and about what the tables do to real connections.
 */

import { DirectiveReading, ParsedFile, ParsedLine, lineAt, parseGaiConf } from '../glibc/reader';
import { EffectiveTables, buildEffectiveTables } from '../glibc/tables';
import { GlibcVersion } from '../glibc/versions';
import { Finding, SEVERITY_RANK, severityOf } from './catalogue';
import { commentedDirectives } from './commentedRows';
import { connectionFindings } from './connectionChecks';
import { lineFindings } from './lineChecks';
import { readSuppressions, silences } from './suppression';
import { tableFindings } from './tableChecks';
import { TemplateReading, readTemplate } from './templates';

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
  /** For a template: its tags and the lines whose reading waits for the render. */
  readonly template?: TemplateReading;
}

export interface AnalysisOptions {
  readonly glibc: GlibcVersion;
  /** The C library of the machine the file is on, where known. */
  readonly hostLibc?: HostLibc;
  /** Read the text as a template of a gai.conf (see templates.ts). */
  readonly template?: boolean;
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

/** Until a template with template lines is rendered, its tables and what they do to connections are unknown. */
export function awaitsRender(template: TemplateReading | undefined): boolean {
  return template !== undefined && template.lines.size > 0;
}

export function analyzeGaiConf(text: string, options: AnalysisOptions): Analysis {
  const parsed = parseGaiConf(text, options);
  const tables = buildEffectiveTables(parsed);
  const commented = commentedDirectives(parsed);
  const { suppressions, problems } = readSuppressions(parsed);
  const template = options.template ? readTemplate(parsed) : undefined;
  const wholeFileKnown = !awaitsRender(template);
  const onTemplateLine = (finding: Finding) => template !== undefined && template.lines.has(lineAt(parsed, finding.start)?.index ?? -1);
  const all = [
    ...hostFindings(parsed, options.hostLibc),
    ...lineFindings(parsed).filter((f) => !onTemplateLine(f)),
    ...problems,
    ...(wholeFileKnown ? [...tableFindings(tables), ...connectionFindings(parsed, commented, tables)] : []),
  ].sort((a, b) => a.start - b.start || SEVERITY_RANK[severityOf(b.code)] - SEVERITY_RANK[severityOf(a.code)]);
  const isSuppressed = (finding: Finding) => suppressions.some((s) => silences(parsed, s, finding));
  return { parsed, tables, commented, findings: all.filter((f) => !isSuppressed(f)), suppressed: all.filter(isSuppressed), template };
}
