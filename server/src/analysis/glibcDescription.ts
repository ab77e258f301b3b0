/** How every output names the glibc it assumed, and why. */

import { GlibcVersion, glibcVersionText } from '../glibc/versions';

export function describeGlibcVersion(version: GlibcVersion): string {
  const source = { option: 'as requested', runtime: 'the glibc this runs on', fallback: 'no glibc found here; assuming the newest parser' }[version.origin];
  return `glibc ${glibcVersionText(version)} (${source})`;
}
