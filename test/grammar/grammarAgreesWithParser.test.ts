/**
 * The grammar marks things as valid or invalid from their text alone; the language server's
 * parser (server/src/core) reads the same text exactly as glibc does. These tests tokenize many
 * generated lines with the real vscode-textmate engine and check that both agree wherever the
 * grammar makes a claim: IPv6/IPv4 addresses, decimal numbers, directive words, field splitting,
 * extra fields and where the comment starts.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { before, test } from 'node:test';

import { parseIpv4Bytes, parseIpv6Bytes } from '../../server/src/glibc/addresses';
import { strtoul10 } from '../../server/src/glibc/numbers';
import { DIRECTIVES, parseGaiConf } from '../../server/src/glibc/reader';
import { repoRoot } from '../support/repository';

// The slice of vscode-textmate / vscode-oniguruma used here (pinned to the versions vscode-tmgrammar-test runs).
interface TmToken {
  readonly startIndex: number;
  readonly endIndex: number;
  readonly scopes: string[];
}
interface TmGrammar {
  tokenizeLine(line: string, stack: unknown): { tokens: TmToken[] };
}
interface TextMate {
  readonly INITIAL: unknown;
  Registry: new (options: { onigLib: Promise<unknown>; loadGrammar: (scope: string) => Promise<unknown> }) => {
    loadGrammar(scope: string): Promise<TmGrammar | null>;
  };
  parseRawGrammar(content: string, path: string): unknown;
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}

const SCOPE = (name: string) => `${name}.gaiconf`;
let grammar: TmGrammar;
let initial: unknown;

before(async () => {
  const root = repoRoot();
  // Resolve the engine the way vscode-tmgrammar-test itself does.
  const requireFromTool = createRequire(join(root, 'node_modules', 'vscode-tmgrammar-test', 'package.json'));
  const tm = requireFromTool('vscode-textmate') as TextMate;
  const onig = requireFromTool('vscode-oniguruma') as Oniguruma;
  const wasm = readFileSync(join(dirname(requireFromTool.resolve('vscode-oniguruma')), 'onig.wasm'));
  const onigLib = onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
    createOnigScanner: (patterns: string[]) => new onig.OnigScanner(patterns),
    createOnigString: (text: string) => new onig.OnigString(text),
  }));
  const path = join(root, 'syntaxes', 'gaiconf.tmLanguage.json');
  const registry = new tm.Registry({
    onigLib,
    loadGrammar: async () => tm.parseRawGrammar(readFileSync(path, 'utf8'), path),
  });
  const loaded = await registry.loadGrammar('source.gaiconf');
  assert.ok(loaded, 'grammar source.gaiconf did not load');
  grammar = loaded;
  initial = tm.INITIAL;
});

function tokens(line: string): TmToken[] {
  return grammar.tokenizeLine(line, initial).tokens;
}

/** The "start-end" spans of the tokens that carry `scope`, adjacent tokens merged. */
function spans(
  line: string,
  toks: readonly TmToken[],
  scope: string,
  only: (t: TmToken) => boolean = () => true,
): string[] {
  const out: Array<[number, number]> = [];
  for (const t of toks.filter(only)) {
    if (!t.scopes.includes(scope)) continue;
    const last = out[out.length - 1];
    if (last && last[1] === t.startIndex) last[1] = t.endIndex;
    else out.push([t.startIndex, Math.min(t.endIndex, line.length)]);
  }
  return out.map(([s, e]) => `${s}-${e}`);
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be reproduced. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function addressCandidates(): string[] {
  const rnd = random(6724);
  const pick = (s: string | string[]) => s[rnd(s.length)];
  const group = () =>
    Array.from({ length: 1 + rnd(rnd(6) === 0 ? 5 : 4) }, () => pick('0123456789abcdefABCDEF000')).join('');
  const octet = () =>
    pick([
      '0',
      '1',
      '9',
      '10',
      '99',
      '100',
      '199',
      '200',
      '249',
      '250',
      '255',
      '256',
      '300',
      '01',
      '00',
      String(rnd(256)),
    ]);
  const fixed = [
    '::',
    '::1',
    '1::',
    '::ffff:0:0',
    '::ffff:10.0.0.0',
    '1:2:3:4:5:6:7::',
    '::2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8::',
    '1:2:3:4:5:6:1.2.3.4',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5::1.2.3.4',
    '1:2:3:4:5:6::1.2.3.4',
    ':::',
    ':1',
    '1:',
    '1::2::3',
    '12345::',
    '::ffff:010.0.0.1',
    '::ffff:1.2.3',
    '10.0.0.0',
    '010.0.0.0',
    '255.255.255.255',
    '256.0.0.0',
    '1.2.3.4.5',
    'g::',
    '::g',
  ];
  const out = new Set(fixed);
  for (let i = 0; i < 12000; i++) {
    if (rnd(4) === 0) {
      out.add(Array.from({ length: rnd(16) }, () => pick('0123456789abcdefAFg::::::....')).join(''));
      continue;
    }
    const groups = Array.from({ length: rnd(10) }, group);
    if (rnd(3) === 0) groups.push(Array.from({ length: rnd(8) === 0 ? 3 : 4 }, octet).join('.'));
    if (rnd(4) !== 0) {
      const at = rnd(groups.length + 1);
      groups.splice(at, 0, '');
      if (at === 0) groups.unshift('');
      if (at === groups.length - 1) groups.push('');
    }
    if (rnd(20) === 0) groups.splice(rnd(groups.length + 1), 0, '');
    out.add(groups.join(':'));
  }
  out.delete('');
  return [...out];
}

test('addresses: string.unquoted.address.ipv6/ipv4 exactly where glibc inet_pton reads one', () => {
  const mismatches: string[] = [];
  let v6 = 0;
  let v4 = 0;
  const candidates = addressCandidates();
  for (const address of candidates) {
    const isV6 = parseIpv6Bytes(address) !== undefined;
    const isV4 = parseIpv4Bytes(address) !== undefined;
    if (isV6) v6++;
    if (isV4) v4++;
    const expect = (line: string, at: number, want: { v6: boolean; v4: boolean; ipv4Prefix?: boolean }) => {
      const span = `${at}-${at + address.length}`;
      const toks = tokens(line);
      const v6Spans = spans(line, toks, SCOPE('string.unquoted.address.ipv6'));
      const v4Spans = spans(line, toks, SCOPE('string.unquoted.address.ipv4'));
      const got = {
        v6: v6Spans.join(' ') === span,
        v4: v4Spans.join(' ') === span,
        anyV6: v6Spans.length > 0,
        anyV4: v4Spans.length > 0,
        ipv4Prefix:
          spans(line, toks, SCOPE('invalid.illegal.ipv4-prefix')).join(' ') === `${at}-${at + address.length + 3}`,
      };
      const ok =
        got.v6 === want.v6 &&
        got.anyV6 === want.v6 &&
        got.v4 === want.v4 &&
        got.anyV4 === want.v4 &&
        (want.ipv4Prefix === undefined || got.ipv4Prefix === want.ipv4Prefix);
      if (!ok)
        mismatches.push(`${JSON.stringify(line)}: parser says ${JSON.stringify(want)}, grammar ${JSON.stringify(got)}`);
    };
    expect(`label ${address}/64 5`, 6, { v6: isV6, v4: false, ipv4Prefix: isV4 });
    expect(`scopev4 ${address}/24 5`, 8, { v6: isV6, v4: isV4 });
    // A commented-out row is dimmed as a comment whatever its address: never an active row's address scope.
    if (address.includes(':')) expect(`#label ${address}/64 5`, 7, { v6: false, v4: false });
  }
  assert.deepEqual(mismatches.slice(0, 20), []);
  assert.ok(
    v6 > 1000 && candidates.length - v6 > 1000 && v4 > 0,
    `corpus too one-sided: ${v6} IPv6 and ${v4} IPv4 of ${candidates.length}`,
  );
});

test('numbers: a bits or value field is a number exactly when strtoul base 10 reads all of it', () => {
  const rnd = random(3484);
  const texts = new Set([
    '0',
    '128',
    '+5',
    '-0',
    '-5',
    '007',
    '0x10',
    '5a',
    '1e2',
    '1.5',
    '+',
    '-',
    '++1',
    '+-1',
    '99999999999999999999999',
    '8/8',
  ]);
  const alphabet = '0123456789+-xXaAe./';
  for (let i = 0; i < 3000; i++)
    texts.add(Array.from({ length: 1 + rnd(5) }, () => alphabet[rnd(alphabet.length)]).join(''));
  const mismatches: string[] = [];
  for (const text of texts) {
    const decimal = strtoul10(text).consumed === text.length;
    const line = `label ::/${text} ${text}`;
    const bits = `9-${9 + text.length}`;
    const value = `${10 + text.length}-${10 + 2 * text.length}`;
    const want = decimal
      ? { bits: [bits], value: [value], invalid: [] }
      : { bits: [], value: [], invalid: [bits, value] };
    const toks = tokens(line);
    const got = {
      bits: spans(line, toks, SCOPE('constant.numeric.prefix-length')),
      value: spans(line, toks, SCOPE('constant.numeric.integer')),
      invalid: spans(line, toks, SCOPE('invalid.illegal.number')),
    };
    if (JSON.stringify(got) !== JSON.stringify(want))
      mismatches.push(
        `${JSON.stringify(line)}: strtoul reads ${decimal ? 'all of it' : 'not all of it'}; grammar ${JSON.stringify(got)}`,
      );
  }
  assert.deepEqual(mismatches.slice(0, 20), []);
});

test('lines: directive word, unknown word, extra fields, reload value and comment start agree with the parser', () => {
  const rnd = random(1981);
  const pick = <T>(xs: readonly T[]) => xs[rnd(xs.length)];
  const words = [
    ...DIRECTIVES,
    ...DIRECTIVES,
    'Label',
    'RELOAD',
    'lable',
    'prefer',
    'labels',
    'scopev4:',
    '::1/128',
    '::/0',
    '10.0.0.0/8',
    '::ffff:0:0/96',
    'fe80::1%eth0/64',
    '5',
    '100',
    '0x10',
    'yes',
    'no',
    'yes',
    'no',
    'yes',
    'no',
    'YES',
    'true',
    'x',
    'a#b',
    '#',
    '##',
    '1#note',
  ];
  const blanks = [' ', '  ', '\t', ' \t ', '\x0B', '\x0C', '\r'];
  const mismatches: string[] = [];
  const seen = { keyword: 0, unknown: 0, extra: 0, comment: 0, boolean: 0, reloadValue: 0 };
  for (let i = 0; i < 4000; i++) {
    let line = rnd(4) === 0 ? pick(blanks) : '';
    const n = 1 + rnd(6);
    for (let w = 0; w < n; w++)
      line += (w > 0 ? pick(blanks) : '') + (w === 0 && rnd(2) === 0 ? pick(DIRECTIVES) : pick(words));
    if (rnd(4) === 0) line += pick(blanks);
    if (line.endsWith('\r')) line += 'z'; // glibc and the parser drop a CR before LF; an editor never shows one there anyway

    const parsed = parseGaiConf(line, { glibc: { major: 2, minor: 36, origin: 'option' } }).lines[0];
    const reading = parsed?.reading;
    const span = (t: { start: number; end: number } | undefined) => (t ? [`${t.start}-${t.end}`] : []);
    const want = {
      keyword: reading?.directive ? span(reading.command) : [],
      unknown: reading && !reading.directive ? span(reading.command) : [],
      extra: reading?.directive ? reading.extra.map((t) => `${t.start}-${t.end}`) : [],
      comment: parsed?.comment ? parsed.comment.start : -1,
      boolean:
        reading?.directive === 'reload' && /^(yes|no)$/.test(reading.value1?.text ?? '') ? span(reading.value1) : [],
      reloadValue:
        reading?.directive === 'reload' && reading.value1 && !/^(yes|no)$/.test(reading.value1.text)
          ? span(reading.value1)
          : [],
    };
    const toks = tokens(line);
    const active = (t: TmToken) => !t.scopes.includes(SCOPE('comment.line.number-sign'));
    const firstComment = toks.find((t) => !active(t));
    const got = {
      keyword: spans(line, toks, SCOPE('keyword.other.directive'), active),
      unknown: spans(line, toks, SCOPE('invalid.illegal.unknown-directive')),
      extra: spans(line, toks, SCOPE('invalid.illegal.extra-field')),
      comment: firstComment ? firstComment.startIndex : -1,
      boolean: spans(line, toks, SCOPE('constant.language.boolean'), active),
      reloadValue: spans(line, toks, SCOPE('invalid.illegal.reload-value')),
    };
    if (JSON.stringify(got) !== JSON.stringify(want))
      mismatches.push(`${JSON.stringify(line)}: parser ${JSON.stringify(want)}, grammar ${JSON.stringify(got)}`);
    for (const key of Object.keys(seen) as Array<keyof typeof seen>) {
      const value = want[key];
      if (Array.isArray(value) ? value.length > 0 : value >= 0) seen[key]++;
    }
  }
  assert.deepEqual(mismatches.slice(0, 20), []);
  assert.ok(
    Object.values(seen).every((count) => count >= 50),
    `corpus misses a case: ${JSON.stringify(seen)}`,
  );
});
