/**
 * gai.conf where it really lives: written by a Dockerfile, a shell script, a cloud-init file, an
 * Ansible task file or a NixOS module. Each kind of source is recognised by its name or content
 * and read by its own extractor (one typed table below); the writes it finds are replayed into the
 * file that results (from the distribution's stock file where the source appends to or edits the
 * file the system already has), that file is analysed as any gai.conf, and every finding is
 * carried back to the characters of the source that wrote it.
 */

import { Analysis, AnalysisOptions, analyzeGaiConf } from '../analysis';
import { Finding } from '../catalogue';
import { templateTags } from '../templates';
import { ansibleWrites } from './ansible';
import { cloudInitWrites } from './cloudInit';
import { dockerfileWrites } from './dockerfile';
import { concat, generated, MappedText } from './mappedText';
import { nixWrites } from './nix';
import { dialectOf, shellScriptWrites } from './shellWrites';
import { recognizedSourceKind, SOURCE_KIND_RECOGNIZERS, SourceKindName, SourceKindRecognizer } from './sourceKinds';
import { Extraction, GAI_CONF_PATH, WriteSequence, WriteStep } from './writes';

export type { SourceKindName } from './sourceKinds';
export { isSourceKindName } from './sourceKinds';

export interface SourceKind extends SourceKindRecognizer {
  readonly extract: (text: string) => Extraction;
}

/** Each kind's reader of the gai.conf writes in a source. */
const EXTRACTORS: Readonly<Record<SourceKindName, (text: string) => Extraction>> = {
  dockerfile: dockerfileWrites,
  'cloud-init': cloudInitWrites,
  ansible: ansibleWrites,
  nixos: nixWrites,
  shell: (t) => {
    const { steps, notes } = shellScriptWrites(
      { text: t, origins: Array.from({ length: t.length }, (_, i) => i) },
      dialectOf(t),
    );
    return { sequences: steps.length > 0 ? [{ steps }] : [], notes };
  },
};

export const SOURCE_KINDS: readonly SourceKind[] = SOURCE_KIND_RECOGNIZERS.map((k) => ({
  ...k,
  extract: EXTRACTORS[k.name],
}));

/**
 * The kind of source a file is, by its name, then its content (a YAML file by content: cloud-init
 * before Ansible); undefined for anything else, which is read as a gai.conf.
 */
export function sourceKindOf(baseName: string, text: string): SourceKind | undefined {
  const recognized = recognizedSourceKind(baseName, text);
  return recognized && sourceKindNamed(recognized.name);
}

export function sourceKindNamed(name: SourceKindName): SourceKind {
  return SOURCE_KINDS.find((k) => k.name === name)!;
}

/** The stock file appends and edits start from, and where it was read. */
export interface StockFile {
  readonly text: string;
  /** "this machine's /etc/gai.conf, unchanged from Debian's libc-bin package". */
  readonly description: string;
}

export type Start = 'stock' | 'written' | 'opaque' | 'none';

export interface BuiltFile {
  readonly sequence: WriteSequence;
  readonly text: string;
  /** For each character: its source offset, or -1 - its offset in the stock file. */
  readonly origins: readonly number[];
  /** What the result starts from: the stock file, text the source writes, or a file the source does not show. */
  readonly start: Start;
  /** The step that brought in the stock file, where one did. */
  readonly stockStep?: WriteStep;
  /** Edits that found nothing to change. */
  readonly unmatched: readonly WriteStep[];
  /** Writes whose content the source does not show. */
  readonly opaque: readonly WriteStep[];
  readonly removed: boolean;
}

function stockMapped(stock: StockFile | undefined): MappedText {
  const text = stock?.text ?? '';
  return { text, origins: Array.from({ length: text.length }, (_, i) => -1 - i) };
}

