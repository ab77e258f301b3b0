/** The built gai-conf command's whole-policy commands: table --format gai.conf, preset, reset; and order's multicast and crash cases. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'gai-conf-cli-policy-'));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('table --format gai.conf prints a file the command reads back into the same tables', () => {
  const original = file('export.conf', 'precedence ::ffff:0:0/96 100\nlabel fc00::/7 1\n');
  const run = cli('table', original, '--format', 'gai.conf', '--glibc', '2.36');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^precedence ::ffff:0:0\/96 100 # .*export\.conf line 1$/m);
  const exported = file('exported.conf', `${run.stdout}\n`);
  const tables = (path: string) =>
    JSON.parse(cli('table', path, '--json', '--glibc', '2.36').stdout, (key, value) =>
      key === 'line' || key === 'origin' ? undefined : value,
    );
  assert.deepEqual(tables(exported), tables(original));
  const written = join(dir, 'written.conf');
  assert.equal(cli('table', original, '--format', 'gai.conf', '--output', written, '--glibc', '2.36').status, 0);
  assert.equal(readFileSync(written, 'utf8'), run.stdout);
  const crash = cli('table', file('crash.conf', 'scopev4 10.0.0.0 5\n'), '--format', 'gai.conf', '--glibc', '2.36');
  assert.equal(crash.status, 2);
  assert.match(crash.stderr, /crash at its first lookup/);
  assert.equal(cli('table', original, '--format', 'yaml').status, 2);
});

test('preset prints whole tables; --output writes atomically, keeping the mode, and refuses to drop active lines without --force', () => {
  const printed = cli('preset', 'prefer-ipv4', '--glibc', '2.36');
  assert.equal(printed.status, 0, printed.stderr);
  assert.match(printed.stdout, /^precedence ::ffff:0:0\/96 +100$/m);
  assert.match(printed.stdout, /^precedence ::1\/128 +50$/m, 'the whole table, ::1 kept');
  const auto = cli('preset', 'auto', '--source', 'fd42::2/64', '--source', '10.0.0.2/24', '--glibc', '2.36');
  assert.match(auto.stderr, /auto chose prefer-ipv6/);
  assert.match(
    auto.stdout,
    /^# Chosen by gai-conf preset auto: with glibc's built-in tables the host \(fd42::2\/64, 10\.0\.0\.2\/24\)/m,
  );
  const target = file('target.conf', '# site policy\nlabel fc00::/7 1\n');
  chmodSync(target, 0o640);
  const refused = cli('preset', 'rfc6724', '--output', target);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /1 active line \(first: line 2\).*--force/);
  assert.equal(readFileSync(target, 'utf8'), '# site policy\nlabel fc00::/7 1\n');
  const link = join(dir, 'link.conf');
  symlinkSync(target, link);
  const inode = statSync(target).ino;
  assert.equal(cli('preset', 'rfc6724', '--output', link, '--force', '--glibc', '2.36').status, 0);
  assert.equal(readFileSync(target, 'utf8'), cli('preset', 'rfc6724', '--glibc', '2.36').stdout);
  assert.equal(statSync(target).mode & 0o777, 0o640);
  assert.notEqual(statSync(target).ino, inode, 'renamed over, so no reader sees half a file');
  assert.ok(
    statSync(link).isFile() && readFileSync(link, 'utf8') === readFileSync(target, 'utf8'),
    'the link still points at the file',
  );
  assert.equal(cli('preset', 'prefer-ipv9').status, 2);
});

test('reset shows a diff that only adds #, and --write writes it', () => {
  const target = file('reset.conf', '# keep\nlabel ::1/128 0  # mine\nreload yes\n');
  const diff = cli('reset', target, '--glibc', '2.36');
  assert.equal(diff.status, 0);
  assert.match(diff.stdout, /^-label ::1\/128 0 {2}# mine\n\+#label ::1\/128 0 {2}# mine$/m);
  assert.match(diff.stdout, /^\+#reload yes$/m);
  assert.equal(
    readFileSync(target, 'utf8'),
    '# keep\nlabel ::1/128 0  # mine\nreload yes\n',
    'nothing written without --write',
  );
  assert.equal(cli('reset', target, '--write', '--glibc', '2.36').status, 0);
  assert.equal(readFileSync(target, 'utf8'), '# keep\n#label ::1/128 0  # mine\n#reload yes\n');
  assert.match(cli('reset', target).stderr, /no active line/);
});

test('order: a global multicast destination gets a source on a one-interface host, as glibc sorts it; a possible crash is said', () => {
  const run = cli(
    'order',
    '--config',
    '/dev/null',
    '--source',
    '2001:db8:3::1/64',
    '--source',
    '198.51.100.117/24',
    '198.51.100.1',
    'ff0e::1',
    '--json',
  );
  assert.deepEqual(JSON.parse(run.stdout).order, ['ff0e::1', '198.51.100.1']);
  const risky = file('risky.conf', 'label fc00:: 1\n');
  const text = cli(
    'order',
    '--config',
    risky,
    '--glibc',
    '2.31',
    '--source',
    'fd42::2/64',
    '--source',
    '10.0.0.2/24',
    '2001:db8::1',
    '10.0.0.9',
  );
  assert.match(text.stdout, /Warning: Line 1 is undefined behaviour .* may crash .*Debian 11's glibc 2\.31 crashed/);
  const json = JSON.parse(
    cli('order', '--config', risky, '--glibc', '2.31', '--source', 'fd42::2/64', '2001:db8::1', '--json').stdout,
  );
  assert.deepEqual(
    json.mayCrash.map((r: { line: number }) => r.line),
    [1],
  );
  assert.deepEqual(
    JSON.parse(
      cli('order', '--config', risky, '--glibc', '2.41', '--source', 'fd42::2/64', '2001:db8::1', '--json').stdout,
    ).mayCrash,
    [],
  );
  const explained = cli(
    'explain',
    '--config',
    risky,
    '--glibc',
    '2.31',
    '--source',
    'fd42::2/64',
    '2001:db8::1',
    '10.0.0.9',
  );
  assert.match(explained.stdout, /Warning: Line 1 is undefined behaviour .* may crash .*\n\nOrder under /);
  assert.deepEqual(
    JSON.parse(
      cli('explain', '--config', risky, '--glibc', '2.41', '--source', 'fd42::2/64', '2001:db8::1', '--json').stdout,
    ).mayCrash,
    [],
  );
  const check = cli('check', risky, '--glibc', '2.31');
  assert.match(check.stdout, /What this file does to connections:\n {2}Line 1 is undefined behaviour/);
});
