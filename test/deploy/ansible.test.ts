/**
 * The README's Ansible recipe run as written by real ansible-playbook (Debian's ansible-core):
 * the template module's `validate: gai-conf check %s` installs a good render and refuses one
 * glibc would misread, keeping the old file. Everything happens in a scratch folder with
 * `connection: local`; the README's /etc/gai.conf is replaced by a scratch path before it runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after } from 'node:test';

import { testNeeding } from '../support/prerequisites';
import { readmeBlock } from '../support/readme';
import { repoRoot } from '../support/repository';

const CLI = join(repoRoot(), 'dist', 'cli.js');
const OLD_TEXT = '# the file in place before the play\nprecedence ::ffff:0:0/96 100\n';

const scratch = mkdtempSync(join(tmpdir(), 'gai-conf-ansible-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const dest = join(scratch, 'installed', 'gai.conf');

function setUp(): void {
  const task = readmeBlock('Ansible', 'yaml');
  assert.equal(task.split('/etc/gai.conf').length, 2, 'the recipe names /etc/gai.conf once, as its dest');
  const play = `- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n${task.replace('/etc/gai.conf', dest).replace(/^/gm, '    ')}`;
  assert.doesNotMatch(play, /\/etc\//, 'the play writes only into the scratch folder');
  for (const dir of ['bin', 'installed', 'templates', 'tmp']) mkdirSync(join(scratch, dir));
  writeFileSync(join(scratch, 'play.yml'), play);
  writeFileSync(join(scratch, 'templates', 'gai.conf.j2'), readmeBlock('Ansible', 'jinja'));
  symlinkSync(CLI, join(scratch, 'bin', 'gai-conf'));
}

/** Runs the play with the README's template and `gai_ula_label`; returns its exit status and output. */
function play(ulaLabel: string) {
  writeFileSync(dest, OLD_TEXT);
  chmodSync(dest, 0o640);
  const run = spawnSync(
    'ansible-playbook',
    [
      '-i',
      'localhost,',
      '-e',
      'ansible_python_interpreter=auto_silent',
      '-e',
      JSON.stringify({ gai_ula_label: ulaLabel }),
      'play.yml',
    ],
    {
      cwd: scratch,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        PATH: `${join(scratch, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
        HOME: scratch,
        ANSIBLE_LOCAL_TEMP: join(scratch, 'tmp'),
        ANSIBLE_REMOTE_TEMP: join(scratch, 'tmp'),
        ANSIBLE_STDOUT_CALLBACK: 'minimal',
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_RETRY_FILES_ENABLED: 'false',
        ANSIBLE_LOCALHOST_WARNING: 'false',
        ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false',
      },
    },
  );
  return { status: run.status, context: `${run.stdout}\n--- stderr ---\n${run.stderr}`, stdout: run.stdout };
}

const ansible = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
const absent =
  ansible.error || ansible.status !== 0
    ? 'ansible-playbook is not installed (Debian: apt-get install ansible-core)'
    : undefined;
if (!absent) setUp();

testNeeding(absent, 'Ansible installs a gai.conf that gai-conf check passes', {}, () => {
  const { status, context } = play('1');
  assert.equal(status, 0, context);
  const installed = readFileSync(dest, 'utf8');
  assert.match(installed, /^label fc00::\/7 {6}1$/m, installed);
  assert.match(installed, /^# Ansible managed/, installed);
  assert.equal(statSync(dest).mode & 0o777, 0o644, 'the mode the recipe asks for');
});

testNeeding(absent, 'Ansible refuses a render glibc would misread and keeps the old file', {}, () => {
  const { status, context, stdout } = play('');
  assert.notEqual(status, 0, context);
  assert.match(stdout, /failed to validate/, context);
  assert.match(stdout, /\[empty-number\]/, 'the findings reach the play output');
  assert.equal(readFileSync(dest, 'utf8'), OLD_TEXT);
  assert.equal(statSync(dest).mode & 0o777, 0o640, 'the old file keeps its mode');
});
