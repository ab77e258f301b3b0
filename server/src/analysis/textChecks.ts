/**
 * Whether the file is text glibc can read at all. A UTF-16 file (as Windows editors save it) has
 * a NUL after every ASCII character, and glibc's line reader stops at the first NUL of each line,
 * so it reads nothing; a binary file (an encrypted blob committed as gai.conf) reads as noise.
 * One finding that says so replaces one per line.
 */

import { ParsedFile } from '../glibc/reader';
import { Finding } from './catalogue';

/** How many characters are looked at: enough to tell, cheap on a large file. */
const SAMPLE = 4096;

function kindOf(text: string): 'utf-16' | 'binary' | undefined {
  const sample = text.slice(0, SAMPLE);
  if (sample.length === 0) return undefined;
  let nul = 0;
  let unreadable = 0;
  for (let i = 0; i < sample.length; i++) {
    const ch = sample.charCodeAt(i);
    if (ch === 0) nul++;
    // U+FFFD: a byte that is not UTF-8; other C0 controls than tab, LF, VT, FF and CR.
    else if (ch === 0xfffd || (ch < 0x20 && (ch < 0x09 || ch > 0x0d))) unreadable++;
  }
  // UTF-16 read as UTF-8: the byte order mark FF FE or FE FF becomes two U+FFFD, and half the text is NULs.
  if (/^\uFFFD\uFFFD/.test(sample) || nul >= sample.length / 4) return nul >= sample.length / 4 ? 'utf-16' : 'binary';
  return unreadable >= Math.max(4, sample.length / 10) ? 'binary' : undefined;
}

export function notTextFinding(parsed: ParsedFile): Finding | undefined {
  const kind = kindOf(parsed.text);
  if (!kind) return undefined;
  const first = parsed.lines[0];
  const message =
    kind === 'utf-16'
      ? 'glibc reads no row of this UTF-16 file: a NUL after every ASCII character ends each line. Save it as UTF-8 or ASCII text.'
      : 'glibc finds no directive in this file (binary data) and keeps its built-in tables. Save it as UTF-8 or ASCII text.';
  const detail =
    kind === 'utf-16'
      ? 'Windows editors save "Unicode" text as UTF-16: a NUL byte follows every ASCII character, and glibc stops reading each line at its first NUL, so it keeps its built-in tables.'
      : undefined;
  return { code: 'not-text', start: 0, end: first ? first.end : 0, message, ...(detail ? { detail } : {}) };
}
