/** Save as Root's decisions (client/src/saveAsRootDecision.ts), without VS Code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  bytesToSave,
  changedOnDiskQuestion,
  COMPARE,
  crashQuestion,
  failureMessage,
  lensFor,
  offerBeforeFailingSave,
  ordinarySaveMessage,
  OVERWRITE,
  passwordPrompt,
  refusalBeforeWriting,
  SAVE_ANYWAY,
  savedMessage,
  writePlan,
} from '../../client/src/saveAsRootDecision';

const FILE = '/etc/gai.conf';
const encode = (text: string) => new TextEncoder().encode(text);
const BOM = [0xef, 0xbb, 0xbf];

test('the CodeLens: Save as Root for a file only root can write, a plain note on a read-only file system, nothing otherwise', () => {
  assert.deepEqual(lensFor('needs-root', 'alice'), {
    title: 'read-only for you: Save as Root…',
    tooltip: 'alice cannot write this file; write it through sudo',
    saveAsRoot: true,
  });
  assert.deepEqual(lensFor('read-only-file-system', 'alice'), {
    title: 'read-only file system: cannot be saved here',
    saveAsRoot: false,
  });
  assert.equal(lensFor('writable', 'alice'), undefined);
  assert.equal(lensFor('missing', 'alice'), undefined);
  assert.equal(
    offerBeforeFailingSave('alice', FILE),
    'alice cannot write /etc/gai.conf, so this save fails. Save it through sudo instead?',
  );
});

test('refused before anything is asked: a read-only file system and a deleted file; not a file root can write', () => {
  assert.match(
    refusalBeforeWriting(FILE, 'read-only-file-system')!,
    /read-only file system; not even root can write it here/,
  );
  assert.match(
    refusalBeforeWriting(FILE, 'missing')!,
    /no longer exists\. Save as Root only writes over an existing file/,
  );
  assert.equal(refusalBeforeWriting(FILE, 'needs-root'), undefined);
  assert.equal(refusalBeforeWriting(FILE, 'writable'), undefined);
});

test('asked first: a crashing buffer is written only with "Save Anyway"', () => {
  assert.equal(crashQuestion({ crash: null, live: true }), undefined);
  const question = crashQuestion({ crash: { line: 3, message: 'glibc reads no /bits here.' }, live: true })!;
  assert.equal(
    question.message,
    "Line 3 would crash every program's getaddrinfo() on this machine's glibc: glibc reads no /bits here. Save it as root anyway?",
  );
  assert.deepEqual(question.choices, [SAVE_ANYWAY]);
  assert.equal(question.proceed, SAVE_ANYWAY);
});

test('asked next: a file that changed on disk since it was loaded offers Compare, and is written only with Overwrite', () => {
  const loaded = encode('label ::1/128 0\n');
  assert.equal(changedOnDiskQuestion(FILE, encode('label ::1/128 0\n'), loaded), undefined, 'unchanged');
  assert.equal(changedOnDiskQuestion(FILE, undefined, loaded), undefined, 'nothing on disk to lose');
  assert.equal(changedOnDiskQuestion(FILE, loaded, undefined), undefined, 'never loaded: nothing to compare with');
  const question = changedOnDiskQuestion(FILE, encode('label ::1/128 0\n# theirs\n'), loaded)!;
  assert.match(question.message, /^\/etc\/gai\.conf changed on disk since it was opened here\./);
  assert.deepEqual(question.choices, [COMPARE, OVERWRITE]);
  assert.equal(question.proceed, OVERWRITE);
});

test('what is written: VS Code saves a writable file itself; the buffer as UTF-8 with the BOM the file had; nothing when the file already holds it', () => {
  assert.deepEqual(writePlan('writable', 'x\n', encode('y\n')), { kind: 'ordinary-save' });
  const withBom = Uint8Array.of(...BOM, ...encode('label ::1/128 0\n'));
  assert.deepEqual(writePlan('needs-root', 'label ::/0 1\n', withBom), {
    kind: 'write',
    bytes: Uint8Array.of(...BOM, ...encode('label ::/0 1\n')),
    previous: withBom,
  });
  assert.deepEqual(writePlan('needs-root', 'label ::1/128 0\n', withBom), { kind: 'unchanged', bytes: withBom });
  assert.deepEqual(writePlan('needs-root', 'é\n', encode('old\n')), {
    kind: 'write',
    bytes: encode('é\n'),
    previous: encode('old\n'),
  });
  assert.deepEqual(writePlan('needs-root', 'new\n', undefined), {
    kind: 'write',
    bytes: encode('new\n'),
    previous: undefined,
  });
  assert.deepEqual(bytesToSave('a', Uint8Array.of(0xef, 0xbb)), encode('a'), 'two bytes of a BOM are no BOM');
});

test('the password prompt, and what each failed write says', () => {
  assert.equal(passwordPrompt('alice', FILE, false), 'Password of alice for sudo, to write /etc/gai.conf as root');
  assert.equal(passwordPrompt('alice', FILE, true), 'Wrong password for alice: try again (Escape to cancel)');
  assert.match(failureMessage(FILE, 'alice', { kind: 'sudo-missing' })!, /sudo is not installed on this machine/);
  assert.match(
    failureMessage(FILE, 'alice', { kind: 'not-allowed', detail: 'alice is not in the sudoers file' })!,
    /sudo does not allow alice to run the write \(alice is not in the sudoers file\)\. An administrator can allow it in \/etc\/sudoers\.d\//,
  );
  assert.equal(
    failureMessage(FILE, 'alice', { kind: 'read-only-file-system' }),
    refusalBeforeWriting(FILE, 'read-only-file-system'),
  );
  assert.equal(failureMessage(FILE, 'alice', { kind: 'missing' }), refusalBeforeWriting(FILE, 'missing'));
  assert.equal(
    failureMessage(FILE, 'alice', { kind: 'failed', detail: "the file's ino changed during the write" }),
    "Saving /etc/gai.conf as root failed: the file's ino changed during the write.",
  );
  assert.equal(failureMessage(FILE, 'alice', { kind: 'written' }), undefined);
});

test('after the write: the backup named, and for the live file that running programs keep the old tables, with Explain Address Order', () => {
  assert.deepEqual(savedMessage('/srv/gai.conf', false, undefined), { message: 'Saved /srv/gai.conf as root.' });
  assert.deepEqual(savedMessage('/srv/gai.conf', false, '/home/alice/.cache/gai-conf/backups/x'), {
    message: 'Saved /srv/gai.conf as root. The previous version is in /home/alice/.cache/gai-conf/backups/x.',
  });
  const live = savedMessage(FILE, true, '/b');
  assert.match(
    live.message,
    /^Saved \/etc\/gai\.conf as root\. Programs already running keep the tables they read .*The previous version is in \/b\.$/,
  );
  assert.equal(live.action, 'Explain Address Order');
});

test('Save as Root on a file the user can write says what it did: saved as the user, or nothing to save', () => {
  assert.equal(
    ordinarySaveMessage('/tmp/gai.conf', 'alice', false),
    '/tmp/gai.conf is writable for alice and has no unsaved changes: nothing to save, and no root needed.',
  );
  assert.equal(
    ordinarySaveMessage('/tmp/gai.conf', 'alice', true),
    '/tmp/gai.conf is writable for alice: saved as alice, without root.',
  );
});
