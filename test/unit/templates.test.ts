/** gai.conf templates: which names are templates, where tags are, and which lines wait for the render. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { isTemplateName, readTemplate, templateTags } from '../../server/src/analysis/templates';
import { applyEdits } from '../../server/src/features/codeActions/edits';
import { formatEdits } from '../../server/src/features/formatting';
import { hoverAt } from '../../server/src/features/hover';
import { GLIBC_2_36, parse } from '../support/glibc';

/** An Ansible role's template: a header, a row with a variable, a block, a Jinja comment, and literal lines with mistakes. */
const TEMPLATE = [
  '# {{ ansible_managed }}',
  'label ::1/128       0',
  'label ::/0          1',
  'Label 2002::/16     2',
  'label fc00::/7      {{ gai_ula_label }}',
  '{% if prefer_ipv4 %}',
  'precedence ::ffff:0:0/96 100',
  '{% endif %}',
  '{# label ::/96 3 # not a glibc comment #}',
  'label 2001::/32 7 extra',
  '',
].join('\n');

function template(text: string) {
  return analyzeGaiConf(text, { glibc: GLIBC_2_36, template: true });
}

test('templates are known by their endings, in any case; plain copies are not', () => {
  for (const name of [
    'gai.conf.j2',
    'templates/gai.conf.jinja',
    'gai.conf.jinja2',
    'file:///r/templates/gai.conf.erb',
    'gai.conf.tmpl',
    'GAI.CONF.TPL',
  ])
    assert.ok(isTemplateName(name), name);
  for (const name of ['gai.conf', '/etc/gai.conf', 'gai.conf.dpkg-dist', 'lxd.gai.conf', 'gai.conf.bak'])
    assert.ok(!isTemplateName(name), name);
});

test('tags of Jinja, Go templates and ERB; quoted closers and # inside tags stay inside', () => {
  const text = 'a {{ x | default("}}") }} b {% if y %} {# c # d #} <%= @z %> <%# e %> {{/* go */}} {{ open';
  const spans = templateTags(text).map((t) => text.slice(t.start, t.end));
  assert.deepEqual(spans, [
    '{{ x | default("}}") }}',
    '{% if y %}',
    '{# c # d #}',
    '<%= @z %>',
    '<%# e %>',
    '{{/* go */}}',
    '{{ open',
  ]);
});

test('a line waits for the render when a tag lies before its first # outside tags, or a tag spans it', () => {
  const lines = (text: string) => [...readTemplate(parse(text)).lines];
  assert.deepEqual(lines(TEMPLATE), [4, 5, 7, 8]);
  assert.deepEqual(
    lines('# {{ header }}\nlabel ::1/128 0 # {{ note }}\n'),
    [],
    'tags inside a glibc comment change only the comment',
  );
  assert.deepEqual(
    lines('{#\nlabel ::1/128 0\n\n#}\nlabel ::/0 1\n'),
    [0, 1, 2, 3],
    'every line of a comment over lines',
  );
  assert.deepEqual(lines('label ::1/128 0 {# why #}\n'), [0]);
});

test('a template gets no finding for its template lines and the usual ones for its literal lines', () => {
  const analysis = template(TEMPLATE);
  const found = analysis.findings.map((f) => `${f.code}@${analysis.parsed.text.slice(0, f.start).split('\n').length}`);
  assert.deepEqual(found, ['unknown-directive@4', 'extra-fields@10']);
  const plain = analyzeGaiConf(TEMPLATE, { glibc: GLIBC_2_36 }).findings.map((f) => f.code);
  assert.ok(
    plain.includes('invalid-number') && plain.includes('table-replaced'),
    `read as a real gai.conf, {{ is just text: ${plain.join(', ')}`,
  );
});

test('whole-file findings wait for the render, unless the only tags sit in comments', () => {
  const header = '# {{ ansible_managed }}\nprecedence ::ffff:0:0/96 100\n';
  assert.ok(
    template(header).findings.some((f) => f.code === 'table-replaced'),
    'a header comment changes no table',
  );
  assert.deepEqual(
    template(`${header}precedence ::/0 {{ v }}\n`).findings.map((f) => f.code),
    [],
  );
});

test('hover on a template line says its fate is unknown until rendered', () => {
  const analysis = template(TEMPLATE);
  const hover = hoverAt(analysis, TEMPLATE.indexOf('fc00::/7') + 1);
  assert.match(hover?.markdown ?? '', /known only once the template is rendered/);
  // A literal line's hover neither claims the template line's fate nor that it changes nothing: rendered, it may.
  const literal = hoverAt(analysis, TEMPLATE.indexOf('::1/128') + 1)?.markdown ?? '';
  assert.doesNotMatch(literal, /known only once the template is rendered|none of them changes/);
  assert.match(literal, /\*\*Effect on typical hosts\*\*: known once the template is rendered/);
});

test('formatting leaves template lines as written and aligns the literal ones', () => {
  const analysis = template(TEMPLATE);
  const formatted = applyEdits(TEMPLATE, formatEdits(analysis.parsed, undefined, undefined, analysis.template?.lines));
  const lines = formatted.split('\n');
  assert.equal(lines[4], 'label fc00::/7      {{ gai_ula_label }}');
  assert.equal(lines[8], '{# label ::/96 3 # not a glibc comment #}');
  assert.equal(lines[1], 'label ::1/128   0', 'literal rows are aligned as usual');
});
