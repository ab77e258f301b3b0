/**
 * Reads gai.conf text line by line exactly as glibc's gaiconf_init does, and records for every
 * line what glibc makes of it (its fate) and what a person would want to know about it (findings).
 */

import { Bytes16, hasHostBits, ipv4ToMapped, isV4Mapped, maskBytes, parseIpv4Bytes, parseIpv6Bytes, prefixContains } from './addresses';
import { IMPLICIT_CATCH_ALL, TableKind } from './builtinTables';
import { DiagnosticCode, Finding } from '../analysis/catalogue';
import { GlibcVersion, ParserGeneration, parserGeneration } from './versions';
import { INT_MAX, NumberReading, readNumberField } from './numbers';
import { rowPrefixText } from './tables';
import { isCSpace } from '../features/positions';

export type Directive = 'label' | 'precedence' | 'scopev4' | 'reload';
export const DIRECTIVES: readonly Directive[] = ['label', 'precedence', 'scopev4', 'reload'];

export interface Token {
  readonly text: string;
  /** Offsets into the whole document. */
  readonly start: number;
  readonly end: number;
}

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

export type LineFate =
  | { readonly kind: 'empty' }
  | { readonly kind: 'row'; readonly row: ConfiguredRow }
  | { readonly kind: 'reload'; readonly enabled: boolean }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'undefined'; readonly crash: boolean; readonly reason: string };

/** The words glibc sees on a line, and what it makes of them. */
export interface DirectiveReading {
  readonly command: Token;
  readonly value1?: Token;
  readonly value2?: Token;
  /** Fields after the third: glibc never looks at them. */
  readonly extra: readonly Token[];
  readonly directive?: Directive;
  readonly fate: LineFate;
  readonly findings: readonly Finding[];
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
  /** A comment that holds a directive glibc would accept if the '#' were removed. */
  readonly commented?: DirectiveReading;
  readonly fate: LineFate;
}

export interface ParsedFile {
  readonly text: string;
  readonly glibc: GlibcVersion;
  readonly generation: ParserGeneration;
  readonly lines: readonly ParsedLine[];
  /** Line-level findings (table-level ones come from the analysis). */
  readonly findings: readonly Finding[];
  /** The last reload line decides; false without one. */
  readonly reload: boolean;
}

const EMPTY: LineFate = { kind: 'empty' };

/** State that glibc carries from one line to the next. */
interface ParserState {
  /**
   * Up to 2.40 a scopev4 line without /bits reads an end pointer that only an earlier scopev4
   * number parse has set; before that it is wild and the process crashes.
   */
  scopev4EndPointerSet: boolean;
}

