import assert from 'node:assert/strict';
import { test } from 'node:test';

import { hoverAt } from '../../server/src/features/hover';
import { corpus } from '../support/corpus';
import { analyze, GLIBC_2_41 } from '../support/glibc';

function hover(text: string, at: string, glibc = undefined as Parameters<typeof analyze>[1]) {
  const analysis = analyze(text, glibc);
  const offset = text.indexOf(at);
  assert.ok(offset >= 0, at);
  return hoverAt(analysis, offset + 1)?.markdown ?? '';
}

test('a prefix is named with its RFC, its range, and its place in the table', () => {
  const text = 'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::ffff:0:0/96 4\nlabel fd00::/7 1\n';
  const md = hover(text, 'fd00::/7');
  assert.match(md, /unique local addresses, ULA \(RFC 4193\)/);
  assert.match(md, /fc00:: to fdff:ffff/);
  assert.match(md, /host bits/i);
  assert.match(md, /Row 4 of 5/);
  assert.match(hover(text, '::ffff:0:0/96'), /Covers IPv4 0\.0\.0\.0\/0/);
  assert.match(hover(text, '2002::/16'), /6to4 \(RFC 3056\)/);
});

test('a value is explained against the effective table', () => {
  const text = 'label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel fc00::/7 6\n';
  assert.match(hover(text, ' 6\n'), /loses rule 5/);
  assert.match(hover('label fc00::/7 1\nlabel ::ffff:0:0/96 4\n', ' 1\n'), /matches global IPv6 destinations/);
  assert.match(hover('precedence ::ffff:0:0/96 100\n', '100'), /above IPv4 \(100\)|equal to IPv4 \(100\)/);
});

test('commented-out rows say whether glibc uses them now', () => {
  assert.match(hover('#label fc00::/7 6\n', 'fc00'), /glibc uses this row right now/);
  assert.match(
    hover('#label fc00::/7 6\nlabel ::/0 1\n', 'fc00'),
    /Not in effect: this file replaces the built-in label table/,
  );
  assert.match(
    hover('#precedence ::ffff:0:0/96 100\n', '::ffff'),
    /uncommenting it would replace the whole built-in precedence table/,
  );
});

test('ignored lines say so and why, under the assumed glibc', () => {
  const typo = hover('Label ::1/128 5\n', '::1');
  assert.match(typo, /^\*\*Ignored by glibc\.\*\*\n\nglibc knows exactly four directives/);
  assert.doesNotMatch(typo, /Did you mean/, 'the diagnostic says that; the hover does not repeat it');
  assert.match(hover('label ::1 5\n', '::1'), /Undefined behaviour/);
  assert.match(hover('label ::1 5\n', '::1', GLIBC_2_41), /::1\/128/);
  assert.match(hover('label ::1/128 5 extra\n', 'extra'), /Ignored by glibc/);
  assert.match(hover('scopev4 10.0.0.0 5\n', '10.0'), /Crashes every program/);
});

test('directive keywords explain the table replacement and show the built-in table', () => {
  const md = hover('precedence ::ffff:0:0/96 100\n', 'precedence');
  assert.match(md, /replaces glibc's whole built-in precedence table/);
  assert.match(md, /\| ::1\/128 \| 50 \|/);
  assert.equal(hoverAt(analyze('\n\n'), 1), undefined);
});

test('a row hover says what the line changes for typical hosts, or that it changes nothing', () => {
  const text =
    'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fc00::/7 1\nprecedence ::ffff:0:0/96 100\n';
  const analysis = analyze(text);
  const precedence = hoverAt(analysis, text.indexOf('100'))!.markdown;
  assert.match(precedence, /- ULA hosts, global IPv6 vs IPv4: IPv4 first \(without this line: IPv6 first\)/);
  assert.match(precedence, /- and \d+ more$/m);
  assert.match(
    hoverAt(analysis, text.indexOf('fc00'))!.markdown,
    /none of them changes family preference because of this line/,
  );
  const ulaLabel = 'label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel fc00::/7 6\n';
  assert.match(
    hoverAt(analyze(ulaLabel), ulaLabel.indexOf('fc00'))!.markdown,
    /ULA hosts, global IPv6 vs IPv4: IPv4 first \(without this line: IPv6 first\)/,
  );
  assert.doesNotMatch(hoverAt(analysis, text.indexOf('precedence'))!.markdown, /Effect on typical hosts/);
});

test('a scopev4 row hover weighs only IPv4 addresses, and says when the row changes nothing', () => {
  const text = 'scopev4 ::ffff:169.254.0.0/112 2\nscopev4 ::ffff:10.0.0.0/104 14\n';
  assert.match(hoverAt(analyze(text), text.indexOf('10.0.0.0'))!.markdown, /Effect on typical hosts/);
});

test('a scopev4 prefix names its IPv4 network and what its scope does, not the v4-mapped block', () => {
  const text =
    'scopev4 ::ffff:169.254.0.0/112 2\nscopev4 ::ffff:127.0.0.0/104 2\nscopev4 10.0.0.0/8 5\nscopev4 ::ffff:100.64.1.0/120 14\nscopev4 ::ffff:0.0.0.0/96 14\n';
  const at = (prefix: string) => hover(text, prefix);
  assert.match(at('169.254.0.0'), /\*\*IPv4 169\.254\.0\.0\/16\*\*: link-local \(RFC 3927\)/);
  assert.match(at('169.254.0.0'), /scope 2 \(link-local\).*Rule 2 .*rule 8/s);
  assert.match(at('127.0.0.0'), /loopback/);
  assert.match(at('10.0.0.0'), /private \(RFC 1918\)/);
  assert.match(at('10.0.0.0'), /scope 5 \(site-local\)/);
  assert.match(at('100.64.1.0'), /within 100\.64\.0\.0\/10, shared address space .*RFC 6598/);
  assert.match(at('::ffff:0.0.0.0'), /every IPv4 address/);
  for (const prefix of ['169.254.0.0', '10.0.0.0', '::ffff:0.0.0.0'])
    assert.doesNotMatch(at(prefix), /IPv4-mapped|RFC 4291|label and precedence/);
});

test('a prefix hover speaks of the line as written, beside the built-in value', () => {
  const text = 'label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel fc00::/7 1\n';
  const md = hover(text, 'fc00::/7');
  assert.match(md, /label values: this line: 1; built-in: 6\./);
  assert.doesNotMatch(md, /glibc gives it label 6/);
  assert.match(
    hover('#label fc00::/7 6\nlabel ::/0 1\n', 'fc00'),
    /this commented-out row: 6; in effect now: 1; built-in: 6/,
  );
});

test('on the corpus, no hover repeats its diagnostic: the editor shows the message, the hover adds the mechanism', () => {
  for (const file of corpus()) {
    const analysis = analyze(file.text);
    for (const finding of analysis.findings) {
      for (const offset of new Set([finding.start, Math.min(finding.start + 1, finding.end), finding.end])) {
        const markdown = hoverAt(analysis, offset)?.markdown ?? '';
        assert.ok(
          !markdown.includes(finding.message),
          `${file.name}: the hover at ${offset} repeats ${finding.code}: ${finding.message}`,
        );
        const core = finding.message.replace(/^\(whole file\) /, '').slice(0, 60);
        assert.ok(
          markdown.split(core).length <= 2,
          `${file.name}: the hover at ${offset} has ${finding.code}'s text twice`,
        );
      }
    }
  }
});
