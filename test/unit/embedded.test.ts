/**
 * gai.conf embedded in Dockerfiles, scripts, cloud-init, Ansible and NixOS: which kind a file is,
 * the file each source's writes build (the real tools' behaviour, judged for real in
 * test/oracle/embedded.test.ts), and the CLI's findings at the source's own lines and columns in
 * every format. The stock file here is a small stand-in with the stock's precedence comments.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  checkEmbedded,
  EmbeddedCheck,
  sourceKindNamed,
  sourceKindOf,
  StockFile,
} from '../../server/src/analysis/embedded/embedded';
import { SourceKindName } from '../../server/src/analysis/embedded/embedded';
import { TextLocator } from '../../server/src/features/positions';
import { GLIBC_2_36 } from '../support/glibc';
import { repoRoot } from '../support/repository';

const STOCK: StockFile = {
  text: '# Configuration for getaddrinfo(3).\n#precedence ::ffff:0:0/96  10\n#\n#    For sites which prefer IPv4 connections change the last line to\n#\n#precedence ::ffff:0:0/96  100\n',
  description: 'a test stock file',
};
const CLI = join(repoRoot(), 'dist', 'cli.js');
const SOURCES = join(repoRoot(), 'test', 'embedded', 'sources');
const dir = mkdtempSync(join(tmpdir(), 'gai-conf-embedded-'));

/** `null`: no stock file at all. */
function check(kind: SourceKindName, text: string, stock: StockFile | null = STOCK): EmbeddedCheck {
  return checkEmbedded(text, sourceKindNamed(kind), { glibc: GLIBC_2_36 }, stock ?? undefined);
}

function builtText(kind: SourceKindName, text: string, stock?: StockFile | null): string[] {
  return check(kind, text, stock).files.map((f) => f.built.text);
}

