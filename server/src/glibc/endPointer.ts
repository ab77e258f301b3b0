/**
 * Up to 2.40 glibc checks `*endp == '\0'` for a prefix without /bits although nothing set `endp`
 * on that line (BZ #32465). What it reads is wherever the last number parsed through the same
 * variable ended: an offset into getline()'s line buffer, which by now holds the current line and,
 * past its end, what earlier lines left there. Before any number was parsed through it, the
 * variable holds leftover stack memory: a wild pointer, which may crash the process.
 *
 * Which lines share one such variable is a property of the compiled build, so it is known only for
 * the builds measured under gdb (test/oracle). For those, the stale pointer's byte is followed here
 * by replaying what glibc writes into its line buffer; everywhere else the outcome is left open.
 */

import { isCSpace } from './lines';

/** What a line without /bits can come to. */
export type UndefinedOutcome = 'ignored' | 'full-length' | 'crash';

export type PrefixDirective = 'label' | 'precedence' | 'scopev4';

/** A build of glibc whose gaiconf_init was measured (test/oracle/parse.test.ts judges it). */
export interface MeasuredBuild {
  readonly minor: number;
  /** For people: whose build it is. */
  readonly name: string;
  /** Directives whose end pointer is one variable the model follows through the line buffer. */
  readonly followed: readonly PrefixDirective[];
  /** A followed pointer no number was parsed through yet: what can happen, and what was seen. */
  readonly unset: { readonly outcomes: readonly UndefinedOutcome[]; readonly measured: UndefinedOutcome };
  /** What the lines of the other directives did in every measurement (still leftover memory). */
  readonly otherwise?: UndefinedOutcome;
}

export const MEASURED_BUILDS: readonly MeasuredBuild[] = [
  // One pointer for all three directives; a first line without /bits crashed the oracle program,
  // and does not crash every program.
  {
    minor: 31,
    name: "Debian 11's glibc 2.31",
    followed: ['label', 'precedence', 'scopev4'],
    unset: { outcomes: ['crash', 'ignored', 'full-length'], measured: 'crash' },
  },
  // scopev4 has a pointer of its own, wild until a scopev4 number was parsed: every program crashed.
  // label and precedence lines without /bits were ignored in every measurement, first or later.
  {
    minor: 36,
    name: "Debian 12's glibc 2.36",
    followed: ['scopev4'],
    unset: { outcomes: ['crash'], measured: 'crash' },
    otherwise: 'ignored',
  },
];

/** How a line without /bits is read up to 2.40, and why. */
export type MissingBitsReading =
  /** A measured build's stale pointer: the byte it lands on decides, the same in every program. */
  | {
      readonly basis: 'stale-pointer';
      readonly outcome: 'ignored' | 'full-length';
      readonly build: string;
      readonly setByLine: number;
    }
  /** A measured build's wild pointer that crashed every program. */
  | { readonly basis: 'wild-pointer'; readonly outcome: 'crash'; readonly build: string }
  /** Leftover memory decides: any of the outcomes, with what a measured build did if known. */
  | {
      readonly basis: 'leftover-memory';
      readonly outcomes: readonly UndefinedOutcome[];
      readonly measured?: { readonly build: string; readonly outcome: UndefinedOutcome };
    };

/** glibc's getdelim() starts with 120 bytes and at least doubles when a line does not fit. */
const GETLINE_INITIAL_SIZE = 120;

type Pointer =
  | { readonly state: 'unset' }
  | { readonly state: 'in-buffer'; readonly offset: number; readonly line: number }
  /** Moved with a realloc, or into bytes this model does not follow. */
  | { readonly state: 'lost' }
  /** After a line whose outcome was itself open: set or still wild. */
  | { readonly state: 'unknown' };

/** Shared by every replay before its first line (a commented-out row is read with one of its own). */
const NO_BUFFER = new Uint8Array(0);
const UNSET: Pointer = { state: 'unset' };

/**
 * Replays gaiconf_init's line buffer and its end pointers, line by line. Offsets are relative to
 * the line's start, in bytes; a line with bytes beyond ASCII makes every followed pointer lost.
 */
export class EndPointers {
  private buffer = NO_BUFFER;
  private ascii = true;
  private line = -1;
  private followed: Pointer = UNSET;
  /** Builds not measured: whether a scopev4 number was parsed yet (the pointer is then at least valid). */
  private scopev4Parsed: boolean;
  /** Where the current line's first and second values start, as gaiconf_init's val1 and val2. */
  private value1At = 0;
  private value2At = 0;

  /** `afterScopev4Number`: read as if an earlier scopev4 line had a length (for a line read alone). */
  constructor(
    private readonly build: MeasuredBuild | undefined,
    afterScopev4Number = false,
  ) {
    this.scopev4Parsed = afterScopev4Number;
  }

