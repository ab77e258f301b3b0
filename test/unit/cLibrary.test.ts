import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runtimeGlibcVersion, runtimeLibc } from '../../server/src/system/cLibrary';

test("the glibc version read from the mapped libc.so.6 is the one Node's diagnostic report gives (gnu_get_libc_version)", () => {
  const report = process.report.getReport() as { header: { glibcVersionRuntime?: string } };
  const version = runtimeGlibcVersion();
  assert.ok(report.header.glibcVersionRuntime, 'this test machine runs glibc');
  assert.equal(`${version?.major}.${version?.minor}`, report.header.glibcVersionRuntime);
  assert.equal(version?.origin, 'runtime');
  assert.equal(runtimeLibc(), 'glibc');
});