function splitFields(text: string, from: number, to: number): Token[] {
  const fields: Token[] = [];
  let pos = from;
  while (pos < to) {
    while (pos < to && isCSpace(text.charCodeAt(pos))) pos++;
    if (pos >= to) break;
    const start = pos;
    while (pos < to && !isCSpace(text.charCodeAt(pos))) pos++;
    fields.push({ text: text.slice(start, pos), start, end: pos });
  }
  return fields;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The directive a mistyped or mis-cased word most likely meant. */
export function suggestDirective(word: string): Directive | undefined {
  const lower = word.replace(/^\uFEFF/, '').toLowerCase();
  let best: Directive | undefined;
  let bestDistance = 3;
  for (const directive of DIRECTIVES) {
    const distance = levenshtein(lower, directive);
    if (distance < bestDistance) {
      best = directive;
      bestDistance = distance;
    }
  }
  return best;
}

class LineReader {
  readonly findings: Finding[] = [];

  constructor(
    private readonly generation: ParserGeneration,
    private readonly state: ParserState,
  ) {}

  private report(code: DiagnosticCode, span: { start: number; end: number }, message: string): void {
    this.findings.push({ code, start: span.start, end: span.end, message });
  }

  private ignored(code: DiagnosticCode, span: { start: number; end: number }, message: string): LineFate {
    this.report(code, span, message);
    return { kind: 'ignored', reason: message };
  }

  read(fields: Token[]): DirectiveReading {
    const [command, value1, value2, ...extra] = fields;
    const directive = DIRECTIVES.find((d) => d === command.text);
    const fate = directive ? this.readDirective(directive, command, value1, value2) : this.unknown(command);
    if (fate.kind === 'row') this.rowFindings(fate.row, value1!);
    if (directive && extra.length > 0) {
      const span = { start: extra[0].start, end: extra[extra.length - 1].end };
      this.report('extra-fields', span, `glibc reads only "${directive}" and two values; it ignores ${extra.map((t) => `"${t.text}"`).join(' ')}.`);
    }
    return { command, value1, value2, extra, directive, fate, findings: this.findings };
  }

  /** Things worth knowing about a row glibc accepts. */
  private rowFindings(row: ConfiguredRow, prefix: Token): void {
    const written = writtenPrefixBytes(prefix.text);
    if (written && hasHostBits(written, row.bits)) {
      const canonical = rowPrefixText({ table: row.table, bytes: maskBytes(written, row.bits), bits: row.bits });
      this.report('host-bits', prefix, `"${prefix.text}" has bits set after its first ${row.table === 'scopev4' ? row.bits - 96 : row.bits}; glibc compares only those, so this row is ${canonical}.`);
    }
    const catchAll = row.bits === (row.table === 'scopev4' ? 96 : 0);
    if (catchAll && row.value !== IMPLICIT_CATCH_ALL[row.table]) {
      this.report('catch-all-value', prefix, `Every address without a more specific ${row.table} row gets ${row.value} instead of glibc's default ${IMPLICIT_CATCH_ALL[row.table]}.`);
    }
    if (row.table !== 'scopev4' && row.bits >= 10 && prefixContains(SITE_LOCAL, 10, row.bytes)) {
      this.report('site-local', prefix, 'fec0::/10 (site-local) was deprecated by RFC 3879 in 2004; no current network should use it, so this row rarely matters.');
    }
  }

  private unknown(command: Token): LineFate {
    if (command.text.startsWith('\uFEFF')) {
      return this.ignored('byte-order-mark', command, 'The file starts with a UTF-8 byte order mark; glibc reads it as part of the first word, so it does not recognise this directive and ignores the line. Save the file without a BOM.');
    }
    const suggestion = suggestDirective(command.text);
    const hint = suggestion ? ` Did you mean "${suggestion}"?` : ' Directives are label, precedence, scopev4 and reload, in lower case.';
    return this.ignored('unknown-directive', command, `glibc ignores this line: "${command.text}" is not a directive.${hint}`);
  }

  private readDirective(directive: Directive, command: Token, value1: Token | undefined, value2: Token | undefined): LineFate {
    if (directive === 'reload') return this.reload(command, value1);
    if (!value1) {
      return this.ignored('missing-address', command, `glibc ignores this line: "${directive}" needs a prefix and a value.`);
    }
    return directive === 'scopev4' ? this.scopev4(value1, value2) : this.prefixRow(directive, value1, value2);
  }

  private reload(command: Token, value: Token | undefined): LineFate {
    const enabled = value?.text === 'yes';
    if (enabled) {
      this.report('reload-enabled', { start: command.start, end: value!.end }, 'Every getaddrinfo() call with several answers will check whether this file changed and re-read it. glibc\'s own documentation advises against it (runtime cost, races); edits are picked up by newly started programs anyway.');
    } else if (value?.text !== 'no') {
      const what = value ? `"${value.text}"` : 'a bare "reload"';
      this.report('reload-value', value ?? command, `${what} turns reloading off: glibc enables it only for a lowercase "yes".`);
    }
    return { kind: 'reload', enabled };
  }

  /** Explains why text is not an IPv6 address glibc reads. */
  private addressProblem(token: Token, addressText: string, tableWord: string): LineFate {
    const span = { start: token.start, end: token.start + addressText.length };
    if (addressText === '') return this.ignored('missing-address', token, `glibc ignores this line: the ${tableWord} has no address before "/".`);
    if (addressText.includes('%')) {
      return this.ignored('zone-id', span, `glibc ignores this line: "${addressText}" has a zone id, which gai.conf prefixes cannot carry. Remove "%${addressText.split('%')[1]}".`);
    }
    return this.ignored('invalid-address', span, `glibc ignores this line: "${addressText}" is not an IPv6 address glibc can read${ipv6Hint(addressText)}.`);
  }

  private numberProblem(reading: NumberReading, token: Token, text: string, what: string, min: number, max: number): LineFate | undefined {
    if (reading.problem === undefined) {
      if (reading.emptyReadAsZero) {
        this.report('empty-number', token, `The ${what} is empty. glibc up to 2.40 reads an empty number as 0, so this line takes effect with ${what} 0; from 2.41 it is ignored.`);
      } else if (reading.unusualForm) {
        this.report('unusual-number', token, `glibc reads "${text}" as ${reading.value}; write ${reading.value}.`);
      }
      return undefined;
    }
    switch (reading.problem) {
      case 'empty':
        return this.ignored('empty-number', token, `glibc ignores this line: the ${what} is empty (from glibc 2.41 an empty number is refused; up to 2.40 it counted as 0).`);
      case 'not-decimal':
        return this.ignored('invalid-number', token, `glibc ignores this line: "${text}" is not a plain decimal ${what}${/^[+-]?0[xX]/.test(text) ? ' (hexadecimal is not read)' : ''}.`);
      case 'overflow':
      case 'out-of-range':
        if (reading.emptyReadAsZero) {
          return this.ignored('empty-number', token, `glibc ignores this line: the ${what} is empty, which glibc up to 2.40 reads as 0, outside ${min}..${max} (from 2.41 an empty number is refused outright).`);
        }
        return this.ignored('number-out-of-range', token, `glibc ignores this line: the ${what} "${text}" is outside ${min}..${max}.`);
    }
  }

  /** glibc still runs with an empty string for an absent value; findings about it point at the prefix. */
  private valueField(value: Token | undefined, prefix: Token): Token {
    return value ?? { text: '', start: prefix.start, end: prefix.end };
  }

  private prefixRow(table: 'label' | 'precedence', value1: Token, value2: Token | undefined): LineFate {
    const slash = value1.text.indexOf('/');
    const addressText = slash < 0 ? value1.text : value1.text.slice(0, slash);
    const bytes = parseIpv6Bytes(addressText);
    if (!bytes) {
      const quad = parseIpv4Bytes(addressText);
      if (quad) {
        const bitsText = slash < 0 ? '32' : value1.text.slice(slash + 1);
        const bits = Number(bitsText);
        const mapped = Number.isInteger(bits) && bits >= 0 && bits <= 32 ? `::ffff:${addressText}/${bits + 96}` : `::ffff:${addressText}/(bits+96)`;
        return this.ignored('ipv4-prefix', value1, `glibc ignores this line: ${table} takes IPv6 prefixes only, and reads IPv4 addresses as v4-mapped IPv6. Write ${mapped}.`);
      }
      return this.addressProblem(value1, addressText, 'prefix');
    }
    let bits = 128;
    if (slash < 0) {
      if (this.generation === 'up-to-2.40') {
        const message = `"${value1.text}" has no /bits. glibc up to 2.40 then reads an uninitialised pointer: undefined behaviour, in practice the line is ignored (Debian 12's glibc 2.36). From 2.41 it means ${addressText}/128. Write the length.`;
        this.report('missing-prefix-length', value1, message);
        return { kind: 'undefined', crash: false, reason: message };
      }
      this.report('missing-prefix-length', value1, `"${value1.text}" has no /bits: glibc 2.41 and later read it as ${addressText}/128, while glibc up to 2.40 ignores the line (undefined behaviour). Write /128 so every version agrees.`);
    } else {
      const bitsToken = { text: value1.text.slice(slash + 1), start: value1.start + slash + 1, end: value1.end };
      const bitsSpan = bitsToken.text === '' ? { ...bitsToken, start: value1.start + slash } : bitsToken;
      const reading = readNumberField(bitsToken.text, 0, 128, this.generation === 'up-to-2.40');
      const problem = this.numberProblem(reading, bitsSpan, bitsToken.text, 'prefix length', 0, 128);
      if (problem) return problem;
      bits = reading.value;
    }
    const valueToken = this.valueField(value2, value1);
    const reading = readNumberField(valueToken.text, 0, INT_MAX, this.generation === 'up-to-2.40');
    const problem = this.numberProblem(reading, valueToken, valueToken.text, `${table} value`, 0, INT_MAX);
    if (problem) return problem;
    return { kind: 'row', row: { table, bytes, bits, value: reading.value } };
  }

  private scopev4(value1: Token, value2: Token | undefined): LineFate {
    const slash = value1.text.indexOf('/');
    const addressText = slash < 0 ? value1.text : value1.text.slice(0, slash);
    const bitsText = slash < 0 ? undefined : value1.text.slice(slash + 1);
    const ipv6 = parseIpv6Bytes(addressText);
    let bytes: Bytes16;
    let minBits: number;
    let maxBits: number;
    let offset: number;
    if (ipv6) {
      if (!isV4Mapped(ipv6)) {
        return this.ignored('scopev4-not-mapped', { start: value1.start, end: value1.start + addressText.length }, `glibc ignores this line: "${addressText}" is IPv6 but not v4-mapped. scopev4 takes ::ffff:a.b.c.d/96..128 or a.b.c.d/0..32.`);
      }
      [bytes, minBits, maxBits, offset] = [ipv6, 96, 128, 0];
    } else {
      const quad = parseIpv4Bytes(addressText);
      if (!quad) return this.addressProblem(value1, addressText, 'scopev4 prefix');
      [bytes, minBits, maxBits, offset] = [ipv4ToMapped(quad), 0, 32, 96];
    }
    let bits = maxBits;
    if (bitsText === undefined) {
      if (this.generation === 'up-to-2.40') {
        if (!this.state.scopev4EndPointerSet) {
          const message = `"${value1.text}" has no /bits. glibc up to 2.40 then reads an uninitialised pointer, and for the first such scopev4 line every program crashes (SIGSEGV) at its first lookup with several answers. Write "${addressText}/${maxBits}".`;
          this.report('scopev4-crash', value1, message);
          return { kind: 'undefined', crash: true, reason: message };
        }
        const message = `"${value1.text}" has no /bits. glibc up to 2.40 then compares against leftover memory from an earlier scopev4 line: whether the line is accepted is undefined. From 2.41 it means /${maxBits}. Write the length.`;
        this.report('missing-prefix-length', value1, message);
        return { kind: 'undefined', crash: false, reason: message };
      }
      this.report('missing-prefix-length', value1, `"${value1.text}" has no /bits: glibc 2.41 and later read it as /${maxBits}; glibc up to 2.40 crashes or ignores it. Write /${maxBits} so every version agrees.`);
    } else {
      this.state.scopev4EndPointerSet = true;
      const bitsToken = { text: bitsText, start: value1.start + slash + 1, end: value1.end };
      const bitsSpan = bitsText === '' ? { ...bitsToken, start: value1.start + slash } : bitsToken;
      const reading = readNumberField(bitsText, minBits, maxBits, this.generation === 'up-to-2.40');
      const problem = this.numberProblem(reading, bitsSpan, bitsText, ipv6 ? 'prefix length of a v4-mapped prefix' : 'prefix length', minBits, maxBits);
      if (problem) return problem;
      bits = reading.value;
    }
    const valueToken = this.valueField(value2, value1);
    const reading = readNumberField(valueToken.text, 0, INT_MAX, this.generation === 'up-to-2.40');
    const problem = this.numberProblem(reading, valueToken, valueToken.text, 'scope value', 0, INT_MAX);
    if (problem) return problem;
    const storedBits = bits + offset;
    return { kind: 'row', row: { table: 'scopev4', bytes: maskBytes(bytes, storedBits), bits: storedBits, value: reading.value } };
  }
}

const SITE_LOCAL = parseIpv6Bytes('fec0::')!;

/** The prefix bytes as written (before glibc masks scopev4 networks), v4-mapped for IPv4 text. */
export function writtenPrefixBytes(valueText: string): Bytes16 | undefined {
  const addressText = valueText.split('/')[0];
  const quad = parseIpv4Bytes(addressText);
  return quad ? ipv4ToMapped(quad) : parseIpv6Bytes(addressText);
}

function ipv6Hint(text: string): string {
  if (/[^0-9a-fA-F:.]/.test(text)) return ` (it contains "${text.match(/[^0-9a-fA-F:.]/)![0]}")`;
  if ((text.match(/::/g) ?? []).length > 1) return ' ("::" may appear only once)';
  if (/[0-9a-fA-F]{5,}/.test(text)) return ' (a group has more than four hex digits)';
  if (text.includes('.')) return ' (an embedded IPv4 address must be the last 32 bits, four decimal octets without leading zeros)';
  if (/^:[^:]|[^:]:$/.test(text)) return ' (a single ":" cannot start or end an address)';
  return ' (it needs eight groups, or "::" for a run of zero groups)';
}

interface LineLayout {
  readonly start: number;
  /** Before the LF (and any NUL or '#'). */
  readonly end: number;
  readonly contentEnd: number;
  readonly hashAt: number;
  readonly nulAt: number;
}

function layoutLine(text: string, start: number, end: number): LineLayout {
  let contentEnd = end;
  let hashAt = -1;
  let nulAt = -1;
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x23 || ch === 0) {
      contentEnd = i;
      if (ch === 0x23) hashAt = i;
      else nulAt = i;
      break;
    }
  }
  return { start, end, contentEnd, hashAt, nulAt };
}

