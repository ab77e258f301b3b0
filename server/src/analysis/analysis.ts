/**
 * Whole-file analysis: glibc's reading of the file, the tables it ends up with, and every finding:
 * about single lines, about the tables, and about what the tables do to real connections.
 */

import { DirectiveReading, lineAt, ParsedFile, ParsedLine, parseGaiConf } from '../glibc/reader';
import { Host } from '../glibc/sourceSelection';
import { buildEffectiveTables, EffectiveTables, tableFileRows } from '../glibc/tables';
import { GlibcVersion } from '../glibc/versions';
import { borrowedSpaceFindings } from './borrowedSpace';
import { Finding, SEVERITY_RANK, severityOf } from './catalogue';
import { commentedDirectives } from './commentedRows';
import { connectionFindings, scopev4Findings } from './connectionChecks';
import { computeEffects, Effect, EffectsOptions } from './effects';
import { LARGEST_FILE_BYTES, LARGEST_FILE_TEXT } from './limits';
import { lineFindings } from './lineChecks';
import { readSuppressions, silences } from './suppression';
import { tableFindings } from './tableChecks';
import { readTemplate, TemplateReading } from './templates';
import { notTextFinding } from './textChecks';

/** The C library of the machine a file is on; only glibc reads gai.conf. */
export type HostLibc = 'glibc' | 'musl' | 'other-linux' | 'not-linux';

export interface Analysis {
  readonly parsed: ParsedFile;
  readonly tables: EffectiveTables;
  /** What the tables do to typical hosts' connections (and this machine's, for the live file). */
  readonly effects: readonly Effect[];
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
  /** For the live /etc/gai.conf: the machine's own addresses and routes. */
  readonly thisMachine?: Host;
  /** How findings name that host: "container web1" for a container's file judged from its host. */
  readonly thisMachineName?: string;
  /** Read the text as a template of a gai.conf (see templates.ts). */
  readonly template?: boolean;
}

function hostFindings(parsed: ParsedFile, hostLibc: HostLibc | undefined): Finding[] {
  if (hostLibc !== 'musl' && hostLibc !== 'other-linux') return [];
  const first = parsed.lines[0];
  const libc = hostLibc === 'musl' ? 'musl (as on Alpine)' : 'a C library other than glibc';
  return [
    {
      code: 'not-glibc-host',
      start: 0,
      end: first ? first.end : 0,
      message: `This system runs ${libc}, whose getaddrinfo() never reads gai.conf: nothing here takes effect. Shown: what glibc ${parsed.glibc.major}.${parsed.glibc.minor} would do.`,
      detail:
        "gai.conf is read only by glibc's getaddrinfo(). The analysis still shows what glibc would do with the file on another machine; `gaiconf.glibcVersion` picks which glibc.",
    },
  ];
}

/** Until a template with template lines is rendered, its tables and what they do to connections are unknown. */
export function awaitsRender(template: TemplateReading | undefined): boolean {
  return template !== undefined && template.lines.size > 0;
}

/** A file that changes tables but no typical host's choice of family (it may still order addresses within one). */
function familyNeutralFindings(
  tables: EffectiveTables,
  effects: readonly Effect[],
  findings: readonly Finding[],
): Finding[] {
  if (tables.crash || findings.some((f) => f.code === 'file-changes-nothing')) return [];
  // The first label or precedence row of the file.
  const label = tableFileRows(tables.label).first;
  const precedence = tableFileRows(tables.precedence).first;
  const line = label && precedence ? (label.index < precedence.index ? label : precedence) : (label ?? precedence);
  if (!line || effects.some((e) => e.host.id !== 'this-machine' && e.file !== e.builtin)) return [];
  const first = line.reading!;
  return [
    {
      code: 'no-family-change',
      start: first.command.start,
      end: (first.value2 ?? first.value1 ?? first.command).end,
      message:
        'No typical host changes which of IPv6 and IPv4 it tries first because of this file: its rows order only addresses of one family, if any.',
      detail:
        'Typical hosts: ULA, global IPv6, both, IPv4-only, IPv6-only; destinations: global, ULA, 6to4, Teredo, NAT64 and loopback, each against IPv4.',
    },
  ];
}

/** A text too large to be a gai.conf: nothing of it is read, and one finding says so. */
function refusedAnalysis(text: string, options: AnalysisOptions): Analysis {
  const parsed = parseGaiConf('', options);
  const mebibytes = new TextEncoder().encode(text).length / 1024 / 1024;
  const message = `This text is ${mebibytes.toFixed(1)} MiB, larger than ${LARGEST_FILE_TEXT} and far beyond any real gai.conf: gai-conf does not analyse it. glibc would still read every line of it at each program's first lookup with several answers.`;
  return {
    parsed,
    tables: buildEffectiveTables(parsed),
    effects: [],
    commented: new Map(),
    findings: [{ code: 'file-too-large', start: 0, end: 0, message }],
    suppressed: [],
  };
}

