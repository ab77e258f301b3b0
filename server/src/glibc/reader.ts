/**
 * Reads gai.conf text line by line exactly as glibc's gaiconf_init does, and records for every
 * line what glibc makes of it (its fate) and, as structured issues, every place where glibc's
 * reading departs from what the text seems to say. No English here: the analysis words them.
 */

import { Bytes16, ipv4ToMapped, isV4Mapped, maskBytes, parseIpv4Bytes, parseIpv6Bytes } from './addresses';
import { TableKind } from './builtinTables';
import { EndPointers, measuredBuild, MissingBitsReading, PrefixDirective, UndefinedOutcome } from './endPointer';
import { rememberChangedLines } from './lineChanges';
import { isCSpace, layoutLine, LineLayout, splitFields, Token, Word } from './lines';
import { INT_MAX, NumberReading, plainDecimal, readNumberField } from './numbers';
import { commonPrefixLength, commonSuffixLength } from './textChange';
import { GlibcVersion, ParserGeneration, parserGeneration } from './versions';

export type Directive = 'label' | 'precedence' | 'scopev4' | 'reload';
export const DIRECTIVES: readonly Directive[] = ['label', 'precedence', 'scopev4', 'reload'];

/** A row a line adds to glibc's table. */
export interface ConfiguredRow {
  readonly table: TableKind;
  /**
   * label/precedence: the prefix bytes as written (glibc does not mask them).
   * scopev4: the v4-mapped network, masked as glibc stores it.
   */
  readonly bytes: Bytes16;
  /** label/precedence: 0..128; scopev4: in v4-mapped form, 96..128. */
  readonly bits: number;
  readonly value: number;
}

/** Which number field of a line an issue is about. */
export type NumberField =
  'prefix length' | 'prefix length of a v4-mapped prefix' | 'label value' | 'precedence value' | 'scope value';

/** What glibc does that the text does not show, with the facts each needs to be explained. */
export type ReadIssue = { readonly start: number; readonly end: number } & (
  | { readonly code: 'byte-order-mark' }
  | { readonly code: 'unknown-directive'; readonly word: string }
  | { readonly code: 'extra-fields'; readonly directive: Directive; readonly words: readonly string[] }
  | { readonly code: 'missing-address'; readonly directive: Directive; readonly where: 'no-values' | 'before-slash' }
  | { readonly code: 'reload-enabled' }
  | { readonly code: 'reload-value'; readonly value?: string }
  | { readonly code: 'zone-id'; readonly address: string }
  | { readonly code: 'invalid-address'; readonly address: string }
  | {
      readonly code: 'ipv4-prefix';
      readonly table: 'label' | 'precedence';
      readonly address: string;
      readonly bits?: number;
    }
  | { readonly code: 'scopev4-not-mapped'; readonly address: string }
  | {
      readonly code: 'empty-number';
      readonly field: NumberField;
      readonly outcome: 'read-as-zero' | 'refused' | 'zero-out-of-range';
      readonly min: number;
      readonly max: number;
    }
  | { readonly code: 'invalid-number'; readonly field: NumberField; readonly text: string }
  | {
      readonly code: 'number-out-of-range';
      readonly field: NumberField;
      readonly text: string;
      readonly min: number;
      readonly max: number;
    }
  | { readonly code: 'unusual-number'; readonly text: string; readonly value: number }
  | {
      readonly code: 'missing-prefix-length';
      readonly directive: 'label' | 'precedence' | 'scopev4';
      readonly written: string;
      readonly address: string;
      /** The length 2.41 and later read: 128, or 32 for a plain IPv4 scopev4 prefix. */
      readonly fullBits: number;
      /** up-to-2.40: decided by a stale or wild end pointer; from-2.41: read as the full length. */
      readonly generation: ParserGeneration;
      /** up-to-2.40: what that pointer makes of the line on this build. */
      readonly reading?: MissingBitsReading;
    }
  /** A scopev4 line without /bits that can crash (up to 2.40). */
  | {
      readonly code: 'scopev4-crash';
      readonly written: string;
      readonly address: string;
      readonly fullBits: number;
      readonly reading: MissingBitsReading;
    }
  | { readonly code: 'nul-byte' }
  | { readonly code: 'carriage-return' }
  | { readonly code: 'comment-in-token'; readonly word: string }
);

