/** The VSIX a user installs: built by `npm run package`, holding only what runs, within budget. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../support/repository';

const ROOT = repoRoot();
/**
 * Compressed VSIX size we accept: a few hundred KB at most. 384 KiB until the server took in the
 * readers of Dockerfiles, scripts, YAML and Nix (editor diagnostics on embedded gai.conf, 48 KB
 * of the server bundle) and the client the Containers and Measure views with the Measure picture.
 */
const SIZE_BUDGET_BYTES = 448 * 1024;

/** Entry names from a zip's central directory. */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, 'central directory entry');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

test('npm run package builds gai-conf-<version>.vsix with only what runs', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const run = spawnSync('npm', ['run', 'package', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const vsix = join(ROOT, `gai-conf-${version}.vsix`);
  // Every chunk of the server the build wrote: a missing one fails only when its feature is first used.
  const chunks = readdirSync(join(ROOT, 'dist'))
    .filter((name) => /^server-.*\.js$/.test(name))
    .map((name) => `extension/dist/${name}`);
  assert.ok(chunks.length > 0, 'the server is bundled in chunks');
  assert.deepEqual(
    zipEntries(readFileSync(vsix)).sort(),
    [
      ...chunks,
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.txt',
      'extension/changelog.md',
      'extension/dist/extension.js',
      'extension/dist/server.js',
      'extension/docs/images/explain.png',
      'extension/docs/images/hover.png',
      'extension/docs/images/measure.png',
      'extension/docs/images/policy-table.png',
      'extension/docs/images/quick-fix.png',
      'extension/docs/images/ula-warning.png',
      'extension/language-configuration.json',
      'extension/package.json',
      'extension/readme.md',
      'extension/syntaxes/gaiconf.tmLanguage.json',
    ].sort(),
  );
  const size = statSync(vsix).size;
  assert.ok(size <= SIZE_BUDGET_BYTES, `${size} bytes, budget ${SIZE_BUDGET_BYTES}`);
});