  /**
   * getline() of one line (`text` between `start` and `end`, without its LF), then the NULs
   * gaiconf_init writes into it.
   */
  startLine(index: number, text: string, hasNewline: boolean, start = 0, end = text.length): void {
    this.line = index;
    if (this.build === undefined) return; // nothing followed: no buffer to replay
    const length = end - start;
    const bytes = length + (hasNewline ? 1 : 0);
    const capacity = this.buffer.length;
    if (bytes + 1 > capacity) {
      // realloc: the buffer may move, and a pointer into the old one no longer says anything.
      if (capacity !== 0) this.lose();
      const grown = new Uint8Array(Math.max(bytes + 1, capacity === 0 ? GETLINE_INITIAL_SIZE : 2 * capacity));
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.ascii = true;
    const buffer = this.buffer;
    for (let i = 0; i < length; i++) {
      const ch = text.charCodeAt(start + i);
      if (ch > 0x7f) this.ascii = false;
      buffer[i] = ch & 0xff;
    }
    if (hasNewline) buffer[length] = 0x0a;
    buffer[bytes] = 0;
    if (!this.ascii) this.lose();
    this.cutWords();
  }

  /** gaiconf_init cuts the first value at its '/', if it has one. */
  cutAtSlash(): void {
    if (this.build === undefined) return;
    const slash = this.slash();
    if (slash >= 0) this.buffer[slash] = 0;
  }

  /** strtoul() through the end pointer of `directive`, on the prefix length (after the '/') or the second value. */
  numberParsed(directive: PrefixDirective, field: 'bits' | 'value'): void {
    if (directive === 'scopev4') this.scopev4Parsed = true;
    if (!this.build?.followed.includes(directive) || !this.ascii) return;
    const from = field === 'value' ? this.value2At : this.bitsAt;
    this.followed = { state: 'in-buffer', offset: from + strtoulLength(this.buffer, from), line: this.line };
  }

  /** A line whose outcome the model left open may or may not have moved the pointer. */
  undetermined(directive: PrefixDirective): void {
    if (this.build?.followed.includes(directive)) this.followed = { state: 'unknown' };
  }

  private bitsAt = 0;

  private slash(): number {
    for (let i = this.value1At; this.buffer[i] !== 0; i++) if (this.buffer[i] === 0x2f) return i;
    return -1;
  }

  /** What a line of `directive` without /bits comes to on this build. */
  missingBits(directive: PrefixDirective): MissingBitsReading {
    const build = this.build;
    const all: readonly UndefinedOutcome[] = ['ignored', 'full-length', 'crash'];
    if (build === undefined) {
      // Unmeasured: a scopev4 pointer a scopev4 number went through is at least a valid address.
      return {
        basis: 'leftover-memory',
        outcomes: directive === 'scopev4' && this.scopev4Parsed ? ['ignored', 'full-length'] : all,
      };
    }
    if (!build.followed.includes(directive)) {
      return {
        basis: 'leftover-memory',
        outcomes: all,
        ...(build.otherwise ? { measured: { build: build.name, outcome: build.otherwise } } : {}),
      };
    }
    const pointer = this.followed;
    if (pointer.state === 'unset') {
      if (build.unset.outcomes.length === 1 && build.unset.outcomes[0] === 'crash')
        return { basis: 'wild-pointer', outcome: 'crash', build: build.name };
      return {
        basis: 'leftover-memory',
        outcomes: build.unset.outcomes,
        measured: { build: build.name, outcome: build.unset.measured },
      };
    }
    if (pointer.state === 'unknown') return { basis: 'leftover-memory', outcomes: all };
    if (pointer.state === 'lost' || !this.ascii)
      return { basis: 'leftover-memory', outcomes: ['ignored', 'full-length'] };
    const outcome = this.buffer[pointer.offset] === 0 ? 'full-length' : 'ignored';
    return { basis: 'stale-pointer', outcome, build: build.name, setByLine: pointer.line };
  }

  private lose(): void {
    if (this.followed.state === 'in-buffer') this.followed = { state: 'lost' };
  }

  /**
   * The NULs of gaiconf_init's word splitting: at the first '#', after the command, after the
   * first value and after the second value (the rest of the line is ignored).
   */
  private cutWords(): void {
    const b = this.buffer;
    let end = 0;
    while (b[end] !== 0) end++;
    for (let i = 0; i < end; i++) {
      if (b[i] === 0x23) {
        b[i] = 0;
        end = i;
        break;
      }
    }
    let cp = skipWord(b, skipSpace(b, 0, end), end);
    if (cp < end) b[cp++] = 0;
    cp = skipSpace(b, cp, end);
    this.value1At = cp;
    cp = skipWord(b, cp, end);
    if (cp < end) b[cp++] = 0;
    cp = skipSpace(b, cp, end);
    this.value2At = cp;
    cp = skipWord(b, cp, end);
    b[cp] = 0;
    const slash = this.slash();
    this.bitsAt = slash + 1;
  }
}

function skipSpace(bytes: Uint8Array, from: number, end: number): number {
  while (from < end && isCSpace(bytes[from])) from++;
  return from;
}

function skipWord(bytes: Uint8Array, from: number, end: number): number {
  while (from < end && !isCSpace(bytes[from])) from++;
  return from;
}

/** The measured build for a version, if its parser was measured. */
export function measuredBuild(minor: number): MeasuredBuild | undefined {
  return MEASURED_BUILDS.find((b) => b.minor === minor);
}

/**
 * How far strtoul() reads in `bytes` from `from`, up to a NUL or their end: white space, a sign,
 * then decimal digits; nothing when there are none.
 */
export function strtoulLength(bytes: Uint8Array, from = 0): number {
  const at = (i: number): number => (i < bytes.length ? bytes[i] : 0);
  let end = from;
  while (isCSpace(at(end))) end++;
  if (at(end) === 0x2b || at(end) === 0x2d) end++;
  const digits = end;
  while (at(end) >= 0x30 && at(end) <= 0x39) end++;
  return end === digits ? 0 : end - from;
}
