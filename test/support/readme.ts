/** The README's code blocks, for tests that run a set-up exactly as the README writes it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './repository';

/** The first fenced block of `language` after the heading or bold label `title` in the README. */
export function readmeBlock(title: string, language: string): string {
  const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(
    `(?:\\*\\*${escaped}\\*\\*|^#+ ${escaped}$)[^]*?\`\`\`${language}\\n([^]*?)\`\`\``,
    'm',
  ).exec(readme);
  assert.ok(match, `README has a ${language} block for ${title}`);
  return match[1];
}
