/**
 * Reading which fixes a glibc build carries, judged on the real documentation of Debian's
 * packages: 2.41 and 2.43 name the fix for BZ #32465 (it is theirs), 2.31 and 2.36 do not.
 */
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { test } from 'node:test';

import { describeGlibcVersion } from '../../server/src/analysis/glibcDescription';
import { parseGlibcVersion, parserGeneration } from '../../server/src/glibc/versions';
import { withRecordedFixes } from '../../server/src/system/cLibrary';
import { findBuildFix, PREFIX_LENGTH_FIX_BUG } from '../../server/src/system/glibcBuild';
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

testPrerequisite('glibc build documentation: every judging version', missing);