/** Each finding as "code line:column-line:column" in the source. */
function places(result: EmbeddedCheck, text: string): string[] {
  const locator = new TextLocator(text);
  return [...result.sourceFindings, ...result.files.flatMap((f) => f.findings)]
    .map((f) => {
      const r = locator.rangeOf(f);
      return `${f.code} ${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
    })
    .sort();
}

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('kinds: by name, then by content; a gai.conf and its templates stay gai.conf', () => {
  const kind = (name: string, text = '') => sourceKindOf(name, text)?.name;
  assert.equal(kind('Dockerfile'), 'dockerfile');
  assert.equal(kind('Containerfile'), 'dockerfile');
  assert.equal(kind('app.dockerfile'), 'dockerfile');
  assert.equal(kind('Dockerfile.prod'), 'dockerfile');
  assert.equal(kind('build', '# comment\nARG X=1\nFROM debian:12\n'), 'dockerfile');
  assert.equal(kind('setup.sh'), 'shell');
  assert.equal(kind('setup', '#!/usr/bin/env bash\n'), 'shell');
  assert.equal(kind('user-data'), 'cloud-init');
  assert.equal(kind('server.yaml', '#cloud-config\nwrite_files: []\n'), 'cloud-init');
  assert.equal(kind('main.yml', '- name: x\n  copy: {}\n'), 'ansible');
  assert.equal(kind('configuration.nix'), 'nixos');
  assert.equal(kind('gai.conf', '# Configuration for getaddrinfo(3).\nlabel ::1/128 0\n'), undefined);
  assert.equal(kind('gai.conf.dpkg-dist', '#precedence ::ffff:0:0/96  100\n'), undefined);
});

test('shell: dash reads backslash escapes in echo and prints -e; bash reads them only with -e', () => {
  const script = 'echo -e "label ::1/128 0\\nlabel ::/0 1" >> /etc/gai.conf\n';
  assert.deepEqual(builtText('shell', script, null), ['-e label ::1/128 0\nlabel ::/0 1\n']);
  assert.deepEqual(builtText('shell', `#!/bin/bash\n${script}`, null), ['label ::1/128 0\nlabel ::/0 1\n']);
  assert.deepEqual(builtText('shell', '#!/bin/bash\necho "a\\nb" > /etc/gai.conf\n', null), ['a\\nb\n']);
  assert.deepEqual(builtText('shell', 'echo -n "reload no" > /etc/gai.conf\n', null), ['reload no']);
});

test('shell: printf reuses its format, here-documents expand unless quoted, tee -a, groups, variables', () => {
  assert.deepEqual(builtText('shell', "printf 'precedence %s %s\\n' ::1/128 50 ::/0 40 > /etc/gai.conf\n"), [
    'precedence ::1/128 50\nprecedence ::/0 40\n',
  ]);
  assert.deepEqual(builtText('shell', 'V=7\ncat > /etc/gai.conf <<EOF\nlabel 2001::/32 $V\nEOF\n'), [
    'label 2001::/32 7\n',
  ]);
  assert.deepEqual(builtText('shell', "cat > /etc/gai.conf <<'EOF'\nlabel 2001::/32 $V\nEOF\n"), [
    'label 2001::/32 $V\n',
  ]);
  assert.deepEqual(
    builtText('shell', 'cat <<-EOF | sudo tee -a /etc/gai.conf >/dev/null\n\tlabel ::1/128 0\n\tEOF\n'),
    [`${STOCK.text}label ::1/128 0\n`],
  );
  assert.deepEqual(builtText('shell', 'F=/etc/gai.conf\n{ echo "label ::1/128 0"; echo "label ::/0 1"; } > "$F"\n'), [
    'label ::1/128 0\nlabel ::/0 1\n',
  ]);
  assert.deepEqual(builtText('shell', "sh -c 'echo reload no > /etc/gai.conf'\n"), ['reload no\n']);
  assert.deepEqual(builtText('shell', 'echo x > /etc/gai.conf && rm -f /etc/gai.conf\n'), ['']);
});

test('shell: sed -i edits the stock file as GNU sed does, and an edit that matches nothing is a warning', () => {
  const uncomment = "sed -i 's/^#precedence ::ffff:0:0\\/96  100/precedence ::ffff:0:0\\/96  100/' /etc/gai.conf\n";
  assert.match(builtText('shell', uncomment)[0], /^precedence ::ffff:0:0\/96 {2}100$/m);
  assert.match(
    builtText('shell', "sed -ri 's|^#(precedence ::ffff:0:0/96)  10$|\\1  100|' /etc/gai.conf\n")[0],
    /^precedence ::ffff:0:0\/96 {2}100$/m,
  );
  assert.match(
    builtText('shell', "sed -i -e '$ a precedence ::1/128 50' /etc/gai.conf\n")[0],
    /\nprecedence ::1\/128 50\n$/,
  );
  assert.match(
    builtText('shell', "sed -i '/^#precedence ::ffff:0:0\\/96  100/s/^#//' /etc/gai.conf\n")[0],
    /^precedence ::ffff:0:0\/96 {2}100$/m,
  );
  const oneSpace = "sed -i 's/^#precedence ::ffff:0:0\\/96 100/precedence ::ffff:0:0\\/96 100/' /etc/gai.conf\n";
  const result = check('shell', oneSpace);
  assert.deepEqual(
    places(result, oneSpace).filter((p) => p.startsWith('embedded')),
    [`embedded-edit-unmatched 1:1-1:${oneSpace.length}`],
  );
  assert.match(
    result.sourceFindings[0].message,
    /matches no line of \/etc\/gai.conf as it stands at this step \(a test stock file\)/,
  );
});

test('shell: a file copied or downloaded into place is named, not guessed', () => {
  const text = 'cp files/gai.conf /etc/gai.conf\necho "label ::1/128 0" >> /etc/gai.conf\n';
  const result = check('shell', text);
  assert.deepEqual(
    places(result, text).filter((p) => p.startsWith('embedded')),
    ['embedded-not-followed 1:1-1:32'],
  );
  assert.match(result.sourceFindings[0].message, /from files\/gai\.conf/);
  assert.equal(result.files[0].built.text, 'label ::1/128 0\n');
});

test('a source that writes no gai.conf says so', () => {
  const run = cli('check', join(SOURCES, 'nothing.sh'));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /nothing\.sh: a shell script \(by its name\)/);
  assert.match(run.stdout, /No gai.conf in it: nothing here writes \/etc\/gai.conf\./);
  const json = JSON.parse(cli('check', join(SOURCES, 'nothing.sh'), '--json').stdout);
  assert.deepEqual([json.source.kind, json.source.files, json.findings], ['shell', [], []]);
});

