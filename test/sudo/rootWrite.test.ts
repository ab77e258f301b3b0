/**
 * Save as Root's write (client/src/rootWrite.ts) against the real sudo, run as an ordinary user
 * (scripts/sudo-test-user.sh) on scratch root-owned files, never the machine's /etc/gai.conf.
 * Needs root (to create the user and the files) and sudo; fails without them, naming them.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { testNeeding } from '../support/prerequisites';

const REPO = join(__dirname, '..', '..', '..');
const SCRIPT = join(REPO, 'scripts', 'sudo-test-user.sh');
const ROOT_WRITE = join(REPO, 'out', 'client', 'src', 'rootWrite.js');
const isRoot = process.getuid?.() === 0;
const hasSudo = spawnSync('sh', ['-c', 'command -v sudo']).status === 0;
const missing = !isRoot
  ? 'root (to create the test user and root-owned files)'
  : !hasSudo
    ? 'sudo (Debian: sudo)'
    : null;

let scratch: string;
let sudoLog: string;
let user: string;

function setSudo(mode: 'password' | 'nopasswd' | 'true-only' | 'remove'): void {
  const run = spawnSync('bash', [SCRIPT, mode, sudoLog], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  user = run.stdout.trim().split('\n').at(-1)!;
}

/** A root-owned file with group daemon and mode 0644: the test user can read it but not write it. */
function rootFile(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  chownSync(path, 0, 1);
  chmodSync(path, 0o644);
  return path;
}

const identity = (path: string) => {
  const s = statSync(path);
  return { uid: s.uid, gid: s.gid, mode: s.mode, ino: s.ino };
};

