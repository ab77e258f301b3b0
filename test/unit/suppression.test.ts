import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { suppressionFixes } from '../../server/src/features/codeActions/suppressionFixes';
import { hoverAt } from '../../server/src/features/hover';
import { analyze, codes as allCodes, GLIBC_2_36 } from '../support/glibc';

/** Codes besides ula-demoted, which glibc's built-in label table causes in every file without label rows. */
function codes(text: string): string[] {
  return allCodes(text).filter((code) => code !== 'ula-demoted');
}

/** The text after applying the suppression fix with the given title to the first finding of a code. */
function suppressed(text: string, code: string, title: RegExp): string {
  const analysis = analyze(text);
  const finding = analysis.findings.find((f) => f.code === code);
  assert.ok(finding, `finding ${code} in ${JSON.stringify(text)}`);
  const fix = suppressionFixes(analysis, finding).find((f) => title.test(f.title));
  assert.ok(
    fix,
    `${title} for ${code}: ${suppressionFixes(analysis, finding)
      .map((f) => f.title)
      .join(', ')}`,
  );
  return applyEdits(text, fix.edits);
}

describe('suppression comments', () => {
  test('"ignore" silences the named codes on the next line only', () => {
    const body = 'Label ::1/128 5\nLabel ::/0 1\n';
    assert.deepEqual(codes(body), ['unknown-directive', 'unknown-directive']);
    const text = `# gai-conf: ignore unknown-directive\n${body}`;
    const analysis = analyze(text);
    const left = analysis.findings.filter((f) => f.code === 'unknown-directive');
    assert.deepEqual(
      left.map((f) => f.start),
      [text.indexOf('Label ::/0')],
    );
    assert.deepEqual(
      analysis.suppressed.map((f) => f.code),
      ['unknown-directive'],
    );
    assert.deepEqual(
      codes('# gai-conf: ignore extra-fields\nLabel ::1/128 5\n'),
      ['unknown-directive'],
      'another code stays',
    );
    assert.deepEqual(
      codes('# gai-conf: ignore unknown-directive\n\nLabel ::1/128 5\n'),
      ['unknown-directive'],
      'only the very next line',
    );
  });

  test('"ignore-file" silences codes everywhere; several codes, commas and a reason after " -- "', () => {
    const text =
      'Label ::1/128 5\nreload yes\n# gai-conf: ignore-file unknown-directive, reload-enabled -- we want reloads\nLabel ::/0 1\n';
    assert.deepEqual(codes(text), []);
    assert.deepEqual(
      codes('# gai-conf: ignore-file unknown-directive reload-enabled\nLabel ::1/128 5\nreload yes\n'),
      [],
    );
  });

  test('file-level findings: silenced by ignore-file, or on the line they are shown on', () => {
    const stockLike = '#label ::1/128 0\n#label fc00::/7 6\n';
    assert.deepEqual(allCodes(stockLike), ['ula-demoted']);
    assert.deepEqual(allCodes(`# gai-conf: ignore-file ula-demoted\n${stockLike}`), []);
    assert.deepEqual(allCodes('#label ::1/128 0\n# gai-conf: ignore ula-demoted\n#label fc00::/7 6\n'), []);
  });

  test('unknown codes, unknown keywords and empty lists are reported where they are written', () => {
    const text =
      '# gai-conf: ignore reload-enable, reload-enabled\nreload yes\n# gai-conf: ignored reload-enabled\n# gai-conf: ignore-file\n';
    const findings = analyze(text).findings.filter((f) => f.code !== 'ula-demoted');
    assert.deepEqual(
      findings.map((f) => [f.code, text.slice(f.start, f.end)]),
      [
        ['unknown-suppression', 'reload-enable'],
        ['unknown-suppression', 'ignored'],
        ['unknown-suppression', 'ignore-file'],
      ],
    );
    assert.deepEqual(
      codes('# gai-conf is checked by a tool\n# not gai-conf: ignore x\n'),
      [],
      'prose mentioning gai-conf is left alone',
    );
  });

  test('hover on a code in a suppression comment: its meaning, and what it silences now', () => {
    const text = '# gai-conf: ignore-file reload-enabled, extra-fields\nreload yes\n';
    const analysis = analyze(text);
    const on = (word: string) => hoverAt(analysis, text.indexOf(word) + 2);
    assert.match(
      on('reload-enabled')!.markdown,
      /^\*\*reload-enabled\*\* \(warning\): .*\n\nSilences 1 finding in this file\.$/s,
    );
    assert.match(on('extra-fields')!.markdown, /Nothing in this file has this finding now\./);
    assert.equal(text.slice(on('extra-fields')!.start, on('extra-fields')!.end), 'extra-fields');
    assert.equal(on('ignore-file'), undefined);
  });

  test('glibc reads a suppression comment as a comment', () => {
    const text = '# gai-conf: ignore unknown-directive\nlabel ::1/128 0\n';
    assert.equal(analyze(text).parsed.lines[0].fate.kind, 'empty');
  });
});