test('Dockerfile: stages, continuation lines and here-documents; findings at the characters that wrote them', () => {
  const path = join(SOURCES, 'Dockerfile');
  const text = readFileSync(path, 'utf8');
  const result = check('dockerfile', text);
  assert.deepEqual(
    result.files.map((f) => f.built.sequence.name),
    ['stage base (FROM debian:${DEBIAN_RELEASE}-slim, line 3)', 'stage runtime (FROM base, line 18)'],
  );
  assert.ok(result.files[0].built.text.startsWith(STOCK.text));
  assert.ok(
    result.files[0].built.text.endsWith(
      'precedence ::ffff:0:0/96  100\nlabel ::1/128       0\nlabel ::/0          1\nlabel fc00::/7      1\nLabel 2001:0::/32   7\n',
    ),
  );
  const found = places(result, text);
  // "Label" is on line 16 where printf's argument holds it; the scopev4 sed's one-space pattern finds nothing.
  assert.ok(found.includes('unknown-directive 16:8-16:13'), found.join('\n'));
  assert.ok(found.includes('embedded-edit-unmatched 20:5-20:101'), found.join('\n'));
  assert.ok(found.includes('table-replaced 9:11-9:40'), found.join('\n'));
  // The runtime stage repeats nothing of base's findings on the same characters.
  assert.equal(found.filter((p) => p === 'unknown-directive 16:8-16:13').length, 1);
});

test('Dockerfile: COPY of a here-document, exec form, SHELL bash, and an Alpine stage (musl)', () => {
  const text =
    'FROM alpine:3.20\nCOPY <<EOF /etc/gai.conf\nlabel ::1/128 0\nEOF\n\nFROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN echo "a\\nb" > /etc/gai.conf\nRUN ["sh", "-c", "echo reload no >> /etc/gai.conf"]\n';
  const result = check('dockerfile', text);
  assert.deepEqual(
    result.files.map((f) => f.built.text),
    ['label ::1/128 0\n', 'a\\nb\nreload no\n'],
  );
  assert.equal(result.files[0].built.sequence.libc, 'musl');
  assert.ok(result.files[0].findings.some((f) => f.code === 'not-glibc-host'));
});

test('cloud-init: write_files (append, base64, defer) then runcmd, in the order cloud-init runs them', () => {
  const b64 = Buffer.from('label ::1/128 0\n').toString('base64');
  const text = `#cloud-config\nruncmd:\n  - echo "reload no" >> /etc/gai.conf\nwrite_files:\n  - path: /etc/gai.conf\n    defer: true\n    append: true\n    content: "precedence ::/0 40\\n"\n  - path: /etc/gai.conf\n    encoding: b64\n    content: ${b64}\n`;
  assert.deepEqual(builtText('cloud-init', text), ['label ::1/128 0\nprecedence ::/0 40\nreload no\n']);
  const path = join(SOURCES, 'user-data.yaml');
  const fixture = readFileSync(path, 'utf8');
  const result = check('cloud-init', fixture);
  assert.ok(result.files[0].built.text.startsWith(STOCK.text), 'append: true starts from the stock file');
  assert.ok(places(result, fixture).includes('table-replaced 24:22-24:51'), places(result, fixture).join('\n'));
});

test('Ansible: the role that writes "precendence" with lineinfile gets the finding on that word in the task', () => {
  const path = join(SOURCES, 'role', 'tasks', 'main.yml');
  const text = readFileSync(path, 'utf8');
  const result = check('ansible', text);
  assert.ok(places(result, text).includes('unknown-directive 6:12-6:23'), places(result, text).join('\n'));
  assert.match(
    result.files[0].built.text,
    /\nprecendence ::ffff:0:0\/96 {2}100\nprecedence ::1\/128 50\n# BEGIN ANSIBLE MANAGED BLOCK\nlabel ::1\/128 0\nlabel ::\/0 1\nlabel fc00::\/7 1\n# END ANSIBLE MANAGED BLOCK\n$/,
  );
});

