/** The built gai-conf command, run as a user runs it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { testNeeding } from '../support/prerequisites';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'gai-conf-cli-'));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('check: exit 0 when clean, 1 with warnings, locations as FILE:LINE:COL', () => {
  const clean = file(
    'clean.conf',
    'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10 5\nlabel fc00::/7 1\nlabel 2001::/32 7\n',
  );
  const cleanRun = cli('check', clean, '--glibc', '2.36');
  assert.equal(cleanRun.status, 0, cleanRun.stdout + cleanRun.stderr);
  const broken = file('broken.conf', '# header\nLabel ::1/128 5\n');
  const run = cli('check', broken, '--glibc', '2.36');
  assert.equal(run.status, 1);
  assert.match(
    run.stdout,
    new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:1: warning \\[unknown-directive\\]`),
  );
  assert.match(run.stdout, /glibc 2\.36/);
});

test('check --json: stable shape with code, severity, position and documentation', () => {
  const run = cli('check', file('json.conf', 'label 10.0.0.0/8 4\n'), '--json', '--glibc', '2.41');
  const report = JSON.parse(run.stdout);
  assert.equal(report.glibc, '2.41');
  const finding = report.findings.find((f: { code: string }) => f.code === 'ipv4-prefix');
  assert.deepEqual([finding.line, finding.column, finding.endColumn, finding.severity], [1, 7, 17, 'warning']);
  assert.match(finding.documentation, /README\.md#ipv4-prefix$/);
});

test('table --json: the documented shape, rows in lookup order with their lines', () => {
  const run = cli('table', file('table.conf', '# x\nprecedence ::ffff:0:0/96 100\n'), '--json', '--glibc', '2.36');
  assert.equal(run.status, 0);
  const tables = JSON.parse(run.stdout);
  assert.equal(tables.glibc, '2.36');
  assert.equal(tables.label.source, 'builtin');
  assert.equal(tables.reload, false);
  assert.deepEqual(
    tables.precedence.rows.map((r: { prefix: string; value: number; line: number | null }) => [
      r.prefix,
      r.value,
      r.line,
    ]),
    [
      ['::ffff:0:0/96', 100, 2],
      ['::/0', 40, null],
    ],
  );
  assert.equal(tables.scopev4.rows[0].prefix, '169.254.0.0/16');
  assert.ok([...tables.label.rows, ...tables.precedence.rows].every((r: { reached: boolean }) => r.reached === true));
});

test('table marks the rows after the first catch-all as never reached, in text and --json', () => {
  const config = file('dead.conf', 'label ::/0 5\nlabel ::/0 6\n');
  const json = JSON.parse(cli('table', config, '--json', '--glibc', '2.36').stdout);
  assert.deepEqual(
    json.label.rows.map((r: { value: number; reached: boolean }) => [r.value, r.reached]),
    [
      [5, true],
      [6, false],
    ],
  );
  const text = cli('table', config, '--glibc', '2.36').stdout;
  assert.match(text, /::\/0 +6 +line 2 +never reached: lookups stop at the catch-all ::\/0 \(line 1\)/);
});

test('order --json: destinations exactly as given, decisions with rules', () => {
  const config = file('order.conf', '');
  const run = cli(
    'order',
    '--config',
    config,
    '--source',
    'fd42::2/64',
    '--source',
    '10.0.0.2/24',
    '2001:DB8:1::10',
    '198.51.100.10',
    '--json',
    '--glibc',
    '2.36',
  );
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.deepEqual(result.order, ['198.51.100.10', '2001:DB8:1::10']);
  assert.equal(result.decisions[0].rule, 5);
  const text = cli(
    'order',
    '--config',
    config,
    '--source',
    'fd42::2/64',
    '--source',
    '10.0.0.2/24',
    '2001:db8:1::10',
    '198.51.100.10',
  );
  assert.match(text.stdout, /198\.51\.100\.10 before 2001:db8:1::10: rule 5, prefer matching label/);
});

test('usage and I/O errors exit 2 with a message, never a stack trace', () => {
  for (const args of [
    ['check', join(dir, 'missing.conf')],
    ['check', dir],
    ['nonsense'],
    ['order'],
    ['order', 'not-an-address'],
    ['table', '--glibc', 'x'],
    ['order', '--source', 'fd42::2', '::1'],
  ]) {
    const run = cli(...args);
    assert.equal(run.status, 2, args.join(' '));
    assert.match(run.stderr, /^gai-conf: /, args.join(' '));
    assert.doesNotMatch(run.stderr, /\n\s+at /, args.join(' '));
  }
  assert.match(cli('check', join(dir, 'missing.conf')).stderr, /cannot read .*missing\.conf: no such file/);
});

test('binary and hostile input never crashes the CLI', () => {
  let seed = 7;
  const bytes = Buffer.alloc(200_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  const hostile = [
    bytes,
    Buffer.from('\uFEFFlabel ::1/128 5\0\r\n\ud800'),
    Buffer.from('label '.repeat(100_000)),
    Buffer.from('label ::1/128 5\n'.repeat(20_000)),
  ];
  hostile.forEach((content, i) => {
    const path = file(`hostile-${i}.conf`, content);
    for (const command of ['check', 'table']) {
      const run = cli(command, path, '--glibc', '2.36');
      assert.ok(
        run.status === 0 || run.status === 1,
        `${command} hostile-${i}: ${run.status} ${run.stderr.slice(0, 300)}`,
      );
    }
  });
});

test("order without --source reads this machine's own addresses and routes", () => {
  const run = cli('order', '--config', file('system.conf', ''), '::1', '127.0.0.1', '--json');
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.deepEqual([...result.order].sort(), ['127.0.0.1', '::1']);
  assert.deepEqual(
    result.destinations.map((d: { source: string }) => d.source),
    ['::1', '127.0.0.1'],
  );
});

test('explain: literal addresses on a described host, every step in words; bad queries exit 2', () => {
  const config = file('explain.conf', '');
  const run = cli(
    'explain',
    '--config',
    config,
    '--source',
    'fd42::2/64',
    '--source',
    '10.0.0.2/24',
    '2001:db8:1::10',
    '198.51.100.10',
    '--glibc',
    '2.36',
  );
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /1\. 198\.51\.100\.10 {2}public IPv4; from 10\.0\.0\.2 on eth0/);
  assert.match(
    run.stdout,
    /198\.51\.100\.10 before 2001:db8:1::10: rule 5, prefer matching label\. 198\.51\.100\.10 has label 4/,
  );
  assert.doesNotMatch(run.stdout, /System resolver/);
  const json = JSON.parse(
    cli('explain', '--config', config, '--source', '10.0.0.2/24', '2001:db8::1', '--json').stdout,
  );
  assert.equal(json.buffer.order[0].unreachable, 'this host has no IPv6 address and no IPv6 route');
  const bad = cli('explain', 'not a name!');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^gai-conf: Not an IPv4 or IPv6 address/);
  assert.equal(cli('explain').status, 2);
});

test('check honours "# gai-conf: ignore" comments, and reports unknown codes in them', () => {
  const path = file(
    'suppressed.conf',
    '# gai-conf: ignore-file reload-enabled, ula-demoted\n# gai-conf: ignore unknown-directive\nLabel ::1/128 5\nreload yes\n',
  );
  const run = cli('check', path, '--glibc', '2.36');
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /No findings/);
  assert.match(run.stdout, /3 more findings are silenced by "# gai-conf: ignore" comments\./);
  assert.equal(JSON.parse(cli('check', path, '--json', '--glibc', '2.36').stdout).suppressed, 3);
  const typo = cli(
    'check',
    file('typo.conf', '# gai-conf: ignore-file reload-enable\nreload yes\n'),
    '--glibc',
    '2.36',
  );
  assert.equal(typo.status, 1);
  assert.match(typo.stdout, /:1:25: warning \[unknown-suppression\] "reload-enable" is not a gai-conf diagnostic code/);
  assert.match(typo.stdout, /\[reload-enabled\]/);
});

test('check --format gnu, github, json, text; --json is json; a wrong format is a usage error', () => {
  const path = file('formats.conf', '# header\nLabel ::1/128 5\nlabel fec0::/16 3\n');
  const gnu = cli('check', path, '--format', 'gnu', '--glibc', '2.36');
  assert.equal(gnu.status, 1);
  assert.match(
    gnu.stdout,
    new RegExp(
      `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:1: warning: glibc ignores this line: .* \\[unknown-directive\\]$`,
      'm',
    ),
  );
  assert.match(gnu.stdout, /:3:7: note: .*\[site-local\]$/m);
  assert.doesNotMatch(gnu.stdout, /read as glibc/, 'only finding lines, for tools that parse them');
  const github = cli('check', path, '--format', 'github', '--glibc', '2.36');
  assert.match(
    github.stdout,
    /^::warning file=.*,line=2,endLine=2,col=1,endColumn=5,title=gai-conf unknown-directive::glibc ignores this line/m,
  );
  assert.match(github.stdout, /^::notice file=.*,line=3,.*title=gai-conf site-local::/m);
  assert.equal(
    cli('check', path, '--format', 'json', '--glibc', '2.36').stdout,
    cli('check', path, '--json', '--glibc', '2.36').stdout,
  );
  assert.equal(
    cli('check', path, '--format', 'text', '--glibc', '2.36').stdout,
    cli('check', path, '--glibc', '2.36').stdout,
  );
  for (const args of [
    ['--format', 'xml'],
    ['--json', '--format', 'sarif'],
    ['--fail-on', 'warnings'],
  ]) {
    const bad = cli('check', path, ...args);
    assert.equal(bad.status, 2, args.join(' '));
    assert.match(
      bad.stderr,
      /^gai-conf: (--format takes text, json, gnu, sarif, github|--json and --format sarif|--fail-on takes error, warning, information, hint or none)/,
      bad.stderr,
    );
  }
});

test('check --fail-on: the least severity that fails; none never fails; unreadable files still exit 2', () => {
  const path = file(
    'fail-on.conf',
    'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10 9\nlabel fc00::/7 1\nlabel 2001::/32 7\n',
  );
  const status = (...args: string[]) => cli('check', path, '--glibc', '2.36', ...args).status;
  assert.deepEqual(
    [
      status(),
      status('--fail-on', 'warning'),
      status('--fail-on', 'information'),
      status('--fail-on', 'hint'),
      status('--fail-on', 'error'),
    ],
    [0, 0, 1, 1, 0],
    'one information finding (site-local)',
  );
  const broken = file('fail-on-broken.conf', 'Label ::1/128 5\n');
  assert.deepEqual(
    ['error', 'warning', 'none'].map((level) => cli('check', broken, '--fail-on', level).status),
    [0, 1, 0],
  );
  assert.equal(cli('check', join(dir, 'absent.conf'), '--fail-on', 'none').status, 2);
});

test('a reader that stops early (| head) ends the output quietly, without a stack trace', () => {
  const path = file('pipe.conf', 'Label ::1/128 5\n'.repeat(2000));
  const result = spawnSync('/bin/sh', ['-c', `"$0" "$1" check "$2" | head -n 1`, process.execPath, CLI, path], {
    encoding: 'utf8',
  });
  assert.match(result.stdout, /read as glibc/);
  assert.doesNotMatch(result.stderr, /EPIPE|\n\s+at /, result.stderr);
});

const NO_PYTHON =
  spawnSync('python3', ['-c', '']).status === 0
    ? null
    : 'python3 (scripts/install-test-tools.sh installs python3-minimal), to hand the command a non-blocking pipe';

// Standard output is written with write(2); a descriptor that is non-blocking (shared with a
// parent that made it so) and full refuses more for now, and the rest goes through Node's stream.
testNeeding(NO_PYTHON, 'a non-blocking pipe that fills up gets the whole output, in order', {}, () => {
  const path = file('non-blocking.conf', 'Label ::1/128 5\n'.repeat(3000));
  const args = [CLI, 'check', path, '--format', 'sarif', '--glibc', '2.36'];
  const script = [
    'import fcntl, os, subprocess, sys, time',
    'r, w = os.pipe()',
    'fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)',
    'child = subprocess.Popen(sys.argv[1:], stdout=w)',
    'os.close(w)',
    'time.sleep(0.5)',
    'out = sys.stdout.buffer',
    'while chunk := os.read(r, 65536): out.write(chunk)',
    'sys.exit(child.wait())',
  ].join('\n');
  const piped = spawnSync('python3', ['-c', script, process.execPath, ...args], { maxBuffer: 64 * 1024 * 1024 });
  const direct = spawnSync(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  assert.equal(piped.status, 1, piped.stderr.toString());
  assert.ok(piped.stdout.length > 1 << 20, `${piped.stdout.length} bytes: more than a pipe holds`);
  assert.ok(piped.stdout.equals(direct.stdout), 'the same bytes as through a blocking pipe');
});

test('check reads gai.conf.j2 (and any file with --template) as a template: no findings on template lines', () => {
  const text = '# {{ ansible_managed }}\nlabel fc00::/7 {{ ula_label }}\nLabel ::1/128 0\n';
  const codesOf = (...args: string[]) =>
    (
      JSON.parse(cli('check', ...args, '--json', '--glibc', '2.36').stdout).findings as { code: string; line: number }[]
    ).map((f) => `${f.code}@${f.line}`);
  assert.deepEqual(codesOf(file('gai.conf.j2', text)), ['unknown-directive@3']);
  assert.deepEqual(codesOf(file('rendered.conf', text), '--template'), ['unknown-directive@3']);
  assert.ok(
    codesOf(file('plain.conf', text)).includes('invalid-number@2'),
    'in a real gai.conf {{ is text glibc cannot read',
  );
});
