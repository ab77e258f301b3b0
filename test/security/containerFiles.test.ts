/**
 * A hostile container cannot make the host read or write the host's files. The host reaches a
 * container's files through /proc/PID/root, where the kernel would follow an absolute symlink
 * inside the container to the host's own root (CVE-2018-15664). Here a temporary folder stands for
 * the container's root and host canary files sit outside it, where the container's symlinks point;
 * the canaries' bytes must never come back from a read and must stay byte-identical after every
 * refused write. Then the same through a real namespace's /proc/PID/root.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';

import {
  ContainerPathRefused,
  readContainerFile,
  writeContainerFile,
} from '../../server/src/system/containers/containerFiles';
import { testNeeding } from '../support/prerequisites';

const CANARY = 'host secret: never to be read or written through a container\n';
const ATTACK = Buffer.from('label ::/0 1\n');

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

interface Fixture {
  root: string;
  hostDir: string;
  canary: string;
  cleanup(): void;
}

/** A container root and, outside it, a host folder with a canary file (and a canary named gai.conf). */
function fixture(): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'gai-hostile-root-'));
  const hostDir = mkdtempSync(join(tmpdir(), 'gai-host-canary-'));
  mkdirSync(join(root, 'etc'));
  const canary = join(hostDir, 'shadow');
  writeFileSync(canary, CANARY, { mode: 0o600 });
  writeFileSync(join(hostDir, 'gai.conf'), CANARY);
  return {
    root,
    hostDir,
    canary,
    cleanup: () => [root, hostDir].forEach((d) => rmSync(d, { recursive: true, force: true })),
  };
}

/** The read never hands back the canary's bytes: it refuses, finds nothing, or reads the container's own file. */
function assertReadStaysInside(root: string, path: string): void {
  let result;
  try {
    result = readContainerFile(root, path);
  } catch (error) {
    assert.ok(error instanceof ContainerPathRefused, `a refusal, not ${String(error)}`);
    return;
  }
  if (result.kind === 'file') {
    assert.notEqual(result.bytes.toString(), CANARY, 'the host file was read');
    assert.ok(
      result.resolved.hostPath.startsWith(root + '/'),
      `read ${result.resolved.hostPath}, outside the container`,
    );
  }
}

function assertWriteRefused(root: string, path: string, guarded: readonly string[]): void {
  const before = guarded.map(sha256);
  assert.throws(() => writeContainerFile(root, path, ATTACK), ContainerPathRefused);
  assert.deepEqual(guarded.map(sha256), before, 'a host file changed');
}

test('an absolute gai.conf symlink to a host file reads inside the container, and a write is refused', () => {
  const f = fixture();
  try {
    symlinkSync(f.canary, join(f.root, 'etc', 'gai.conf'));
    const read = readContainerFile(f.root, '/etc/gai.conf');
    assert.equal(read.kind, 'absent', 'the link target does not exist inside the container');
    // With the target present inside the container, the container's own file is read.
    mkdirSync(join(f.root, f.hostDir), { recursive: true });
    writeFileSync(join(f.root, f.canary), 'container file\n');
    const inside = readContainerFile(f.root, '/etc/gai.conf');
    assert.ok(inside.kind === 'file' && inside.bytes.toString() === 'container file\n');
    assertWriteRefused(f.root, '/etc/gai.conf', [f.canary, join(f.root, f.canary)]);
  } finally {
    f.cleanup();
  }
});

test("gai.conf linked to /etc/shadow never reads or writes the host's /etc/shadow", () => {
  const f = fixture();
  try {
    symlinkSync('/etc/shadow', join(f.root, 'etc', 'gai.conf'));
    assertReadStaysInside(f.root, '/etc/gai.conf');
    assert.equal(readContainerFile(f.root, '/etc/gai.conf').kind, 'absent');
    assertWriteRefused(f.root, '/etc/gai.conf', ['/etc/shadow']);
  } finally {
    f.cleanup();
  }
});