/** Findings about bytes that change where glibc's line or words end. */
function layoutFindings(text: string, layout: LineLayout, fields: Token[]): Finding[] {
  const findings: Finding[] = [];
  if (layout.nulAt >= 0) {
    findings.push({ code: 'nul-byte', start: layout.nulAt, end: layout.end, message: 'A NUL byte ends the line for glibc: everything after it on this line is ignored.' });
  }
  for (let i = layout.start; i < layout.contentEnd; i++) {
    if (text.charCodeAt(i) === 0x0d && i + 1 < layout.end) {
      const after = fields.find((f) => f.start > i);
      if (after) {
        findings.push({ code: 'carriage-return', start: i, end: i + 1, message: 'This CR is not followed by LF: editors show a line break here, but glibc reads the next line as more words of this one.' });
        break;
      }
    }
  }
  if (layout.hashAt > layout.start && !isCSpace(text.charCodeAt(layout.hashAt - 1)) && fields.length > 0) {
    const last = fields[fields.length - 1];
    findings.push({ code: 'comment-in-token', start: last.start, end: layout.hashAt + 1, message: `"#" starts a comment even inside a word: glibc reads "${last.text}" and nothing after the "#".` });
  }
  return findings;
}

export interface ParseOptions {
  readonly glibc: GlibcVersion;
}