describe('suppression quick fixes', () => {
  test('"on this line" inserts the comment above the line, in the file\'s line endings', () => {
    const text = '# header\r\nLabel ::1/128 5\r\n';
    const after = suppressed(text, 'unknown-directive', /on this line/);
    assert.equal(after, '# header\r\n# gai-conf: ignore unknown-directive\r\nLabel ::1/128 5\r\n');
    assert.deepEqual(codes(after), []);
  });

  test('a second code joins the comment already above the line', () => {
    const text = '# gai-conf: ignore extra-fields -- on purpose\nreload yes 1\n';
    assert.deepEqual(codes(text), ['reload-enabled']);
    const after = suppressed(text, 'reload-enabled', /on this line/);
    assert.equal(after, '# gai-conf: ignore extra-fields, reload-enabled -- on purpose\nreload yes 1\n');
    assert.deepEqual(codes(after), []);
  });

  test('"in this file" goes to the top, before a byte order mark, and keeps the first line ignored', () => {
    const text = '\uFEFFlabel ::1/128 0\nreload yes\n';
    const after = suppressed(text, 'byte-order-mark', /in this file/);
    assert.equal(after, '# gai-conf: ignore-file byte-order-mark\n\uFEFFlabel ::1/128 0\nreload yes\n');
    assert.deepEqual(codes(after), ['reload-enabled']);
    assert.equal(analyze(after).parsed.lines[1].fate.kind, 'ignored');
    const twice = suppressed(after, 'reload-enabled', /in this file/);
    assert.equal(twice.split('\n')[0], '# gai-conf: ignore-file byte-order-mark, reload-enabled');
    assert.deepEqual(codes(twice), []);
  });

  test('findings about the whole file are offered only the file-wide suppression', () => {
    const analysis = analyze('#label fc00::/7 6\n');
    const ula = analysis.findings.find((f) => f.code === 'ula-demoted')!;
    assert.deepEqual(
      suppressionFixes(analysis, ula).map((f) => f.title),
      ['Ignore ula-demoted in this file'],
    );
    assert.ok(suppressionFixes(analysis, ula).every((f) => !f.sure && !f.preferred));
  });

  test('the comments are read again for each version of the file: a comment added by an edit is extended, not repeated', () => {
    const first = analyze('reload yes\nLabel ::1/128 5\n');
    const reload = (a: typeof first) => a.findings.find((f) => f.code === 'reload-enabled')!;
    const fileFix = (a: typeof first) => suppressionFixes(a, reload(a)).find((f) => /in this file/.test(f.title))!;
    assert.equal(
      applyEdits(first.parsed.text, fileFix(first).edits).split('\n')[0],
      '# gai-conf: ignore-file reload-enabled',
    );
    // The same document after an edit, read from the first version's lines as the server does.
    const text = '# gai-conf: ignore-file unknown-directive\nreload yes\nLabel ::1/128 5\n';
    const second = analyzeGaiConf(text, { glibc: GLIBC_2_36 }, first);
    assert.equal(
      applyEdits(text, fileFix(second).edits).split('\n')[0],
      '# gai-conf: ignore-file unknown-directive, reload-enabled',
    );
  });
});