/** writeAsRoot(target, bytes, password) run as the test user, in a new node process; returns its outcome. */
function writeAsUser(
  target: string,
  bytes: Buffer,
  password?: string,
  options: { env?: Record<string, string>; wrap?: string[] } = {},
): { kind: string; detail?: string } {
  const script = `require(${JSON.stringify(ROOT_WRITE)}).writeAsRoot(process.argv[1], Buffer.from(process.argv[2], 'base64'), process.argv[3]).then((o) => console.log(JSON.stringify(o)), (e) => console.log(JSON.stringify({ kind: 'threw', detail: String(e) })))`;
  const args = [
    ...(options.wrap ?? []),
    'runuser',
    '-u',
    user,
    '--',
    'env',
    '-i',
    ...Object.entries({ PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: `/home/${user}`, ...options.env }).map(
      ([k, v]) => `${k}=${v}`,
    ),
    process.execPath,
    '-e',
    script,
    target,
    bytes.toString('base64'),
    ...(password === undefined ? [] : [password]),
  ];
  const run = spawnSync(args[0], args.slice(1), { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, `${args.join(' ')}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

/** The commands sudo ran for the user, from its log. */
function commandsRunAsRoot(log: string): string[] {
  return spawnSync('bash', [SCRIPT, 'ran', log], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l);
}

before(() => {
  if (missing) return;
  scratch = mkdtempSync('/tmp/gai-conf-sudo-');
  chmodSync(scratch, 0o755);
  sudoLog = join(scratch, 'sudo.log');
});
after(() => {
  if (missing) return;
  setSudo('remove');
  if (!process.env.GAI_CONF_KEEP_TMP) rmSync(scratch, { recursive: true, force: true });
});

// Bytes an editor must not touch: a BOM, CRLF, a lone CR, a NUL, a non-UTF-8 byte.
const NEW_BYTES = Buffer.concat([
  Buffer.from('\ufefflabel ::1/128 0\r\nprecedence ::/0 40\rx\0y\n', 'utf8'),
  Buffer.from([0xff, 0x0a]),
]);

testNeeding(
  missing,
  'with the password: sudo -n is refused, a wrong password is reported, the right one writes in place',
  {},
  () => {
    setSudo('password');
    const file = rootFile('gai.conf', '# old\nlabel fc00::/7 6\n');
    const before = identity(file);
    assert.deepEqual(writeAsUser(file, NEW_BYTES), { kind: 'password-required' });
    assert.deepEqual(writeAsUser(file, NEW_BYTES, 'wrong'), { kind: 'wrong-password' });
    assert.equal(readFileSync(file, 'utf8'), '# old\nlabel fc00::/7 6\n', 'a refused write leaves the file alone');
    assert.deepEqual(writeAsUser(file, NEW_BYTES, 'secret'), { kind: 'written' });
    assert.deepEqual(readFileSync(file), NEW_BYTES, 'every byte as given');
    assert.deepEqual(identity(file), before, 'owner, group, mode and inode unchanged');
    const shorter = Buffer.from('label ::1/128 0\n');
    assert.deepEqual(writeAsUser(file, shorter, 'secret'), { kind: 'written' });
    assert.deepEqual(readFileSync(file), shorter, 'a shorter content leaves no tail of the longer one');
    // sudo's own log of what it ran as root for the user: dd, twice, and nothing else.
    const commands = commandsRunAsRoot(sudoLog);
    assert.equal(commands.length, 2, commands.join('\n'));
    for (const command of commands)
      assert.match(
        command,
        new RegExp(
          `^/(usr/)?bin/dd if=/tmp/gai-conf-save-\\w+/content of=${file} bs=1M conv=nocreat,fsync status=none$`,
        ),
      );
  },
);

testNeeding(missing, 'with NOPASSWD: sudo -n writes at once; the temporary copy is gone afterwards', {}, () => {
  setSudo('nopasswd');
  const file = rootFile('gai.conf.dpkg-dist', 'label ::1/128 0\n');
  const before = identity(file);
  assert.deepEqual(writeAsUser(file, NEW_BYTES), { kind: 'written' });
  assert.deepEqual(readFileSync(file), NEW_BYTES);
  assert.deepEqual(identity(file), before);
  assert.deepEqual(
    readdirSync('/tmp').filter((n) => n.startsWith('gai-conf-save-')),
    [],
  );
});

testNeeding(
  missing,
  'a user sudo does not allow the write, or not at all, is told so, and the file is left alone',
  {},
  () => {
    const file = rootFile('gai.conf', 'label ::1/128 0\n');
    setSudo('true-only');
    const limited = writeAsUser(file, NEW_BYTES, 'secret');
    assert.equal(limited.kind, 'not-allowed', JSON.stringify(limited));
    assert.match(limited.detail ?? '', /not allowed to execute/);
    setSudo('remove');
    const none = writeAsUser(file, NEW_BYTES, 'secret');
    assert.equal(none.kind, 'not-allowed', JSON.stringify(none));
    assert.match(none.detail ?? '', /not in the sudoers file/);
    assert.equal(readFileSync(file, 'utf8'), 'label ::1/128 0\n');
  },
);

testNeeding(
  missing,
  'a read-only file system, a deleted file and a machine without sudo each get their own outcome',
  {},
  () => {
    setSudo('nopasswd');
    const file = rootFile('gai.conf', 'label ::1/128 0\n');
    // The scratch folder read-only in a private mount namespace only.
    const readOnly = writeAsUser(file, NEW_BYTES, undefined, {
      wrap: [
        'unshare',
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        `mount --bind ${scratch} ${scratch} && mount -o remount,bind,ro ${scratch} && exec "$@"`,
        'sh',
      ],
    });
    assert.deepEqual(readOnly, { kind: 'read-only-file-system' });
    assert.deepEqual(writeAsUser(join(scratch, 'absent'), NEW_BYTES), { kind: 'missing' });
    assert.equal(existsSync(join(scratch, 'absent')), false, 'Save as Root never creates a file');
    assert.deepEqual(writeAsUser(file, NEW_BYTES, undefined, { env: { PATH: '/nonexistent' } }), {
      kind: 'sudo-missing',
    });
    assert.equal(readFileSync(file, 'utf8'), 'label ::1/128 0\n');
  },
);

testNeeding(
  missing,
  'the backup goes to ~/.cache/gai-conf/backups as the user, mode 0600, named after the path',
  {},
  () => {
    setSudo('remove');
    const script = `require(${JSON.stringify(ROOT_WRITE)}).writeBackup('/etc/gai.conf', Buffer.from('old\\n'), new Date('2026-12-01T20:30:05.123Z')).then((p) => console.log(p))`;
    const run = spawnSync(
      'runuser',
      ['-u', user, '--', 'env', '-i', `HOME=/home/${user}`, process.execPath, '-e', script],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const path = run.stdout.trim();
    assert.equal(path, `/home/${user}/.cache/gai-conf/backups/%2Fetc%2Fgai.conf.20261201T203005Z`);
    const stat = statSync(path);
    assert.equal(stat.mode & 0o777, 0o600);
    assert.equal(stat.uid, Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout));
    assert.equal(readFileSync(path, 'utf8'), 'old\n');
    rmSync(path);
  },
);
