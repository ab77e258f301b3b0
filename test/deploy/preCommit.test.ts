/**
 * The README's pre-commit set-up run by the real pre-commit (Debian's package) against a scratch
 * git repository, with this repository (its tracked and new files, committed into a scratch hook
 * repository) as the hook repository, and npm offline: pre-commit clones it, installs the hooks
 * with the machine's Node.js from npm's cache, and runs `gai-conf check` on the files it matches.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

import { testNeeding } from '../support/prerequisites';
import { readmeBlock } from '../support/readme';
import { repoRoot } from '../support/repository';

const ROOT = repoRoot();
const scratch = mkdtempSync(join(tmpdir(), `gai-conf-pre-commit-${process.pid}-`));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 400_000 });
}

function git(cwd: string, ...args: string[]): string {
  const result = run(
    'git',
    [
      '-c',
      'user.name=gai-conf test',
      '-c',
      'user.email=test@gai-conf.invalid',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    cwd,
  );
  assert.equal(result.status, 0, `git ${args.join(' ')}\n${result.stderr}`);
  return result.stdout.trim();
}

/** This checkout as a hook repository: its tracked and new files (not what .gitignore keeps out), in one commit. */
function hookRepository(): { path: string; rev: string } {
  const path = join(scratch, 'hooks');
  mkdirSync(path);
  git(path, 'init', '-q');
  for (const file of git(ROOT, 'ls-files', '-co', '--exclude-standard').split('\n')) {
    mkdirSync(dirname(join(path, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(path, file));
  }
  git(path, 'add', '-A');
  git(path, 'commit', '-q', '-m', 'hooks');
  return { path, rev: git(path, 'rev-parse', 'HEAD') };
}

const preCommit = run('pre-commit', ['--version'], tmpdir());
const absent =
  preCommit.error || preCommit.status !== 0
    ? 'pre-commit is not installed (Debian: apt-get install pre-commit; scripts/install-test-tools.sh)'
    : undefined;

testNeeding(
  absent,
  "the README's pre-commit hooks fail a commit on gai.conf findings and pass it once fixed, offline",
  { timeout: 600_000 },
  () => {
    const hooks = hookRepository();
    const work = join(scratch, 'work');
    mkdirSync(join(work, 'files'), { recursive: true });
    mkdirSync(join(work, 'roles', 'network', 'tasks'), { recursive: true });
    git(work, 'init', '-q');
    // The README's configuration, pointed at the scratch hook repository.
    const config = readmeBlock('pre-commit', 'yaml')
      .replace(/repo: \S+/, `repo: ${hooks.path}`)
      .replace(/rev: \S+/, `rev: ${hooks.rev}`);
    assert.match(config, /id: gai-conf\n/);
    writeFileSync(join(work, '.pre-commit-config.yaml'), config);
    writeFileSync(join(work, 'files', 'gai.conf'), '# prefer IPv6 from ULA hosts\nLabel fc00::/7 1\n');
    const role = readFileSync(join(ROOT, 'test', 'embedded', 'sources', 'role', 'tasks', 'main.yml'), 'utf8');
    writeFileSync(join(work, 'roles', 'network', 'tasks', 'main.yml'), role);
    writeFileSync(join(work, 'notes.txt'), 'Label is not checked here\n');
    git(work, 'add', '-A');
    const env = {
      ...process.env,
      PRE_COMMIT_HOME: join(scratch, 'cache'),
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
      PRE_COMMIT_COLOR: 'never',
    };

    const failing = run('pre-commit', ['run', '--all-files'], work, env);
    const output = failing.stdout + failing.stderr;
    assert.equal(failing.status, 1, output);
    assert.match(output, /files\/gai\.conf:2:1: warning \[unknown-directive\]/);
    assert.match(
      output,
      /roles\/network\/tasks\/main\.yml:6:12: warning \[unknown-directive\] glibc ignores this line: "precendence"/,
    );
    assert.doesNotMatch(output, /notes\.txt/);

    writeFileSync(
      join(work, 'files', 'gai.conf'),
      '# prefer IPv6 from ULA hosts\nlabel ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10 5\nlabel fc00::/7 1\nlabel 2001::/32 7\n',
    );
    // The whole precedence table, not the one-liner that drops glibc's other rows (table-replaced).
    const fixedRole = [
      "- name: Prefer IPv4, keeping glibc's other precedence rows",
      '  ansible.builtin.blockinfile:',
      '    path: /etc/gai.conf',
      '    block: |',
      ...['::1/128       50', '::/0          40', '2002::/16     30', '::/96         20', '::ffff:0:0/96 100'].map(
        (row) => `      precedence ${row}`,
      ),
    ].join('\n');
    writeFileSync(join(work, 'roles', 'network', 'tasks', 'main.yml'), `${fixedRole}\n`);
    git(work, 'add', '-A');
    const passing = run('pre-commit', ['run', '--all-files'], work, env);
    assert.equal(passing.status, 0, passing.stdout + passing.stderr);
    assert.match(passing.stdout, /gai-conf check \(gai\.conf, its copies and templates\)\.+Passed/);
  },
);
