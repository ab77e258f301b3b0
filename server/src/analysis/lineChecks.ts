/**
 * Findings about single lines: every issue glibc's reader records, worded for people, and what
 * is worth knowing about rows glibc accepts (host bits, a catch-all with another value, site-local).
 */

import { hasHostBits, maskBytes, parseIpv6Bytes, prefixContains } from '../glibc/addresses';
import { IMPLICIT_CATCH_ALL } from '../glibc/builtinTables';
import { MissingBitsReading, UndefinedOutcome } from '../glibc/endPointer';
import { changedLines } from '../glibc/lineChanges';
import {
  ConfiguredRow,
  Directive,
  DIRECTIVES,
  ParsedFile,
  ParsedLine,
  ReadIssue,
  writtenPrefixBytes,
} from '../glibc/reader';
import { rowPrefixText } from '../glibc/tables';
import { Finding, quoted } from './catalogue';

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
    // The distance is at least the difference in length: a word that far off is not worth comparing.
    if (Math.abs(lower.length - directive.length) >= bestDistance) continue;
    const distance = levenshtein(lower, directive);
    if (distance < bestDistance) {
      best = directive;
      bestDistance = distance;
    }
  }
  return best;
}

function ipv6Hint(text: string): string {
  if (/[^0-9a-fA-F:.]/.test(text)) return ` (it contains "${text.match(/[^0-9a-fA-F:.]/)![0]}")`;
  if ((text.match(/::/g) ?? []).length > 1) return ' ("::" may appear only once)';
  if (/[0-9a-fA-F]{5,}/.test(text)) return ' (a group has more than four hex digits)';
  if (text.includes('.'))
    return ' (an embedded IPv4 address must be the last 32 bits, four decimal octets without leading zeros)';
  if (/^:[^:]|[^:]:$/.test(text)) return ' (a single ":" cannot start or end an address)';
  return ' (it needs eight groups, or "::" for a run of zero groups)';
}

/** What a line without /bits can do, as "the line can ..." says it. */
function outcomeText(outcome: UndefinedOutcome, full: string, short: boolean): string {
  switch (outcome) {
    case 'ignored':
      return 'be ignored';
    case 'full-length':
      return `be read as ${full}`;
    case 'crash':
      return short ? 'crash programs' : 'crash the program (SIGSEGV) at its first lookup with several answers';
  }
}

/** "be ignored, be read as ... or crash ...", in that order. */
function outcomeList(outcomes: readonly UndefinedOutcome[], full: string, short = false): string {
  const texts = (['ignored', 'full-length', 'crash'] as const)
    .filter((o) => outcomes.includes(o))
    .map((o) => outcomeText(o, full, short));
  return texts.length <= 1 ? texts.join('') : `${texts.slice(0, -1).join(', ')} or ${texts[texts.length - 1]}`;
}

const MEASURED_TEXT: Readonly<Record<UndefinedOutcome, string>> = {
  ignored: 'it was ignored',
  'full-length': 'it was read as the full length',
  crash: "it crashed this project's test program",
};

/** What glibc up to 2.40 makes of a prefix without /bits, from what decides it on this build. */
function undefinedReading(reading: MissingBitsReading, full: string): string {
  const pointer = 'glibc up to 2.40 then tests an end pointer that nothing on this line set (undefined behaviour)';
  switch (reading.basis) {
    case 'stale-pointer': {
      const lands = `on ${reading.build} it still points where the number on line ${reading.setByLine + 1} ended, which in this line's buffer is`;
      return reading.outcome === 'full-length'
        ? `${pointer}: ${lands} a NUL, so the line is read as ${full} (the same for every program on that build; other builds can differ).`
        : `${pointer}: ${lands} not a NUL, so glibc ignores the line (the same for every program on that build; other builds can differ).`;
    }
    case 'wild-pointer':
      return `${pointer}: on ${reading.build} no number of this kind was read before, the pointer is wild, and every program crashes (SIGSEGV) at its first lookup with several answers.`;
    case 'leftover-memory': {
      const m = reading.measured;
      const measured = m
        ? ` On ${m.build}, ${MEASURED_TEXT[m.outcome]} every time it was measured, but nothing guarantees that.`
        : ' Nothing guarantees one of them.';
      return `${pointer}, so leftover memory decides: the line can ${outcomeList(reading.outcomes, full)}.${measured}`;
    }
  }
}