/** Replays a sequence's writes into the file that results. */
function buildFile(sequence: WriteSequence, stock: StockFile | undefined): BuiltFile {
  let current: MappedText | undefined;
  let start: Start = 'none';
  let stockStep: WriteStep | undefined;
  let removed = false;
  const unmatched: WriteStep[] = [];
  const opaque: WriteStep[] = [];
  const base = (step: WriteStep): MappedText => {
    if (current !== undefined) return current;
    start = 'stock';
    stockStep = step;
    return stockMapped(stock);
  };
  for (const step of sequence.steps) {
    const write = step.write;
    removed = false;
    switch (write.kind) {
      case 'replace':
        current = write.content;
        start = 'written';
        stockStep = undefined;
        break;
      case 'append':
        current = concat(base(step), write.content);
        break;
      case 'edit': {
        const result = write.edit.apply(base(step));
        if (!result.matched) unmatched.push(step);
        current = result.text;
        break;
      }
      case 'remove':
        current = generated('', step.at.start);
        removed = true;
        start = 'written';
        stockStep = undefined;
        break;
      case 'opaque':
        current = generated('', step.at.start);
        start = 'opaque';
        stockStep = undefined;
        opaque.push(step);
        break;
    }
  }
  const final = current ?? stockMapped(stock);
  return {
    sequence,
    text: final.text,
    origins: final.origins,
    start,
    ...(stockStep ? { stockStep } : {}),
    unmatched,
    opaque,
    removed,
  };
}

export interface EmbeddedFile {
  readonly built: BuiltFile;
  readonly analysis: Analysis;
  /** The analysis's findings, at the characters of the source that wrote them. */
  readonly findings: readonly Finding[];
  readonly suppressed: readonly Finding[];
}

export interface EmbeddedCheck {
  readonly kind: SourceKind;
  readonly files: readonly EmbeddedFile[];
  /** Findings about the source itself: edits that find nothing, writes it does not show. */
  readonly sourceFindings: readonly Finding[];
}

