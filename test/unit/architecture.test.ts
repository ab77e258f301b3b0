import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

test('the analysis core imports neither vscode nor LSP, nor any Node module', () => {
  const core = join(__dirname, '..', '..', '..', 'server', 'src', 'core');
  for (const name of readdirSync(core)) {
    const source = readFileSync(join(core, name), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(imports.filter((i) => !i.startsWith('./')), [], name);
  }
});
