/**
 * Reading which fixes a glibc build carries, judged on the real documentation of Debian's
 * packages: 2.41 and 2.43 name the fix for BZ #32465 (it is theirs), 2.31 and 2.36 do not. A
 * container's build is read the same way, through its root.
 */
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { describeGlibcVersion } from '../../server/src/analysis/glibcDescription';
import { parseGlibcVersion, parserGeneration } from '../../server/src/glibc/versions';
import { withRecordedFixes } from '../../server/src/system/cLibrary';
import { containerLibc } from '../../server/src/system/containers/containerLibc';
import { readElfSection } from '../../server/src/system/elf';
import { findBuildFix, glibcVersionFromBytes, PREFIX_LENGTH_FIX_BUG } from '../../server/src/system/glibcBuild';
import { installedGlibcs } from '../support/glibcVersions';
import { testPrerequisite } from '../support/prerequisites';

const { installed, missing } = installedGlibcs();

for (const glibc of installed) {
  const [, minor] = glibc.version.split('.').map(Number);
  const fixed = minor! >= 41;
  test(`glibc ${glibc.version} (${glibc.debianVersion}): its documentation ${fixed ? 'names' : 'does not name'} the fix for BZ #${PREFIX_LENGTH_FIX_BUG}`, () => {
    const evidence = findBuildFix(PREFIX_LENGTH_FIX_BUG, dirname(glibc.changelog));
    if (fixed) {
      assert.ok(evidence, `no mention of ${PREFIX_LENGTH_FIX_BUG} in ${dirname(glibc.changelog)}`);
      assert.match(evidence.text, /32465/);
      assert.ok(evidence.line > 0);
    } else {
      assert.equal(evidence, undefined, JSON.stringify(evidence));
    }
  });

  test(`a 2.39 build documented like glibc ${glibc.version}'s package is read with the ${fixed ? '2.41' : 'old'} parser, and says so`, () => {
    const runtime = withRecordedFixes(parseGlibcVersion('2.39', 'runtime')!, dirname(glibc.changelog));
    assert.equal(parserGeneration(runtime), fixed ? 'from-2.41' : 'up-to-2.40');
    if (fixed)
      assert.match(
        describeGlibcVersion(runtime),
        /^glibc 2\.39 \(the glibc this runs on; its build carries the fix for glibc bug 32465 \(.*NEWS\.gz:\d+\), so it reads gai\.conf as 2\.41 does\)$/,
      );
    else assert.equal(describeGlibcVersion(runtime), 'glibc 2.39 (the glibc this runs on)');
    // A version asked for by a setting or --glibc is taken as it is.
    assert.equal(parserGeneration(parseGlibcVersion('2.39')!), 'up-to-2.40');
  });
}

/** The root a judging glibc's package was unpacked into: a container's files, as far as its libc goes. */
const rootOf = (glibc: { changelog: string }) =>
  glibc.changelog.replace(/\/usr\/share\/doc\/libc6\/changelog\.Debian\.gz$/, '') || '/';
const libcIn = (root: string) =>
  ['lib/x86_64-linux-gnu/libc.so.6', 'usr/lib/x86_64-linux-gnu/libc.so.6'].map((path) => join(root, path));

for (const glibc of installed) {
  test(`a container with glibc ${glibc.version}'s package: its version read from its libc.so.6's banner, and no recorded fix`, () => {
    const libc = containerLibc(rootOf(glibc), 'x64');
    assert.equal(libc.kind, 'glibc');
    assert.equal(libc.kind === 'glibc' && libc.version, glibc.version);
    assert.equal(libc.kind === 'glibc' && libc.prefixLengthFix, undefined);
  });
}

for (const glibc of installed) {
  test(`glibc ${glibc.version}'s libc.so.6 states its version in the banner in its .rodata section, which is all the host reads of it`, () => {
    const library = libcIn(rootOf(glibc)).find((path) => existsSync(path));
    assert.ok(library, `no libc.so.6 in ${rootOf(glibc)}`);
    const rodata = readElfSection(library, '.rodata');
    assert.ok(rodata && rodata.length < statSync(library).size / 4, 'a small part of the file');
    assert.equal(glibcVersionFromBytes(rodata), glibc.version);
    assert.equal(glibcVersionFromBytes(readFileSync(library)), glibc.version);
  });
}

const oldest = installed[0];
if (oldest) {
  test(`a container whose glibc ${oldest.version} package records a backport of the fix in its changelog.Debian.gz: read as 2.41 does, naming the line`, () => {
    const root = mkdtempSync(join(tmpdir(), 'gai-conf-container-libc-'));
    try {
      const library = libcIn(rootOf(oldest)).find((path) => existsSync(path));
      assert.ok(library, `no libc.so.6 in ${rootOf(oldest)}`);
      mkdirSync(join(root, 'lib/x86_64-linux-gnu'), { recursive: true });
      copyFileSync(library, join(root, 'lib/x86_64-linux-gnu/libc.so.6'));
      mkdirSync(join(root, 'usr/share/doc/libc6'), { recursive: true });
      // A distribution's entry for such a backport, gzipped as Debian ships its changelogs.
      const entry = [
        `glibc (${oldest.debianVersion}+backport1) stable; urgency=medium`,
        '',
        '  * debian/patches/any/local-gaiconf-prefix.diff: getaddrinfo: fix gai.conf',
        '    prefixes without a length (BZ #32465).',
        '',
      ].join('\n');
      writeFileSync(join(root, 'usr/share/doc/libc6/changelog.Debian.gz'), gzipSync(entry));
      const libc = containerLibc(root, 'x64');
      assert.equal(libc.kind === 'glibc' && libc.version, oldest.version);
      assert.equal(libc.kind === 'glibc' && libc.prefixLengthFix, '/usr/share/doc/libc6/changelog.Debian.gz:4');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

testPrerequisite('glibc build documentation: every judging version', missing);
