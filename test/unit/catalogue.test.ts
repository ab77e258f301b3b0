import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../server/src/analysis/catalogue';

test('every diagnostic code has its own README section, and every section a code', () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const diagnostics = readme.slice(readme.indexOf('## Diagnostics'), readme.indexOf('## How we know'));
  const headings = [...diagnostics.matchAll(/^### (\S+)$/gm)].map((m) => m[1]);
  assert.deepEqual([...headings].sort(), [...DIAGNOSTIC_CODES].sort());
});