/** What an analysis worked out that the next version's can reuse, beyond what it exposes. */
interface Reusable {
  /** The options it was made with: an edit of the same document is analysed with them. */
  readonly options: AnalysisOptions;
  /** Whether the effects model ran (no crash, the whole file known), and with which options. */
  readonly modelled?: EffectsOptions;
  readonly scopev4: readonly Finding[];
}

const reusable = new WeakMap<Analysis, Reusable>();

/**
 * `previous`: the analysis of an earlier version of the same document with the same options.
 * Its unchanged lines are not read again, a table whose rows the edit left alone is kept with
 * its findings, the effects model runs again only when a lookup it makes finds another row, and
 * the findings of kept lines are taken over (test/fuzz/incrementalAnalysis.test.ts checks that
 * the result is the one a fresh analysis gives).
 */
export function analyzeGaiConf(text: string, options: AnalysisOptions, previous?: Analysis): Analysis {
  if (text.length > LARGEST_FILE_BYTES) return refusedAnalysis(text, options);
  const parsed = parseGaiConf(text, options, previous?.parsed);
  const tables = buildEffectiveTables(parsed, previous);
  const commented = commentedDirectives(parsed, previous);
  const { suppressions, problems } = readSuppressions(parsed);
  const template = options.template ? readTemplate(parsed) : undefined;
  const wholeFileKnown = !awaitsRender(template);
  const modelled = !tables.crash && wholeFileKnown;
  const effectsOptions: EffectsOptions = {
    thisMachine: options.thisMachine,
    ...(options.thisMachineName ? { thisMachineName: options.thisMachineName } : {}),
  };
  const before = previous && reusable.get(previous);
  const previousEffects =
    previous && before?.modelled
      ? { tables: previous.tables, options: before.modelled, effects: previous.effects }
      : undefined;
  const effects = modelled ? computeEffects(tables, effectsOptions, previousEffects) : [];
  const onTemplateLine = (finding: Finding) =>
    template !== undefined && template.lines.has(lineAt(parsed, finding.start)?.index ?? -1);
  const notText = notTextFinding(parsed);
  const tableLevel = notText || !wholeFileKnown ? [] : tableFindings(tables);
  // The scopev4 findings depend on the scopev4 table and on what the model looks up: when the
  // table is kept and the effects were, so are they.
  const scopev4 =
    modelled && previousEffects && effects === previous!.effects && tables.scopev4 === previous!.tables.scopev4
      ? before!.scopev4
      : modelled
        ? scopev4Findings(tables)
        : [];
  const connectionLevel =
    notText || !wholeFileKnown
      ? []
      : [
          ...connectionFindings(parsed, commented, tables, effects),
          ...scopev4,
          ...familyNeutralFindings(tables, effects, tableLevel),
          ...borrowedSpaceFindings(parsed, commented, tables, options.thisMachine),
        ];
  const all = [
    ...hostFindings(parsed, options.hostLibc),
    ...(notText
      ? [notText]
      : [
          ...lineFindings(parsed, previous?.parsed).filter((f) => !onTemplateLine(f)),
          ...problems,
          ...tableLevel,
          ...connectionLevel,
        ]),
  ].sort((a, b) => a.start - b.start || SEVERITY_RANK[severityOf(b)] - SEVERITY_RANK[severityOf(a)]);
  const isSuppressed = (finding: Finding) => suppressions.some((s) => silences(parsed, s, finding));
  const analysis: Analysis = {
    parsed,
    tables,
    effects,
    commented,
    findings: suppressions.length > 0 ? all.filter((f) => !isSuppressed(f)) : all,
    suppressed: suppressions.length > 0 ? all.filter(isSuppressed) : [],
    template,
  };
  reusable.set(analysis, { options, ...(modelled ? { modelled: effectsOptions } : {}), scopev4 });
  return analysis;
}

/**
 * The same document with `text` instead, read as `analysis` was (its glibc, C library and
 * machine: a container's or the live file's fix is checked for that machine) and from it.
 */
export function analyzeEdited(analysis: Analysis, text: string): Analysis {
  const options = reusable.get(analysis)?.options ?? { glibc: analysis.parsed.glibc };
  return analyzeGaiConf(text, options, analysis);
}