/** The full prefix a missing /bits stands for, as "write ..." says it. */
function fullPrefix(issue: Extract<ReadIssue, { code: 'missing-prefix-length' | 'scopev4-crash' }>): string {
  return `${issue.address}/${issue.fullBits}`;
}

/** What this glibc build does with the line, first; then what to write. The mechanism is the detail. */
function missingLengthMessage(issue: Extract<ReadIssue, { code: 'missing-prefix-length' | 'scopev4-crash' }>): string {
  const bits = `/${issue.fullBits}`;
  const write = `Write ${quoted(fullPrefix(issue), 48)}.`;
  if (issue.code === 'missing-prefix-length' && issue.generation === 'from-2.41') {
    return `No /bits: glibc 2.41+ reads ${bits}, but up to 2.40 the line can be ignored, read as ${bits} or crash programs. ${write}`;
  }
  const reading = issue.reading!;
  switch (reading.basis) {
    case 'stale-pointer':
      return reading.outcome === 'full-length'
        ? `No /bits: ${reading.build} reads ${bits} here (by chance of line ${reading.setByLine + 1}'s number); other builds differ. ${write}`
        : `No /bits: ${reading.build} ignores this line (by chance of line ${reading.setByLine + 1}'s number); other builds differ. ${write}`;
    case 'wild-pointer':
      return `No /bits: on ${reading.build} every program crashes (SIGSEGV) at its first lookup with several answers. ${write}`;
    case 'leftover-memory':
      return `No /bits: up to glibc 2.40 the line can ${outcomeList(reading.outcomes, bits, true)} (undefined); 2.41+ reads ${bits}. ${write}`;
  }
}

/** How glibc gets there: the end pointer nothing on the line set, and what decides where it points. */
function missingLengthDetail(issue: Extract<ReadIssue, { code: 'missing-prefix-length' | 'scopev4-crash' }>): string {
  const directive = issue.code === 'scopev4-crash' ? 'scopev4' : issue.directive;
  const full = directive === 'scopev4' ? `/${issue.fullBits}` : fullPrefix(issue);
  if (issue.code === 'missing-prefix-length' && issue.generation === 'from-2.41') {
    return `glibc 2.41 and later read "${issue.written}" as ${full}, while glibc up to 2.40 can ignore the line, read it as ${full} or crash, depending on leftover memory (glibc bug 32465). Writing the length makes every version agree.`;
  }
  return `${undefinedReading(issue.reading!, full)} From 2.41 it means ${full} (glibc bug 32465).`;
}

