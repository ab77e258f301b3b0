import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

import { readRuntimeLibc, runtimeGlibcVersion, runtimeLibc } from '../../server/src/system/cLibrary';

// First in this file: the facts are read once per process, and this reading must be the one that does it.
test('read without blocking at start, the C library is the one the report gives, and nothing is read again', async () => {
  await readRuntimeLibc();
  const reads: string[] = [];
  const readFileSync = fs.readFileSync;
  fs.readFileSync = ((path: fs.PathOrFileDescriptor, ...rest: never[]) => {
    reads.push(String(path));
    return readFileSync(path, ...rest);
  }) as typeof fs.readFileSync;
  try {
    const report = process.report.getReport() as { header: { glibcVersionRuntime?: string } };
    const version = runtimeGlibcVersion();
    assert.equal(`${version?.major}.${version?.minor}`, report.header.glibcVersionRuntime);
    assert.equal(runtimeLibc(), 'glibc');
  } finally {
    fs.readFileSync = readFileSync;
  }
  assert.deepEqual(reads, []);
});

test("the glibc version read from the mapped libc.so.6 is the one Node's diagnostic report gives (gnu_get_libc_version)", () => {
  const report = process.report.getReport() as { header: { glibcVersionRuntime?: string } };
  const version = runtimeGlibcVersion();
  assert.ok(report.header.glibcVersionRuntime, 'this test machine runs glibc');
  assert.equal(`${version?.major}.${version?.minor}`, report.header.glibcVersionRuntime);
  assert.equal(version?.origin, 'runtime');
  assert.equal(runtimeLibc(), 'glibc');
});
