/**
 * gai.conf written by Dockerfiles, scripts, cloud-init, Ansible and NixOS, judged by the real
 * things: the file gai-conf builds from each source must be the file the real tools make (dash
 * and bash with GNU sed run the scripts' and RUN lines' commands, ansible-playbook runs the tasks,
 * each on a scratch copy of this machine's stock /etc/gai.conf), and the tables gai-conf reads
 * from that file must be the tables real glibc builds from it (the gdb judge of glibcTables.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after } from 'node:test';

import { dockerInstructions } from '../../server/src/analysis/embedded/dockerfile';
import { checkEmbedded, sourceKindOf, StockFile } from '../../server/src/analysis/embedded/embedded';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { judgingGlibcs } from '../support/glibcVersions';
import { testNeeding } from '../support/prerequisites';
import { repoRoot } from '../support/repository';
import {
  GlibcTables,
  glibcTablesOracleUnavailable,
  glibcTablesOracleUnavailableWith,
  readTablesWithGlibc,
} from './glibcTables';
import { ourReading } from './ourTables';

const SOURCES = join(repoRoot(), 'test', 'embedded', 'sources');
const STOCK_PATH = '/etc/gai.conf';
const stock: StockFile | undefined = existsSync(STOCK_PATH)
  ? { text: readFileSync(STOCK_PATH, 'utf8'), description: "this machine's /etc/gai.conf" }
  : undefined;
const noStock = stock ? undefined : 'a /etc/gai.conf (Debian ships one with libc-bin)';
const scratch = mkdtempSync(join(tmpdir(), `gai-conf-embedded-${process.pid}-`));
after(() => rmSync(scratch, { recursive: true, force: true }));

function sourceFiles(dir = SOURCES): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? sourceFiles(join(dir, name)) : [join(dir, name)],
  );
}

function built(path: string, glibc = '2.36') {
  const text = readFileSync(path, 'utf8');
  const kind = sourceKindOf(basename(path), text);
  assert.ok(kind, `${path} is recognised as a source`);
  return checkEmbedded(text, kind, { glibc: parseGlibcVersion(glibc)! }, stock);
}

/** Commands the sources run besides writing gai.conf, made harmless: first on the PATH. */
function shims(): string {
  const bin = join(scratch, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const name of ['apt-get', 'rm', 'curl', 'systemctl']) {
    writeFileSync(join(bin, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

/** Runs scripts in turn with the real shell on a scratch gai.conf (the stock copy to start with); returns the file. */
function runScripts(scripts: readonly string[], shell: string, start: string | undefined): string {
  const file = join(scratch, `gai.conf.${Math.random().toString(36).slice(2)}`);
  if (start !== undefined) writeFileSync(file, start);
  const bin = shims();
  for (const script of scripts) {
    const rewritten = script.split(STOCK_PATH).join(file);
    const run = spawnSync(shell, ['-c', rewritten], {
      cwd: scratch,
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin`, LC_ALL: 'C' },
    });
    assert.equal(run.status, 0, `${shell} -c ${rewritten}\n${run.stderr}`);
  }
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

testNeeding(noStock, 'a script: dash with GNU sed, tee and printf makes the file gai-conf builds', {}, () => {
  const path = join(SOURCES, 'prefer-ipv4.sh');
  const [file] = built(path).files;
  assert.equal(runScripts([readFileSync(path, 'utf8')], 'sh', stock!.text), file.built.text);
  assert.match(file.built.text, /^precedence ::ffff:0:0\/96 {2}100$/m, 'the sed on the stock line took effect');
});

testNeeding(noStock, "Dockerfiles: every stage's RUN lines, run by dash, make the file gai-conf builds", {}, () => {
  for (const name of ['Dockerfile', 'Containerfile.heredoc']) {
    const text = readFileSync(join(SOURCES, name), 'utf8');
    const check = built(join(SOURCES, name));
    // Each stage's RUN lines, as the builder hands them to /bin/sh -c; a stage FROM an earlier one starts from its file.
    const stages: { name: string; runs: string[]; parent?: string }[] = [];
    for (const instruction of dockerInstructions(text)) {
      if (instruction.keyword === 'FROM') {
        const words = instruction.arguments.text.trim().split(/\s+/);
        stages.push({
          name: words[2] ?? String(stages.length + 1),
          runs: [],
          ...(stages.some((s) => s.name === words[0]) ? { parent: words[0] } : {}),
        });
      } else if (instruction.keyword === 'RUN') stages[stages.length - 1].runs.push(instruction.withHeredocs.text);
    }
    const results = new Map<string, string>();
    for (const stage of stages) {
      const start = stage.parent ? results.get(stage.parent) : stock!.text;
      results.set(stage.name, runScripts(stage.runs, 'sh', start));
    }
    assert.ok(check.files.length > 0, `${name}: no gai.conf built`);
    for (const file of check.files) {
      const stage = stages.find((s) => file.built.sequence.name?.startsWith(`stage ${s.name} `));
      assert.ok(stage, `${name}: ${file.built.sequence.name}`);
      assert.equal(file.built.text, results.get(stage.name), `${name}, ${file.built.sequence.name}`);
    }
  }
  assert.match(
    built(join(SOURCES, 'Containerfile.heredoc')).files[0].built.text,
    /^-e precedence/m,
    "dash's echo prints -e: the line glibc then ignores",
  );
});

const ansible = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
const noAnsible =
  ansible.error || ansible.status !== 0
    ? 'ansible-playbook is not installed (Debian: apt-get install ansible-core)'
    : undefined;

/** Runs an Ansible task list against a scratch gai.conf (the stock copy to start with); returns the file. */
function runTasks(tasks: string): string {
  const dir = mkdtempSync(join(scratch, 'ansible-'));
  const file = join(dir, 'gai.conf');
  copyFileSync(STOCK_PATH, file);
  writeFileSync(join(dir, 'tasks.yml'), tasks.split(STOCK_PATH).join(file));
  writeFileSync(
    join(dir, 'play.yml'),
    '- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - import_tasks: tasks.yml\n',
  );
  const run = spawnSync(
    'ansible-playbook',
    ['-i', 'localhost,', '-e', 'ansible_python_interpreter=auto_silent', 'play.yml'],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 180_000,
      env: {
        ...process.env,
        HOME: dir,
        ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
        ANSIBLE_REMOTE_TEMP: join(dir, 'tmp'),
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_RETRY_FILES_ENABLED: 'false',
        ANSIBLE_LOCALHOST_WARNING: 'false',
        ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false',
      },
    },
  );
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  return readFileSync(file, 'utf8');
}

testNeeding(
  noAnsible ?? noStock,
  'Ansible: lineinfile, blockinfile and copy run by real ansible-playbook make the file gai-conf builds',
  { timeout: 400_000 },
  () => {
    const role = join(SOURCES, 'role', 'tasks', 'main.yml');
    assert.equal(runTasks(readFileSync(role, 'utf8')), built(role).files[0].built.text);
    // The playbook's tasks, as a task list (the play's hosts and become are the test's own).
    const playbook = readFileSync(join(SOURCES, 'copy-content.yml'), 'utf8');
    const tasks = playbook
      .slice(playbook.indexOf('  tasks:\n') + '  tasks:\n'.length)
      .replace(/^ {4}/gm, '')
      .replace(/^\s*owner: root\n/m, '');
    assert.equal(runTasks(tasks), built(join(SOURCES, 'copy-content.yml')).files[0].built.text);
  },
);

for (const glibc of judgingGlibcs()) {
  const which =
    glibc === undefined
      ? "this machine's glibc"
      : `glibc ${glibc.version} (${glibc.suite === 'system' ? "this machine's" : `Debian ${glibc.suite}`})`;
  const unavailable = glibc === undefined ? glibcTablesOracleUnavailable() : glibcTablesOracleUnavailableWith(glibc);
  testNeeding(
    unavailable,
    `every file the sources write: real ${which} builds the tables gai-conf reads`,
    { timeout: 300_000 },
    async () => {
      const version = glibc?.version ?? '2.36';
      const files = sourceFiles().flatMap((path) =>
        built(path, version).files.map((f) => ({
          name: `${basename(path)} ${f.built.sequence.name ?? ''}`,
          text: f.built.text,
          ours: ourReading(f.analysis.tables),
        })),
      );
      assert.ok(files.length >= 9, `${files.length} files built`);
      const real = await readTablesWithGlibc(
        files.map((f) => f.text),
        glibc,
      );
      const shape = (t: GlibcTables) => JSON.stringify(t.outcome === 'crash' ? 'crash' : t);
      const differ = files.flatMap((f, i) =>
        shape(real[i]) === shape(f.ours) ? [] : [`${f.name}: glibc ${shape(real[i])}, ours ${shape(f.ours)}`],
      );
      assert.deepEqual(differ, []);
    },
  );
}
