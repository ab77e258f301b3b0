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
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { rootWriteCommand } from '../../client/src/rootWrite';
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
          `^/(usr/)?bin/dd if=/tmp/gai-conf-save-\\w+/content of=${file} bs=1M conv=nocreat,fsync oflag=nofollow status=none$`,
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

/**
 * A folder every user may write (no sticky bit), a root-owned gai.conf in it, and a root-only
 * file elsewhere that another user would like overwritten: what they swap in is a symlink to it.
 */
function swapScene(name: string): { file: string; precious: string; preciousBytes: Buffer; swap: () => void } {
  const open = join(scratch, name);
  mkdirSync(open);
  chmodSync(open, 0o777);
  const file = rootFile(join(name, 'gai.conf'), 'label fc00::/7 6\n');
  const precious = rootFile(`${name}-shadow`, 'root:$y$j9T$secret:20000:0:99999:7:::\n');
  chmodSync(precious, 0o600);
  const swap = () => {
    const link = join(open, 'link.tmp');
    rmSync(link, { force: true });
    symlinkSync(precious, link);
    renameSync(link, file);
  };
  return { file, precious, preciousBytes: readFileSync(precious), swap };
}

testNeeding(
  missing,
  'in a folder others can write, a file swapped for a symlink after it was read is refused, and the link target stays byte-identical',
  {},
  () => {
    setSudo('nopasswd');
    const { file, precious, preciousBytes, swap } = swapScene('world-writable');
    swap();
    const outcome = writeAsUser(file, NEW_BYTES);
    assert.equal(outcome.kind, 'failed', JSON.stringify(outcome));
    assert.match(outcome.detail ?? '', /is a symbolic link \(to .*shadow\).*nothing was written/);
    assert.deepEqual(readFileSync(precious), preciousBytes, 'the file the link points to is untouched');
    assert.ok(lstatSync(file).isSymbolicLink(), 'the link itself is left as it is');
  },
);

testNeeding(
  missing,
  "root's dd never writes through a symlink (oflag=nofollow), and a swap racing the write never reaches the link's target",
  { timeout: 120_000 },
  () => {
    setSudo('nopasswd');
    const { file, precious, preciousBytes, swap } = swapScene('racing');
    // The swap between Save as Root's check and dd: the exact command sudo runs, on a path that became a link.
    const source = join(scratch, 'racing-content');
    writeFileSync(source, NEW_BYTES);
    chmodSync(source, 0o644);
    swap();
    const dd = spawnSync('runuser', ['-u', user, '--', 'sudo', '-n', '--', ...rootWriteCommand(source, file)], {
      encoding: 'utf8',
    });
    assert.notEqual(dd.status, 0, 'dd refused the symlink');
    assert.match(dd.stderr, /Too many levels of symbolic links/);
    assert.deepEqual(readFileSync(precious), preciousBytes);
    // Another user swapping the file and a link back and forth while Save as Root writes, over and over.
    const swapper = spawnSync(
      'bash',
      [
        '-c',
        `end=$((SECONDS + 8)); while [ $SECONDS -lt $end ]; do
           ln -sfn "$1" "$2.l" && mv -Tf "$2.l" "$2"; printf 'label fc00::/7 6\n' > "$2.f" && mv -Tf "$2.f" "$2"
         done >/dev/null 2>&1 & echo $!`,
        'swapper',
        precious,
        file,
      ],
      { encoding: 'utf8' },
    );
    const outcomes = new Set<string>();
    for (let attempt = 0; attempt < 12; attempt++) {
      const outcome = writeAsUser(file, NEW_BYTES);
      outcomes.add(outcome.kind === 'written' ? 'written' : `${outcome.kind}: ${outcome.detail}`);
      assert.ok(
        outcome.kind === 'written' ||
          (outcome.kind === 'failed' &&
            /symbolic link|changed during the write|does not hold/.test(outcome.detail ?? '')),
        JSON.stringify(outcome),
      );
    }
    spawnSync('bash', ['-c', `kill ${swapper.stdout.trim()} 2>/dev/null; true`]);
    assert.deepEqual(readFileSync(precious), preciousBytes, `after ${[...outcomes].join(' | ')}`);
  },
);