export function parseGaiConf(text: string, options: ParseOptions): ParsedFile {
  const generation = parserGeneration(options.glibc);
  const state: ParserState = { scopev4EndPointerSet: false };
  const lines: ParsedLine[] = [];
  const findings: Finding[] = [];
  let reload = false;
  let start = 0;
  for (let index = 0; start < text.length; index++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const layout = layoutLine(text, start, end);
    const fields = splitFields(text, start, layout.contentEnd);
    findings.push(...layoutFindings(text, layout, fields));
    const reading = fields.length > 0 ? new LineReader(generation, state).read(fields) : undefined;
    if (reading) findings.push(...reading.findings);
    const fate = reading?.fate ?? EMPTY;
    if (fate.kind === 'reload') reload = fate.enabled;
    const comment = layout.hashAt >= 0 ? { text: text.slice(layout.hashAt, end).replace(/\r$/, ''), start: layout.hashAt, end: end - (text.charCodeAt(end - 1) === 0x0d ? 1 : 0) } : undefined;
    const commented = comment && fields.length === 0 ? readCommentedDirective(text, comment, generation) : undefined;
    lines.push({ index, start, end, reading, comment, commented, fate });
    start = end + 1;
  }
  return { text, glibc: options.glibc, generation, lines, findings, reload };
}

/** A comment such as "#label fc00::/7 6" or "# precedence ::1/128 50". */
function readCommentedDirective(text: string, comment: Token, generation: ParserGeneration): DirectiveReading | undefined {
  // Scans only this comment: searching the rest of the file made parsing quadratic in comment lines.
  let end = comment.start + 1;
  while (end < comment.end && text.charCodeAt(end) !== 0x23 && text.charCodeAt(end) !== 0) end++;
  const fields = splitFields(text, comment.start + 1, end);
  if (fields.length < 2 || !DIRECTIVES.includes(fields[0].text as Directive)) return undefined;
  const reading = new LineReader(generation, { scopev4EndPointerSet: true }).read(fields);
  const accepted = reading.fate.kind === 'row' || (reading.fate.kind === 'reload' && /^(yes|no)$/.test(reading.value1?.text ?? ''));
  return accepted && reading.extra.length === 0 ? reading : undefined;
}