/** The message for an issue glibc's reader recorded. */
export function issueMessage(issue: ReadIssue): string {
  switch (issue.code) {
    case 'byte-order-mark':
      return 'glibc ignores this line: the byte order mark at the start of the file glues onto the first word. Save the file without a BOM.';
    case 'unknown-directive': {
      const suggestion = suggestDirective(issue.word);
      const hint = suggestion
        ? ` Did you mean "${suggestion}"?`
        : ' Directives are label, precedence, scopev4 and reload, in lower case.';
      return `glibc ignores this line: ${quoted(issue.word)} is not a directive.${hint}`;
    }
    case 'extra-fields':
      return `glibc reads only "${issue.directive}" and two values and ignores the rest: ${quoted(issue.words.join(' '), 60)}. Remove it or make it a comment.`;
    case 'missing-address':
      return issue.where === 'no-values'
        ? `glibc ignores this line: "${issue.directive}" needs a prefix and a value.`
        : `glibc ignores this line: the ${issue.directive === 'scopev4' ? 'scopev4 prefix' : 'prefix'} has no address before "/".`;
    case 'reload-enabled':
      return 'Every lookup with several answers re-checks this file; glibc advises against it (cost, races). New programs read edits anyway: write "reload no".';
    case 'reload-value':
      return `${issue.value !== undefined ? `"${issue.value}"` : 'a bare "reload"'} turns reloading off: glibc enables it only for a lowercase "yes".`;
    case 'zone-id':
      return `glibc ignores this line: gai.conf prefixes cannot carry a zone id. Remove ${quoted(`%${issue.address.split('%')[1]}`)}.`;
    case 'invalid-address':
      return `glibc ignores this line: ${quoted(issue.address)} is not an IPv6 address glibc can read${ipv6Hint(issue.address)}.`;
    case 'ipv4-prefix':
      return `glibc ignores this line: ${issue.table} takes IPv6 prefixes only. Write ::ffff:${issue.address}/${issue.bits !== undefined ? issue.bits + 96 : '(bits+96)'} (v4-mapped IPv6).`;
    case 'scopev4-not-mapped':
      return `glibc ignores this line: ${quoted(issue.address)} is IPv6 but not v4-mapped. scopev4 takes a.b.c.d/0..32 or ::ffff:a.b.c.d/96..128.`;
    case 'empty-number':
      switch (issue.outcome) {
        case 'read-as-zero':
          return `The ${issue.field} is empty: glibc up to 2.40 reads it as 0 and uses the line; 2.41+ ignores the line. Write the ${issue.field}.`;
        case 'refused':
          return `glibc ignores this line: the ${issue.field} is empty (glibc 2.41+ refuses it; up to 2.40 it counted as 0). Write the ${issue.field}.`;
        case 'zero-out-of-range':
          return `glibc ignores this line: the ${issue.field} is empty, which glibc up to 2.40 reads as 0, outside ${issue.min}..${issue.max}. Write the ${issue.field}.`;
      }
      break;
    case 'invalid-number':
      return `glibc ignores this line: ${quoted(issue.text)} is not a plain decimal ${issue.field}${/^[+-]?0[xX]/.test(issue.text) ? ' (hexadecimal is not read)' : ''}.`;
    case 'number-out-of-range':
      return `glibc ignores this line: the ${issue.field} ${quoted(issue.text)} is outside ${issue.min}..${issue.max}.`;
    case 'unusual-number':
      return `glibc reads ${quoted(issue.text)} as ${issue.value}; write ${issue.value}.`;
    case 'missing-prefix-length':
      return missingLengthMessage(issue);
    case 'scopev4-crash':
      return missingLengthMessage(issue);
    case 'nul-byte':
      return 'A NUL byte ends the line for glibc: everything after it on this line is ignored.';
    case 'carriage-return':
      return 'This CR is not followed by LF: editors show a line break here, but glibc reads the next line as more words of this one.';
    case 'comment-in-token':
      return `"#" starts a comment even inside a word: glibc reads ${quoted(issue.word)} and nothing after the "#".`;
  }
}

/** How glibc gets to an issue's message, where that takes more than the message says: for the hover. */
export function issueDetail(issue: ReadIssue): string | undefined {
  switch (issue.code) {
    case 'missing-prefix-length':
    case 'scopev4-crash':
      return missingLengthDetail(issue);
    case 'reload-enabled':
      return "With `reload yes`, every getaddrinfo() call with several answers checks whether /etc/gai.conf changed and re-reads it. glibc's documentation advises against it (it may cause problems in multithreaded programs); programs started after an edit read the new file anyway.";
    case 'unknown-directive':
      return 'glibc knows exactly four directives, in lower case: label, precedence, scopev4 and reload. Any other first word makes it skip the line without a word.';
    case 'byte-order-mark':
      return 'glibc reads the UTF-8 byte order mark (EF BB BF) as part of the first word, so the first directive is not recognised.';
    case 'ipv4-prefix':
      return 'glibc looks IPv4 addresses up in the label and precedence tables in their v4-mapped form (::ffff:a.b.c.d): an IPv4 prefix a.b.c.d/n is written ::ffff:a.b.c.d/(n+96).';
    case 'empty-number':
      return 'Up to glibc 2.40 an empty number (`label ::1/128` without a value, `label ::/ 7`) counts as 0; from 2.41 such lines are ignored.';
    default:
      return undefined;
  }
}

const SITE_LOCAL = parseIpv6Bytes('fec0::')!;

/** The fec0::/10 row as glibc's own table (label 5) or RFC 6724's (label 11, precedence 1) has it: copied, not chosen. */
function restatesSiteLocalRow(row: ConfiguredRow): boolean {
  if (row.bits !== 10) return false;
  const values = row.table === 'label' ? [5, 11] : [1];
  return values.includes(row.value);
}

/** Things worth knowing about the rows glibc accepts. */
/**
 * Findings of one line, and of one issue, by object: an edit keeps the lines it did not change
 * (and their issues), whose findings are then not worked out again.
 */