export type LineFate =
  | { readonly kind: 'empty' }
  | { readonly kind: 'row'; readonly row: ConfiguredRow }
  | { readonly kind: 'reload'; readonly enabled: boolean }
  | { readonly kind: 'ignored'; readonly issue: ReadIssue }
  /**
   * What glibc does depends on memory the file does not decide: any of `outcomes`. `crash` when
   * crashing is the only one (every program crashes).
   */
  | {
      readonly kind: 'undefined';
      readonly crash: boolean;
      readonly outcomes: readonly UndefinedOutcome[];
      readonly issue: ReadIssue;
    };

/** The words glibc sees on a line, and what it makes of them. */
export interface DirectiveReading {
  readonly command: Token;
  readonly value1?: Token;
  readonly value2?: Token;
  /** Fields after the third: glibc never looks at them. */
  readonly extra: readonly Token[];
  readonly directive?: Directive;
  readonly fate: LineFate;
  readonly issues: readonly ReadIssue[];
}

export interface ParsedLine {
  /** 0-based index of the line as glibc splits the file (at LF only). */
  readonly index: number;
  /** Offsets of the line, without its LF. */
  readonly start: number;
  readonly end: number;
  /** What glibc reads, absent for a line with no word before any '#'. */
  readonly reading?: DirectiveReading;
  /** From the first '#' to the end of the line. */
  readonly comment?: Token;
  /** Where the comment starts, -1 without one: what `comment` says, without cutting its text. */
  readonly commentStart: number;
  readonly fate: LineFate;
}

export interface ParsedFile {
  readonly text: string;
  readonly glibc: GlibcVersion;
  readonly generation: ParserGeneration;
  readonly lines: readonly ParsedLine[];
  /** Every issue of every line, in document order. */
  readonly issues: readonly ReadIssue[];
  /** The last reload line decides; false without one. */
  readonly reload: boolean;
}

const EMPTY: LineFate = { kind: 'empty' };

/**
 * A DirectiveReading that keeps where its first three words are rather than an object for each:
 * the words are made when asked for. A file of 100,000 lines has 60,000 readings.
 */
class Reading implements DirectiveReading {
  readonly #source: string;
  readonly commandStart: number;
  readonly commandEnd: number;
  /** -1 without the word. */
  readonly value1Start: number;
  readonly value1End: number;
  readonly value2Start: number;
  readonly value2End: number;

  constructor(
    source: string,
    words: readonly Span[],
    readonly extra: readonly Token[],
    readonly directive: Directive | undefined,
    readonly fate: LineFate,
    readonly issues: readonly ReadIssue[],
  ) {
    this.#source = source;
    const command = words[0];
    const value1 = words.length > 1 ? words[1] : undefined;
    const value2 = words.length > 2 ? words[2] : undefined;
    this.commandStart = command.start;
    this.commandEnd = command.end;
    this.value1Start = value1 ? value1.start : -1;
    this.value1End = value1 ? value1.end : -1;
    this.value2Start = value2 ? value2.start : -1;
    this.value2End = value2 ? value2.end : -1;
  }

