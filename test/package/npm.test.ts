/**
 * The npm package a user installs with `npm install -g gai-conf`: packed from a copy of the
 * repository without dist/ (so its prepack has to build the bundles), installed from the tarball
 * alone into a fresh prefix with --offline (so it must need no dependency), then run as a user
 * runs it: `gai-conf check` on a file and `gai-conf-language-server --stdio` spoken to over LSP.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { withServer } from '../support/lspClient';
import { repoRoot } from '../support/repository';

const ROOT = repoRoot();
/**
 * Compressed tarball size we accept (tests, sources or source maps would add megabytes): the two
 * bundles and the README were 226 KiB after the containers, the census, presets and embedded
 * sources came in (a 256 KiB budget), 271 KiB once the server also read embedded sources for the
 * editor and scanned containers for the Containers view.
 */
const SIZE_BUDGET_BYTES = 320 * 1024;
/** What a source checkout holds that is not an input of the build. */
const NOT_SOURCES = new Set(['node_modules', 'out', 'dist', '.git', '.test-artifacts', '.bench']);

const scratch = mkdtempSync(join(tmpdir(), 'gai-conf-npm-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function npm(args: string[], cwd: string) {
  const run = spawnSync(
    'npm',
    [...args, '--cache', join(scratch, 'npm-cache'), '--no-audit', '--no-fund', '--no-update-notifier'],
    { cwd, encoding: 'utf8' },
  );
  assert.equal(run.status, 0, `npm ${args.join(' ')}\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

interface PackReport {
  filename: string;
  size: number;
  files: { path: string }[];
  bundled: string[];
}

/** Packs a checkout copied without dist/ and installs the tarball into a fresh prefix; returns the prefix's bin folder. */
function packAndInstall(): { report: PackReport; bin: string } {
  const checkout = join(scratch, 'checkout');
  cpSync(ROOT, checkout, {
    recursive: true,
    filter: (source) => !NOT_SOURCES.has(relative(ROOT, source).split('/')[0]),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
  const [report] = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], checkout)) as PackReport[];
  const prefix = join(scratch, 'prefix');
  npm(['install', '--global', '--offline', '--prefix', prefix, `./${basename(report.filename)}`], scratch);
  return { report, bin: join(prefix, 'bin') };
}

const installed = packAndInstall();

test('the npm package holds only the bundles, README, LICENSE and package.json, within budget', () => {
  const { report } = installed;
  const files = report.files.map((f) => f.path);
  // The server's and the CLI's chunks (scripts/serverBundle.mjs): the package built here has them
  // all, since the language server below answers a hover, which is in a chunk loaded at its first
  // request, and the installed command below runs check and table, whose code is in chunks.
  const serverChunks = files.filter((path) => /^dist\/server-[A-Z0-9]+\.js$/.test(path));
  const cliChunks = files.filter((path) => /^dist\/cli-[A-Z0-9]+\.js$/.test(path));
  assert.ok(serverChunks.length > 0, files.join(', '));
  assert.ok(cliChunks.length > 0, files.join(', '));
  const chunks = [...serverChunks, ...cliChunks];
  assert.deepEqual(files.filter((path) => !chunks.includes(path)).sort(), [
    'LICENSE',
    'README.md',
    'dist/cli.js',
    'dist/server.js',
    'package.json',
  ]);
  assert.deepEqual(report.bundled, []);
  assert.ok(report.size <= SIZE_BUDGET_BYTES, `${report.size} bytes, budget ${SIZE_BUDGET_BYTES}`);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies?: object;
    private?: boolean;
  };
  assert.equal(manifest.private, undefined, 'the package can be published');
  assert.equal(manifest.dependencies, undefined, 'the bundles need nothing at run time');
});

test('gai-conf check from the installed package reads a file as glibc does', () => {
  const file = join(scratch, 'gai.conf');
  writeFileSync(file, 'precedence ::ffff:0:0/96 100\nprecedence  ::/0 40 # comment\nprefer ipv4\n');
  const run = spawnSync(join(installed.bin, 'gai-conf'), ['check', file, '--glibc', '2.36'], {
    cwd: scratch,
    encoding: 'utf8',
  });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`^${file}:3:1: warning \\[unknown-directive\\]`, 'm'), run.stdout);
  assert.equal(run.stderr, '');
  const clean = spawnSync(join(installed.bin, 'gai-conf'), ['check', join(scratch, 'absent.conf')], {
    cwd: scratch,
    encoding: 'utf8',
  });
  assert.equal(clean.status, 2, 'an unreadable file is a usage error, with a message');
  assert.match(clean.stderr, /cannot read .*absent\.conf: no such file/);
  // Every other command is in a chunk of its own, loaded when it runs.
  const table = spawnSync(join(installed.bin, 'gai-conf'), ['table', file, '--glibc', '2.36'], {
    cwd: scratch,
    encoding: 'utf8',
  });
  assert.equal(table.status, 0, table.stdout + table.stderr);
  assert.match(table.stdout, /^precedence \(replaced by this file\)\n {2}::ffff:0:0\/96 +100 +line 1$/m, table.stdout);
});

test('gai-conf-language-server from the installed package answers over stdio', async () => {
  await withServer(
    {
      minimal: true,
      initializationOptions: { glibcVersion: '2.36' },
      command: { argv: [join(installed.bin, 'gai-conf-language-server'), '--stdio'], cwd: scratch },
    },
    async (client) => {
      assert.equal(client.initializeResult?.serverInfo?.name, 'gai-conf-language-server');
      const uri = pathToFileURL(join(scratch, 'etc', 'gai.conf')).href;
      const publication = await client.open(uri, 'label ::1/128 0\nLabel ::/0 1\n');
      const codes = publication.diagnostics.map((d) => d.code);
      assert.ok(codes.includes('unknown-directive'), `diagnostics: ${codes.join(', ')}`);
      const hover = (await client.request('textDocument/hover', {
        textDocument: { uri },
        position: { line: 0, character: 1 },
      })) as { contents: unknown } | null;
      assert.match(JSON.stringify(hover?.contents), /label/i, 'hover, from a chunk loaded at its first request');
    },
  );
});