test("a container's /etc linked to / (or to a host folder) never reaches the host's files", () => {
  const f = fixture();
  try {
    rmSync(join(f.root, 'etc'), { recursive: true });
    symlinkSync('/', join(f.root, 'etc'));
    assertReadStaysInside(f.root, '/etc/gai.conf');
    assertWriteRefused(f.root, '/etc/gai.conf', ['/etc/gai.conf', '/etc/passwd']);
    unlinkSync(join(f.root, 'etc'));
    symlinkSync(f.hostDir, join(f.root, 'etc'));
    assertReadStaysInside(f.root, '/etc/gai.conf');
    assertWriteRefused(f.root, '/etc/gai.conf', [join(f.hostDir, 'gai.conf'), f.canary]);
    assert.equal(readFileSync(join(f.hostDir, 'gai.conf'), 'utf8'), CANARY);
  } finally {
    f.cleanup();
  }
});

test('a relative link climbing with .. stops at the container root', () => {
  const f = fixture();
  try {
    // Far more `..` than the root is deep: on the host this reaches the canary.
    const climb = `${'../'.repeat(12)}${relative('/', f.canary)}`;
    symlinkSync(climb, join(f.root, 'etc', 'gai.conf'));
    assert.equal(
      readFileSync(join(f.root, 'etc', 'gai.conf'), 'utf8'),
      CANARY,
      'the kernel itself follows it to the host file',
    );
    assertReadStaysInside(f.root, '/etc/gai.conf');
    assertWriteRefused(f.root, '/etc/gai.conf', [f.canary]);
    unlinkSync(join(f.root, 'etc', 'gai.conf'));
    symlinkSync('../../../etc/passwd', join(f.root, 'etc', 'gai.conf'));
    assertReadStaysInside(f.root, '/etc/gai.conf');
    assertWriteRefused(f.root, '/etc/gai.conf', ['/etc/passwd']);
  } finally {
    f.cleanup();
  }
});

test('a file swapped after the read (for a symlink to the host, or another file) is not written', () => {
  const f = fixture();
  try {
    const file = join(f.root, 'etc', 'gai.conf');
    writeFileSync(file, '# the container file\n');
    const read = readContainerFile(f.root, '/etc/gai.conf');
    assert.equal(read.kind, 'file');
    if (read.kind !== 'file') return;
    // The original is kept under another name, so that its inode number is not reused by the swap.
    renameSync(file, join(f.root, 'etc', 'original'));
    symlinkSync(f.canary, file);
    const before = sha256(f.canary);
    assert.throws(
      () => writeContainerFile(f.root, '/etc/gai.conf', ATTACK, { expected: read.identity }),
      ContainerPathRefused,
    );
    assert.equal(sha256(f.canary), before);
    // A regular file renamed over it: another inode than the one read.
    unlinkSync(file);
    writeFileSync(join(f.root, 'etc', 'other'), '# another file\n');
    renameSync(join(f.root, 'etc', 'other'), file);
    assert.throws(
      () => writeContainerFile(f.root, '/etc/gai.conf', ATTACK, { expected: read.identity }),
      ContainerPathRefused,
    );
    assert.equal(readFileSync(file, 'utf8'), '# another file\n');
  } finally {
    f.cleanup();
  }
});

test('a file changed in place since it was read (same inode) is not overwritten when its bytes are given', () => {
  const f = fixture();
  try {
    const file = join(f.root, 'etc', 'gai.conf');
    writeFileSync(file, '# as the editor read it\n');
    const read = readContainerFile(f.root, '/etc/gai.conf');
    assert.ok(read.kind === 'file');
    writeFileSync(file, '# changed inside the container meanwhile\n'); // same inode: only the bytes tell
    assert.throws(
      () => writeContainerFile(f.root, '/etc/gai.conf', ATTACK, { expected: read.identity, expectedBytes: read.bytes }),
      /changed in the container since it was read/,
    );
    assert.equal(readFileSync(file, 'utf8'), '# changed inside the container meanwhile\n');
    const again = readContainerFile(f.root, '/etc/gai.conf');
    assert.ok(again.kind === 'file');
    writeContainerFile(f.root, '/etc/gai.conf', Buffer.from('# saved\n'), {
      expected: again.identity,
      expectedBytes: again.bytes,
    });
    assert.equal(readFileSync(file, 'utf8'), '# saved\n');
  } finally {
    f.cleanup();
  }
});