function lineNumberIn(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

/** The offset in the built file where its line `line` (from 1) starts. */
function lineStartIn(text: string, line: number): number {
  let at = 0;
  for (let n = 1; n < line && at >= 0; n++) at = text.indexOf('\n', at) + 1 || -1;
  return at;
}

/** "line 54" of the built file, said of the source: its line there, or its line in the stock file. */
function sourceLineWords(line: number, built: BuiltFile, source: string): string {
  const at = lineStartIn(built.text, line);
  const origin = at >= 0 ? built.origins[at] : undefined;
  if (origin === undefined) return `line ${line} of the resulting ${GAI_CONF_PATH}`;
  return origin >= 0
    ? `line ${lineNumberIn(source, origin)}`
    : `line ${lineNumberIn(built.text, at)} of the resulting ${GAI_CONF_PATH} (from the stock file)`;
}

/** A finding on the built file, moved to the source characters its span came from. */
function carried(finding: Finding, built: BuiltFile, named: boolean, source: string): Finding {
  const inSource = built.origins.slice(finding.start, Math.max(finding.end, finding.start + 1)).filter((o) => o >= 0);
  const prefix = named && built.sequence.name ? `${built.sequence.name}: ` : '';
  // Messages name other lines of the file ("repeats line 54"): those are said of the source too.
  const message = finding.message.replace(/\blines? (\d+)\b/g, (_, n: string) =>
    sourceLineWords(Number(n), built, source),
  );
  if (inSource.length > 0) {
    return { ...finding, start: Math.min(...inSource), end: Math.max(...inSource) + 1, message: prefix + message };
  }
  // The finding sits on the stock file (or on nothing): it is shown on the step that kept that file.
  const anchor = built.stockStep?.at ?? built.sequence.steps[0].at;
  const line = lineNumberIn(built.text, finding.start);
  const where =
    built.start === 'stock'
      ? `line ${line} of the resulting ${GAI_CONF_PATH}, which comes from the stock file this step starts from`
      : `line ${line} of the resulting ${GAI_CONF_PATH}`;
  return { ...finding, start: anchor.start, end: anchor.end, message: `${prefix}${message} (At ${where}.)` };
}

function sourceFindingsOf(built: BuiltFile, stock: StockFile | undefined, named: boolean): Finding[] {
  const prefix = named && built.sequence.name ? `${built.sequence.name}: ` : '';
  const findings: Finding[] = [];
  for (const step of built.unmatched) {
    const write = step.write;
    if (write.kind !== 'edit') continue;
    const startedFrom =
      step === built.stockStep
        ? ` (${stock ? stock.description : 'no stock file was available, so an empty file'})`
        : '';
    findings.push({
      code: 'embedded-edit-unmatched',
      start: step.at.start,
      end: step.at.end,
      message: `${prefix}This ${step.how} changes nothing: ${write.edit.looksFor} matches no line of ${GAI_CONF_PATH} as it stands at this step${startedFrom}, so the file stays as it was.`,
    });
  }
  for (const step of built.opaque) {
    const write = step.write;
    if (write.kind !== 'opaque') continue;
    findings.push({
      code: 'embedded-not-followed',
      start: step.at.start,
      end: step.at.end,
      message: `${prefix}${GAI_CONF_PATH} is written here (${step.how}) from ${write.from}, which this file does not show: check that with gai-conf check too. Later writes are judged on their own.`,
    });
  }
  return findings;
}

/** The options for analysing a built file: its system's C library, and template mode where tags remain. */
function optionsFor(built: BuiltFile, options: AnalysisOptions): AnalysisOptions {
  return {
    ...options,
    ...(built.sequence.libc === 'musl' ? { hostLibc: 'musl' as const } : {}),
    template: options.template || templateTags(built.text).length > 0,
  };
}

export function checkEmbedded(
  text: string,
  kind: SourceKind,
  options: AnalysisOptions,
  stock: StockFile | undefined,
): EmbeddedCheck {
  const extraction = kind.extract(text);
  const named = extraction.sequences.length > 1;
  const files = extraction.sequences.map((sequence): EmbeddedFile => {
    const built = buildFile(sequence, stock);
    const analysis = analyzeGaiConf(built.text, optionsFor(built, options));
    return {
      built,
      analysis,
      findings: analysis.findings.map((f) => carried(f, built, named, text)),
      suppressed: analysis.suppressed.map((f) => carried(f, built, named, text)),
    };
  });
  // A stage built on another repeats its findings on the same characters: each is reported once.
  const seen = new Set<string>();
  const once = (f: Finding) => {
    const key = `${f.code} ${f.start} ${f.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const deduplicated = files.map((f) => ({
    ...f,
    findings: f.findings.filter(once),
    suppressed: f.suppressed.filter(once),
  }));
  const notes: Finding[] = extraction.notes.map((note) => ({
    code: 'embedded-not-followed',
    start: note.at.start,
    end: note.at.end,
    message: note.message,
  }));
  return {
    kind,
    files: deduplicated,
    sourceFindings: [...files.flatMap((f) => sourceFindingsOf(f.built, stock, named)), ...notes],
  };
}

/** Every finding of a check at the source's characters, in the order they appear there. */
export function embeddedFindings(check: EmbeddedCheck): Finding[] {
  return [...check.sourceFindings, ...check.files.flatMap((f) => f.findings)].sort((a, b) => a.start - b.start);
}

/** How a built file came about, in words, for the report's header. */
export function startInWords(built: BuiltFile, stock: StockFile | undefined): string {
  const steps = built.sequence.steps;
  const count = `${steps.length} write${steps.length === 1 ? '' : 's'} (${[...new Set(steps.map((s) => s.how))].join(', ')})`;
  const from = {
    stock: stock
      ? `starting from ${stock.description}`
      : 'starting from an empty file: no stock file was available (glibc reads the stock file, all comments, as it reads an empty one)',
    written: built.removed
      ? 'ending with the file removed (glibc then uses its built-in tables)'
      : 'written whole by the source',
    opaque: 'from a file this source does not show, then its own writes',
    none: 'unchanged',
  }[built.start];
  const libc = built.sequence.libc === 'musl' ? '; this image runs musl, which never reads gai.conf' : '';
  return `${built.sequence.name ? `${built.sequence.name}: ` : ''}${count}, ${from}${libc}`;
}