test('Ansible: lineinfile replaces the last match, loops fill {{ item }}, template is named', () => {
  const text = `- name: prefer IPv4\n  lineinfile:\n    path: /etc/gai.conf\n    regexp: '^#?precedence ::ffff:0:0/96'\n    line: "{{ item }}"\n  loop:\n    - precedence ::ffff:0:0/96 100\n- template: src=gai.conf.j2 dest=/etc/gai.conf\n`;
  const result = check('ansible', text);
  const built = result.files[0].built;
  assert.equal(built.text, '');
  assert.match(result.sourceFindings[0].message, /the template gai\.conf\.j2/);
  const only = check('ansible', text.slice(0, text.indexOf('- template')));
  assert.equal(
    only.files[0].built.text,
    STOCK.text.replace('#precedence ::ffff:0:0/96  100', 'precedence ::ffff:0:0/96 100'),
  );
});

test('NixOS: networking.getaddrinfo renders as the module does (sorted names, no final newline); environment.etc text', () => {
  const path = join(SOURCES, 'gai.nix');
  const [file] = check('nixos', readFileSync(path, 'utf8')).files;
  assert.equal(
    file.built.text,
    [
      '# Generated by NixOS module networking.getaddrinfo',
      '# Do not edit manually!',
      'reload no',
      'label ::/0 1',
      'label ::1/128 0',
      'label ::ffff:0:0/96 4',
      'label fc00::/7 1',
      'precedence 2002::/16 30',
      'precedence ::/0 40',
      'precedence ::/96 20',
      'precedence ::1/128 50',
      'precedence ::ffff:0:0/96 100',
    ].join('\n'),
  );
  assert.deepEqual(
    builtText('nixos', '{ networking.getaddrinfo.enable = false; networking.getaddrinfo.label."::/0" = 1; }'),
    [],
  );
  assert.deepEqual(builtText('nixos', readFileSync(join(SOURCES, 'etc-text.nix'), 'utf8')), [
    'label ::1/128 0\nlabel ::/0 1\nlabel fc00::/7 6\nprecedence ::ffff:0:0/96 100 # IPv4 first\n',
  ]);
  const text = '{ lib, ... }: {\n  networking.getaddrinfo.precedence."::ffff:0:0/96" = lib.mkDefault 100;\n}\n';
  assert.deepEqual(
    places(check('nixos', text), text).filter((p) => p.startsWith('table-replaced')),
    ['table-replaced 2:3-2:72'],
  );
});

test('CLI: text, gnu, SARIF and GitHub formats point into the source; --kind and --base', () => {
  const base = join(dir, 'stock');
  writeFileSync(base, STOCK.text);
  const path = join(SOURCES, 'role', 'tasks', 'main.yml');
  const text = cli('check', path, '--base', base, '--glibc', '2.36');
  assert.equal(text.status, 1);
  assert.match(text.stdout, /main\.yml: an Ansible task file \(by its name\), \/etc\/gai\.conf read as glibc 2\.36/);
  assert.match(text.stdout, /starting from .*stock \(given with --base\)/);
  assert.match(text.stdout, /main\.yml:6:12: warning \[unknown-directive\]/);
  assert.match(
    cli('check', path, '--base', base, '--format', 'gnu').stdout,
    /main\.yml:6:12: warning: .*\[unknown-directive\]/,
  );
  assert.match(
    cli('check', path, '--base', base, '--format', 'github').stdout,
    /::warning file=.*main\.yml,line=6,endLine=6,col=12,endColumn=22,title=gai-conf unknown-directive::/,
  );
  const sarif = JSON.parse(cli('check', path, '--base', base, '--format', 'sarif').stdout);
  const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'unknown-directive');
  assert.deepEqual(result.locations[0].physicalLocation.region, {
    startLine: 6,
    startColumn: 12,
    endLine: 6,
    endColumn: 23,
  });
  const copy = join(dir, 'gai-task');
  writeFileSync(copy, readFileSync(path));
  assert.match(
    cli('check', copy, '--kind', 'ansible', '--base', base).stdout,
    /an Ansible task file \(given with --kind\)/,
  );
  assert.equal(cli('check', copy, '--kind', 'yaml').status, 2);
  assert.equal(cli('check', join(SOURCES, 'gai.nix'), '--base', join(dir, 'missing')).status, 2);
});
