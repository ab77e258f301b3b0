/** How every output names the glibc it assumed, and why. */

import { GlibcVersion, glibcVersionText } from '../glibc/versions';

export function describeGlibcVersion(version: GlibcVersion): string {
  const source = {
    option: 'as requested',
    runtime: 'the glibc this runs on',
    fallback: 'no glibc found here; assuming the newest parser',
    container: "the container's own libc.so.6",
  }[version.origin];
  const fix =
    version.prefixLengthFix === undefined
      ? ''
      : `; its build carries the fix for glibc bug 32465 (${version.prefixLengthFix}), so it reads gai.conf as 2.41 does`;
  return `glibc ${glibcVersionText(version)} (${source}${fix})`;
}