  get command(): Token {
    return new Word(this.#source, this.commandStart, this.commandEnd);
  }

  get value1(): Token | undefined {
    return this.value1Start < 0 ? undefined : new Word(this.#source, this.value1Start, this.value1End);
  }

  get value2(): Token | undefined {
    return this.value2Start < 0 ? undefined : new Word(this.#source, this.value2Start, this.value2End);
  }

  /** The same reading in a new text, `delta` characters later. */
  moved(source: string, delta: number, move: (issue: ReadIssue) => ReadIssue): Reading {
    const shift = (span: Token | undefined) => span && { start: span.start + delta, end: span.end + delta };
    const words = [shift(this.command)!, shift(this.value1), shift(this.value2)].filter(
      (span): span is Span => span !== undefined,
    );
    const fate: LineFate =
      this.fate.kind === 'ignored' || this.fate.kind === 'undefined'
        ? { ...this.fate, issue: move(this.fate.issue) }
        : this.fate;
    return new Reading(
      source,
      words,
      this.extra.length > 0 ? this.extra.map((t) => new Word(source, t.start + delta, t.end + delta)) : this.extra,
      this.directive,
      fate,
      this.issues.length > 0 ? this.issues.map(move) : this.issues,
    );
  }
}

/**
 * A line as parseGaiConf keeps it. Its comment is cut from the text only when asked for: most
 * lines of a long file are comments, and nothing asks about most of them.
 */
class ReadLine implements ParsedLine {
  readonly #text: string;

  constructor(
    text: string,
    readonly index: number,
    readonly start: number,
    readonly end: number,
    readonly reading: DirectiveReading | undefined,
    readonly fate: LineFate,
    readonly commentStart: number,
  ) {
    this.#text = text;
  }

  get comment(): Token | undefined {
    const start = this.commentStart;
    if (start < 0) return undefined;
    const end = this.end - (this.end > start && this.#text.charCodeAt(this.end - 1) === 0x0d ? 1 : 0);
    return { text: this.#text.slice(start, end), start, end };
  }

  /** The same line moved by `delta` characters and `lines` lines in a new text. */
  moved(text: string, delta: number, lines: number, move: (issue: ReadIssue) => ReadIssue): ReadLine {
    const reading = this.reading && (this.reading as Reading).moved(text, delta, move);
    const hashAt = this.commentStart < 0 ? -1 : this.commentStart + delta;
    return new ReadLine(
      text,
      this.index + lines,
      this.start + delta,
      this.end + delta,
      reading,
      reading?.fate ?? EMPTY,
      hashAt,
    );
  }
}

/** State that glibc carries from one line to the next. */
export interface ReaderState {
  /** Up to 2.40, a line without /bits reads an end pointer left by earlier lines (or a wild one). */
  readonly pointers: EndPointers;
  /**
   * The prefix bytes read so far, by text: rows restate the same prefixes (the stock file's
   * commented-out built-in rows, one network in several tables), and each is then one shared,
   * never written array instead of one per row.
   */
  readonly prefixes: Map<string, Bytes16>;
}

type Span = { readonly start: number; readonly end: number };

/**
 * The prefix bytes a reading keeps, 16 to a row, share buffers of 256 prefixes: a Uint8Array with
 * a buffer of its own takes some 180 bytes of heap, and a file of 100,000 lines has 40,000 rows.
 */
const PREFIXES_PER_BUFFER = 256;
let prefixBuffer = new ArrayBuffer(0);
let prefixBufferUsed = 0;

/** Where a prefix is parsed before it is kept (interned): most are new, and each is copied once. */
const parsedPrefix = new Uint8Array(16);

function keptBytes(bytes: Bytes16): Bytes16 {
  if (prefixBufferUsed === prefixBuffer.byteLength) {
    prefixBuffer = new ArrayBuffer(16 * PREFIXES_PER_BUFFER);
    prefixBufferUsed = 0;
  }
  const kept = new Uint8Array(prefixBuffer, prefixBufferUsed, 16);
  kept.set(bytes);
  prefixBufferUsed += 16;
  return kept;
}

/**
 * Shared by every line and reading without issues or extra fields (most of them): a file of
 * 100,000 lines would otherwise hold 100,000 empty arrays.
 */
const NONE: readonly never[] = Object.freeze([]);

/** The directive a word between two offsets names, if it names one. */
export function directiveAt(text: string, start: number, end: number): Directive | undefined {
  for (let i = 0; i < DIRECTIVES.length; i++) {
    const directive = DIRECTIVES[i];
    if (end - start === directive.length && text.startsWith(directive, start)) return directive;
  }
  return undefined;
}

/** Reads the words of one line after another: one reader serves a whole file. */
class LineReader {
  issues: readonly ReadIssue[] = NONE;
  /** The text of the line being read: number fields are read in it by offsets. */
  private text = '';
  /** Up to 2.40 an empty number field counts as 0. */
  private readonly emptyIsZero: boolean;

  constructor(
    private readonly generation: ParserGeneration,
    private readonly state: ReaderState,
  ) {
    this.emptyIsZero = generation === 'up-to-2.40';
  }

  private report(issue: ReadIssue): void {
    this.issues = [...this.issues, issue];
  }

  private ignored(issue: ReadIssue): LineFate {
    this.report(issue);
    return { kind: 'ignored', issue };
  }

  read(text: string, fields: readonly Token[]): Reading {
    this.text = text;
    this.issues = NONE;
    const command = fields[0];
    const value1 = fields.length > 1 ? fields[1] : undefined;
    const value2 = fields.length > 2 ? fields[2] : undefined;
    const extra = fields.length > 3 ? fields.slice(3) : NONE;
    const directive = directiveAt(text, command.start, command.end);
    const fate = directive ? this.readDirective(directive, command, value1, value2) : this.unknown(command);
    if (directive && extra.length > 0) {
      this.report({
        code: 'extra-fields',
        start: extra[0].start,
        end: extra[extra.length - 1].end,
        directive,
        words: extra.map((t) => t.text),
      });
    }
    return new Reading(text, fields, extra, directive, fate, this.issues);
  }

  private unknown(command: Token): LineFate {
    const span = { start: command.start, end: command.end };
    if (command.text.startsWith('\uFEFF')) return this.ignored({ code: 'byte-order-mark', ...span });
    return this.ignored({ code: 'unknown-directive', ...span, word: command.text });
  }

  private readDirective(
    directive: Directive,
    command: Token,
    value1: Token | undefined,
    value2: Token | undefined,
  ): LineFate {
    if (directive === 'reload') return this.reload(command, value1);
    if (!value1)
      return this.ignored({
        code: 'missing-address',
        start: command.start,
        end: command.end,
        directive,
        where: 'no-values',
      });
    return directive === 'scopev4' ? this.scopev4(value1, value2) : this.prefixRow(directive, value1, value2);
  }

  private reload(command: Token, value: Token | undefined): LineFate {
    const enabled = value?.text === 'yes';
    if (enabled) this.report({ code: 'reload-enabled', start: command.start, end: value!.end });
    else if (value?.text !== 'no') {
      const span = value ?? command;
      this.report({ code: 'reload-value', start: span.start, end: span.end, ...(value ? { value: value.text } : {}) });
    }
    return { kind: 'reload', enabled };
  }

  /** Why text is not an IPv6 address glibc reads. */
  private addressProblem(token: Token, address: string, directive: Directive): LineFate {
    const span = { start: token.start, end: token.start + address.length };
    if (address === '')
      return this.ignored({
        code: 'missing-address',
        start: token.start,
        end: token.end,
        directive,
        where: 'before-slash',
      });
    if (address.includes('%')) return this.ignored({ code: 'zone-id', ...span, address });
    return this.ignored({ code: 'invalid-address', ...span, address });
  }

  /**
   * The issue a number field (the line's text between `from` and `to`) raises, and the fate when
   * glibc refuses the line because of it; `span` is where the issue is shown.
   */
  private numberProblem(
    reading: NumberReading,
    span: Span,
    from: number,
    to: number,
    field: NumberField,
    min: number,
    max: number,
  ): LineFate | undefined {
    if (reading.problem === undefined) {
      if (reading.emptyReadAsZero)
        this.report({ code: 'empty-number', ...span, field, outcome: 'read-as-zero', min, max });
      else if (reading.unusualForm)
        this.report({ code: 'unusual-number', ...span, text: this.text.slice(from, to), value: reading.value });
      return undefined;
    }
    const text = this.text.slice(from, to);
    switch (reading.problem) {
      case 'empty':
        return this.ignored({ code: 'empty-number', ...span, field, outcome: 'refused', min, max });
      case 'not-decimal':
        return this.ignored({ code: 'invalid-number', ...span, field, text });
      case 'overflow':
      case 'out-of-range':
        if (reading.emptyReadAsZero)
          return this.ignored({ code: 'empty-number', ...span, field, outcome: 'zero-out-of-range', min, max });
        return this.ignored({ code: 'number-out-of-range', ...span, field, text, min, max });
    }
  }

  /** The prefix length after the '/' at `slash` of the first value: its value, or the line's fate. */
  private readBits(
    directive: PrefixDirective,
    value1: Token,
    slash: number,
    field: NumberField,
    min: number,
    max: number,
  ): LineFate | number {
    const from = value1.start + slash + 1;
    this.state.pointers.numberParsed(directive, 'bits');
    const plain = plainDecimal(this.text, from, value1.end);
    if (plain >= min && plain <= max) return plain;
    const reading = readNumberField(this.text, min, max, this.emptyIsZero, from, value1.end);
    // An empty length is shown on its "/".
    const span = { start: from === value1.end ? from - 1 : from, end: value1.end };
    return this.numberProblem(reading, span, from, value1.end, field, min, max) ?? reading.value;
  }

  /** glibc still runs with an empty string for an absent value; issues about it point at the prefix. */
  private readValue(table: TableKind, value2: Token | undefined, value1: Token): LineFate | number {
    const from = value2 ? value2.start : 0;
    const to = value2 ? value2.end : 0;
    const plain = plainDecimal(this.text, from, to);
    if (plain >= 0 && plain <= INT_MAX) return plain;
    const reading = readNumberField(this.text, 0, INT_MAX, this.emptyIsZero, from, to);
    const field: NumberField = table === 'scopev4' ? 'scope value' : `${table} value`;
    const span = value2 ?? value1;
    return (
      this.numberProblem(reading, { start: span.start, end: span.end }, from, to, field, 0, INT_MAX) ?? reading.value
    );
  }

  /**
   * A prefix without /bits: from 2.41 the full length (undefined returned: read on). Up to 2.40
   * the end pointer decides: a known stale pointer reads on or ignores the line, anything else
   * leaves the line's fate open among the outcomes that can happen.
   */
  private missingBits(
    directive: 'label' | 'precedence' | 'scopev4',
    issue: Extract<ReadIssue, { code: 'missing-prefix-length' }>,
  ): LineFate | undefined {
    if (this.generation === 'from-2.41') {
      this.report(issue);
      return undefined;
    }
    const reading = this.state.pointers.missingBits(directive);
    const outcomes: readonly UndefinedOutcome[] =
      reading.basis === 'leftover-memory' ? reading.outcomes : [reading.outcome];
    const canCrash = outcomes.includes('crash');
    const full: ReadIssue =
      directive === 'scopev4' && canCrash
        ? {
            code: 'scopev4-crash',
            start: issue.start,
            end: issue.end,
            written: issue.written,
            address: issue.address,
            fullBits: issue.fullBits,
            reading,
          }
        : { ...issue, reading };
    if (reading.basis === 'stale-pointer') {
      if (reading.outcome === 'ignored') return this.ignored(full);
      this.report(full);
      return undefined;
    }
    this.report(full);
    if (outcomes.includes('full-length')) this.state.pointers.undetermined(directive);
    return { kind: 'undefined', crash: outcomes.length === 1 && canCrash, outcomes, issue: full };
  }

  private prefixRow(table: 'label' | 'precedence', value1: Token, value2: Token | undefined): LineFate {
    const written = value1.text;
    const slash = written.indexOf('/');
    const address = slash < 0 ? written : written.slice(0, slash);
    let bytes = this.state.prefixes.get(address);
    if (!bytes) {
      const parsed = parseIpv6Bytes(address, parsedPrefix);
      if (parsed) this.state.prefixes.set(address, (bytes = keptBytes(parsed)));
    }
    if (!bytes) {
      if (parseIpv4Bytes(address)) {
        const bits = Number(slash < 0 ? '32' : written.slice(slash + 1));
        return this.ignored({
          code: 'ipv4-prefix',
          start: value1.start,
          end: value1.end,
          table,
          address,
          ...(Number.isInteger(bits) && bits >= 0 && bits <= 32 ? { bits } : {}),
        });
      }
      return this.addressProblem(value1, address, table);
    }
    let bits = 128;
    const pointers = this.state.pointers;
    if (slash < 0) {
      const span = { start: value1.start, end: value1.end };
      const open = this.missingBits(table, {
        code: 'missing-prefix-length',
        ...span,
        directive: table,
        written,
        address,
        fullBits: 128,
        generation: this.generation,
      });
      if (open) return open;
    } else {
      pointers.cutAtSlash();
      const read = this.readBits(table, value1, slash, 'prefix length', 0, 128);
      if (typeof read !== 'number') return read;
      bits = read;
    }
    pointers.numberParsed(table, 'value');
    const value = this.readValue(table, value2, value1);
    if (typeof value !== 'number') return value;
    return { kind: 'row', row: { table, bytes, bits, value } };
  }

  private scopev4(value1: Token, value2: Token | undefined): LineFate {
    const written = value1.text;
    const slash = written.indexOf('/');
    const address = slash < 0 ? written : written.slice(0, slash);
    // Parsed into the scratch array: only the masked network is kept.
    const ipv6 = parseIpv6Bytes(address, parsedPrefix);
    let bytes: Bytes16 = parsedPrefix;
    let minBits = 96;
    let maxBits = 128;
    let offset = 0;
    if (ipv6) {
      if (!isV4Mapped(ipv6))
        return this.ignored({
          code: 'scopev4-not-mapped',
          start: value1.start,
          end: value1.start + address.length,
          address,
        });
    } else {
      const quad = parseIpv4Bytes(address);
      if (!quad) return this.addressProblem(value1, address, 'scopev4');
      bytes = ipv4ToMapped(quad);
      minBits = 0;
      maxBits = 32;
      offset = 96;
    }
    let bits = maxBits;
    const pointers = this.state.pointers;
    if (slash < 0) {
      const span = { start: value1.start, end: value1.end };
      const open = this.missingBits('scopev4', {
        code: 'missing-prefix-length',
        ...span,
        directive: 'scopev4',
        written,
        address,
        fullBits: maxBits,
        generation: this.generation,
      });
      if (open) return open;
    } else {
      pointers.cutAtSlash();
      const field = ipv6 ? 'prefix length of a v4-mapped prefix' : 'prefix length';
      const read = this.readBits('scopev4', value1, slash, field, minBits, maxBits);
      if (typeof read !== 'number') return read;
      bits = read;
    }
    pointers.numberParsed('scopev4', 'value');
    const value = this.readValue('scopev4', value2, value1);
    if (typeof value !== 'number') return value;
    const storedBits = bits + offset;
    const key = `${address}/${storedBits}`;
    let stored = this.state.prefixes.get(key);
    if (!stored) this.state.prefixes.set(key, (stored = keptBytes(maskBytes(bytes, storedBits, parsedPrefix))));
    return { kind: 'row', row: { table: 'scopev4', bytes: stored, bits: storedBits, value } };
  }
}

/** Bytes that change where glibc's line or words end. */
function layoutIssues(
  text: string,
  layout: LineLayout,
  fields: readonly Token[],
  textHasCr: boolean,
): readonly ReadIssue[] {
  let issues: ReadIssue[] | undefined;
  if (layout.nulAt >= 0) (issues ??= []).push({ code: 'nul-byte', start: layout.nulAt, end: layout.end });
  for (let i = layout.start; textHasCr && i < layout.contentEnd; i++) {
    if (text.charCodeAt(i) === 0x0d && i + 1 < layout.end && fields.some((f) => f.start > i)) {
      (issues ??= []).push({ code: 'carriage-return', start: i, end: i + 1 });
      break;
    }
  }
  if (layout.hashAt > layout.start && !isCSpace(text.charCodeAt(layout.hashAt - 1)) && fields.length > 0) {
    const last = fields[fields.length - 1];
    (issues ??= []).push({ code: 'comment-in-token', start: last.start, end: layout.hashAt + 1, word: last.text });
  }
  return issues ?? NONE;
}

export interface ParseOptions {
  readonly glibc: GlibcVersion;
}

/** Reads the lines of `text` from offset `from` (a line start) up to offset `to` (a line start, or the end). */
function readLines(
  text: string,
  from: number,
  to: number,
  firstIndex: number,
  options: ParseOptions,
  lines: ParsedLine[],
  issues: ReadIssue[],
): void {
  const generation = parserGeneration(options.glibc);
  const state: ReaderState = {
    pointers: new EndPointers(generation === 'up-to-2.40' ? measuredBuild(options.glibc.minor) : undefined),
    prefixes: new Map(),
  };
  const reader = new LineReader(generation, state);
  // The words of the line being read: nothing keeps the array itself.
  const words: Token[] = [];
  const textHasCr = text.includes('\r');
  let start = from;
  for (let index = firstIndex; start < to; index++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    state.pointers.startLine(index, text, end < text.length, start, end);
    let first = start;
    while (first < end && isCSpace(text.charCodeAt(first))) first++;
    if (first === end || text.charCodeAt(first) === 0x23) {
      // Blank or only a comment, like most lines of a long file: no word, nothing to report.
      lines.push(new ReadLine(text, index, start, end, undefined, EMPTY, first === end ? -1 : first));
    } else {
      const layout = layoutLine(text, start, end);
      const fields = splitFields(text, start, layout.contentEnd, words);
      const found = layoutIssues(text, layout, fields, textHasCr);
      for (let i = 0; i < found.length; i++) issues.push(found[i]);
      const reading = fields.length > 0 ? reader.read(text, fields) : undefined;
      if (reading) for (let i = 0; i < reading.issues.length; i++) issues.push(reading.issues[i]);
      lines.push(new ReadLine(text, index, start, end, reading, reading?.fate ?? EMPTY, layout.hashAt));
    }
    start = end + 1;
  }
}

function lastReload(lines: readonly ParsedLine[]): boolean {
  for (let i = lines.length - 1; i >= 0; i--) {
    const fate = lines[i].fate;
    if (fate.kind === 'reload') return fate.enabled;
  }
  return false;
}

/**
 * Up to 2.40, a line without /bits reads what earlier lines left in glibc's line buffer: only a
 * file without one has lines whose reading depends on nothing but their own text.
 */
export function linesReadAlone(generation: ParserGeneration, issues: readonly ReadIssue[]): boolean {
  return (
    generation === 'from-2.41' ||
    !issues.some((issue) => issue.code === 'missing-prefix-length' || issue.code === 'scopev4-crash')
  );
}

/**
 * Reads `text` as glibc does. With `previous`, the reading of an earlier version of the same
 * document read with the same options, the lines the change left alone are kept (moved, after
 * it) and only the changed ones read again, whenever each line's reading depends on its text
 * alone; the result is the one a reading from scratch gives (test/fuzz/incremental.test.ts).
 */
export function parseGaiConf(text: string, options: ParseOptions, previous?: ParsedFile): ParsedFile {
  const generation = parserGeneration(options.glibc);
  const reused = previous && previous.generation === generation && reuseLines(previous, text, options);
  if (reused) return reused;
  const lines: ParsedLine[] = [];
  const issues: ReadIssue[] = [];
  readLines(text, 0, text.length, 0, options, lines, issues);
  return { text, glibc: options.glibc, generation, lines, issues, reload: lastReload(lines) };
}

function reuseLines(previous: ParsedFile, text: string, options: ParseOptions): ParsedFile | undefined {
  const generation = previous.generation;
  if (!linesReadAlone(generation, previous.issues)) return undefined;
  const old = previous.text;
  const shortest = Math.min(old.length, text.length);
  const same = commonPrefixLength(old, text);
  const sameEnd = commonSuffixLength(old, text, shortest - same);
  const oldLines = previous.lines as readonly ReadLine[];
  // Kept as they are: the lines that end, with their LF, before the first changed character.
  let before = 0;
  while (before < oldLines.length && oldLines[before].end < same && oldLines[before].end < old.length) before++;
  // Kept and moved: the lines that start, after their preceding LF, within the unchanged end.
  const unchangedFrom = old.length - sameEnd;
  let after = oldLines.length;
  while (after > before && oldLines[after - 1].start > unchangedFrom) after--;
  const delta = text.length - old.length;
  const from = before < oldLines.length ? oldLines[before].start : old.length;
  const to = after < oldLines.length ? oldLines[after].start + delta : text.length;
  const lines: ParsedLine[] = oldLines.slice(0, before);
  const issues: ReadIssue[] = previous.issues.filter((issue) => issue.start < from);
  const changedIssues = issues.length;
  readLines(text, from, to, before, options, lines, issues);
  if (!linesReadAlone(generation, issues.slice(changedIssues))) return undefined;
  const lineShift = lines.length - after;
  const movedIssues = new Map<ReadIssue, ReadIssue>();
  const move = (issue: ReadIssue): ReadIssue => {
    let moved = movedIssues.get(issue);
    if (!moved) movedIssues.set(issue, (moved = { ...issue, start: issue.start + delta, end: issue.end + delta }));
    return moved;
  };
  const keepAsIs = delta === 0 && lineShift === 0;
  for (let i = after; i < oldLines.length; i++)
    lines.push(keepAsIs ? oldLines[i] : oldLines[i].moved(text, delta, lineShift, move));
  const oldTo = after < oldLines.length ? oldLines[after].start : old.length;
  for (const issue of previous.issues) if (issue.start >= oldTo) issues.push(keepAsIs ? issue : move(issue));
  rememberChangedLines(oldLines, lines, before, keepAsIs ? oldLines.length - after : 0);
  return { text, glibc: options.glibc, generation, lines, issues, reload: lastReload(lines) };
}

/**
 * What glibc would read in `text` between two offsets if it were a line of its own: how the
 * analysis reads a commented-out row. An earlier scopev4 length is assumed, as in any real file
 * that has one, so that only the words decide.
 */
export function readWords(
  text: string,
  start: number,
  end: number,
  generation: ParserGeneration,
  prefixes: Map<string, Bytes16> = new Map(),
): DirectiveReading | undefined {
  return new WordsReader(text, generation, prefixes).read(start, end);
}

/**
 * readWords for many stretches of one text. Only the words decide a reading, so a stretch with
 * the same text as one read before (a commented-out row restated down a long file) is that
 * reading moved to where it is (the same reading: test/unit/reader.test.ts).
 */
export class WordsReader {
  private readonly reader: LineReader;
  private readonly words: Token[] = [];
  private readonly byText = new Map<string, { readonly start: number; readonly reading?: Reading }>();

  constructor(
    private readonly text: string,
    generation: ParserGeneration,
    prefixes: Map<string, Bytes16> = new Map(),
  ) {
    // No build is followed, so the pointers keep no state from one stretch to the next.
    this.reader = new LineReader(generation, { pointers: new EndPointers(undefined, true), prefixes });
  }

  read(start: number, end: number): DirectiveReading | undefined {
    const words = this.text.slice(start, end);
    const known = this.byText.get(words);
    if (known) {
      const delta = start - known.start;
      // An issue both in the fate and in the list stays one object.
      const moved = new Map<ReadIssue, ReadIssue>();
      const move = (issue: ReadIssue): ReadIssue => {
        let shifted = moved.get(issue);
        if (!shifted) moved.set(issue, (shifted = { ...issue, start: issue.start + delta, end: issue.end + delta }));
        return shifted;
      };
      return known.reading?.moved(this.text, delta, move);
    }
    const fields = splitFields(this.text, start, end, this.words);
    const reading = fields.length > 0 ? this.reader.read(this.text, fields) : undefined;
    this.byText.set(words, { start, reading });
    return reading;
  }
}

/** The line that holds an offset (its LF counts as part of it); undefined past the last line. */
export function lineAt(file: Pick<ParsedFile, 'lines'>, offset: number): ParsedLine | undefined {
  const lines = file.lines;
  let low = 0;
  let high = lines.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (lines[mid].end < offset) low = mid + 1;
    else if (lines[mid].start > offset) high = mid - 1;
    else return lines[mid];
  }
  return undefined;
}

/** The prefix bytes as written (before glibc masks scopev4 networks), v4-mapped for IPv4 text. */
export function writtenPrefixBytes(valueText: string): Bytes16 | undefined {
  const slash = valueText.indexOf('/');
  const address = slash < 0 ? valueText : valueText.slice(0, slash);
  const quad = parseIpv4Bytes(address);
  return quad ? ipv4ToMapped(quad) : parseIpv6Bytes(address);
}
