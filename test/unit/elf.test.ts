/** ELF facts from real files: this Node (dynamic glibc), and files that are not whole executables. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { readElfFacts } from '../../server/src/system/elf';

test("this Node: dynamically linked, with glibc's or musl's loader as interpreter, not Go", () => {
  const facts = readElfFacts(process.execPath);
  assert.ok(facts);
  assert.match(facts.interpreter ?? '', /ld-(linux|musl)/);
  assert.equal(facts.go, null);
  assert.equal(facts.readsGaiConf, null, 'only static binaries are searched');
});

test('a text file, an empty file and truncated executables give null or partial facts, never an exception', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gai-elf-'));
  try {
    const node = readFileSync(process.execPath);
    const cases: Record<string, Buffer> = {
      script: Buffer.from('#!/bin/sh\necho hi\n'),
      empty: Buffer.alloc(0),
      header: node.subarray(0, 64),
      half: node.subarray(0, 4096),
      magicOnly: Buffer.from('\x7fELF', 'latin1'),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      assert.doesNotThrow(() => readElfFacts(path), name);
    }
    assert.equal(readElfFacts(join(dir, 'script')), null);
    assert.equal(readElfFacts(join(dir, 'empty')), null);
    assert.equal(readElfFacts(join(dir, 'magicOnly')), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