const rowFindingsOf = new WeakMap<ParsedLine, readonly Finding[]>();
const issueFindings = new WeakMap<ReadIssue, Finding>();
const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

/** The row findings of every line of a reading, in document order, for the next version's. */
const rowFindingsOfFile = new WeakMap<ParsedFile, readonly Finding[]>();

function rowFindings(parsed: ParsedFile, previous?: ParsedFile): readonly Finding[] {
  const before = previous && rowFindingsOfFile.get(previous);
  const changed = previous && before ? changedLines(previous.lines, parsed.lines) : undefined;
  const findings: Finding[] = [];
  // A row finding lies within its line: those of the lines the edit kept are told apart by offset.
  const keptUpTo = changed && changed.head < previous!.lines.length ? previous!.lines[changed.head].start : Infinity;
  if (before) for (let i = 0; i < before.length && before[i].start < keptUpTo; i++) findings.push(before[i]);
  for (let i = changed?.head ?? 0; i < (changed?.newEnd ?? parsed.lines.length); i++) {
    const line = parsed.lines[i];
    if (line.fate.kind !== 'row') continue;
    let found = rowFindingsOf.get(line);
    if (!found) {
      found = lineRowFindings(line);
      // Most rows have none: only findings are remembered, not the absence of them, for every row.
      if (found.length > 0) rowFindingsOf.set(line, found);
    }
    for (let f = 0; f < found.length; f++) findings.push(found[f]);
  }
  if (before && changed && changed.oldEnd < previous!.lines.length) {
    const keptFrom = previous!.lines[changed.oldEnd].start;
    for (const finding of before) if (finding.start >= keptFrom) findings.push(finding);
  }
  rowFindingsOfFile.set(parsed, findings);
  return findings;
}

function lineRowFindings(line: ParsedLine): readonly Finding[] {
  // Made only for a row that has findings: most have none.
  let findings: Finding[] | undefined;
  if (line.fate.kind === 'row') {
    const row = line.fate.row;
    const prefix = line.reading!.value1!;
    const span = { start: prefix.start, end: prefix.end };
    // label and precedence rows keep the prefix as written; only scopev4 rows are masked.
    const written = row.table === 'scopev4' ? writtenPrefixBytes(prefix.text) : row.bytes;
    if (written && hasHostBits(written, row.bits)) {
      const canonical = rowPrefixText({ table: row.table, bytes: maskBytes(written, row.bits), bits: row.bits });
      (findings ??= []).push({
        code: 'host-bits',
        ...span,
        message: `"${prefix.text}" has bits set after its first ${row.table === 'scopev4' ? row.bits - 96 : row.bits}; glibc compares only those, so this row is ${canonical}.`,
      });
    }
    const catchAll = row.bits === (row.table === 'scopev4' ? 96 : 0);
    if (catchAll && row.value !== IMPLICIT_CATCH_ALL[row.table]) {
      (findings ??= []).push({
        code: 'catch-all-value',
        ...span,
        message: `Every address without a more specific ${row.table} row gets ${row.value} instead of glibc's default ${IMPLICIT_CATCH_ALL[row.table]}.`,
      });
    }
    if (
      row.table !== 'scopev4' &&
      row.bits >= 10 &&
      prefixContains(SITE_LOCAL, 10, row.bytes) &&
      !restatesSiteLocalRow(row)
    ) {
      (findings ??= []).push({
        code: 'site-local',
        ...span,
        message:
          'fec0::/10 (site-local) was deprecated by RFC 3879 in 2004; no current network should use it, so this row rarely matters.',
      });
    }
  }
  return findings ?? NO_FINDINGS;
}

function issueFinding(issue: ReadIssue): Finding {
  let finding = issueFindings.get(issue);
  if (!finding) {
    const detail = issueDetail(issue);
    finding = {
      code: issue.code,
      start: issue.start,
      end: issue.end,
      message: issueMessage(issue),
      ...(detail ? { detail } : {}),
    };
    issueFindings.set(issue, finding);
  }
  return finding;
}

/** With `previous`, an earlier version of the same document, only the rows of changed lines are looked at. */
export function lineFindings(parsed: ParsedFile, previous?: ParsedFile): Finding[] {
  return [...parsed.issues.map(issueFinding), ...rowFindings(parsed, previous)];
}