test('a normal write keeps the inode, the shifted owner and the mode', () => {
  const f = fixture();
  try {
    const file = join(f.root, 'etc', 'gai.conf');
    writeFileSync(file, '# a longer original text than the new one\n');
    chownSync(file, 100000, 100000);
    chmodSync(file, 0o640);
    const before = statSync(file);
    const read = readContainerFile(f.root, '/etc/gai.conf');
    assert.ok(read.kind === 'file');
    const result = writeContainerFile(f.root, '/etc/gai.conf', Buffer.from('label fc00::/7 1\n'), {
      expected: read.identity,
    });
    const after = statSync(file);
    assert.equal(readFileSync(file, 'utf8'), 'label fc00::/7 1\n');
    assert.deepEqual([after.ino, after.uid, after.gid, after.mode & 0o7777], [before.ino, 100000, 100000, 0o640]);
    assert.equal(result.created, false);
  } finally {
    f.cleanup();
  }
});

/** The PID of unshare's child once it has chrooted into `root`. */
async function chrootedChild(unsharePid: number, root: string): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    let children = '';
    try {
      children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim();
    } catch {
      // not yet
    }
    const pid = Number(children.split(' ')[0]);
    try {
      if (pid && readlinkSync(`/proc/${pid}/root`) === root) return pid;
    } catch {
      // exec in progress
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the chrooted process did not start');
}

testNeeding(
  process.getuid?.() !== 0 ? 'root (unshare, chroot)' : null,
  "through a real container's /proc/PID/root, an absolute symlink is the container's, not the host's",
  {},
  async () => {
    const f = fixture();
    // The container: its own mount namespace and root (f.root), with the host's /usr bound inside
    // so that sleep runs; Debian's /bin and /lib are links into /usr.
    mkdirSync(join(f.root, 'usr'));
    for (const dir of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${dir}`, join(f.root, dir));
    const child = spawn(
      'unshare',
      [
        '--mount',
        '--fork',
        '--kill-child',
        'sh',
        '-c',
        `mount --bind /usr '${f.root}/usr' && exec chroot '${f.root}' /usr/bin/sleep 600`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    try {
      symlinkSync(f.canary, join(f.root, 'etc', 'gai.conf'));
      const pid = await chrootedChild(child.pid!, f.root);
      const root = `/proc/${pid}/root`;
      // The kernel, walking from the host, follows the container's absolute link to the host's canary.
      assert.equal(readFileSync(`${root}/etc/gai.conf`, 'utf8'), CANARY);
      assert.equal(readContainerFile(root, '/etc/gai.conf').kind, 'absent');
      assertReadStaysInside(root, '/etc/gai.conf');
      assertWriteRefused(root, '/etc/gai.conf', [f.canary]);
      // A plain file in the container is read and written in place.
      unlinkSync(join(f.root, 'etc', 'gai.conf'));
      writeFileSync(join(f.root, 'etc', 'gai.conf'), '# inside\n');
      const read = readContainerFile(root, '/etc/gai.conf');
      assert.ok(read.kind === 'file' && read.bytes.toString() === '# inside\n');
      writeContainerFile(root, '/etc/gai.conf', Buffer.from('# written\n'), { expected: read.identity });
      assert.equal(readFileSync(join(f.root, 'etc', 'gai.conf'), 'utf8'), '# written\n');
      assert.equal(readFileSync(f.canary, 'utf8'), CANARY);
    } finally {
      child.kill('SIGKILL');
      f.cleanup();
    }
  },
);
