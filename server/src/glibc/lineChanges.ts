/**
 * Which lines an edit changed, told from the readings of two versions of a document: the reader
 * keeps the lines an edit left alone as the same objects (those before it, and those after it
 * when nothing moved), so what lies between the kept lines at both ends is all that changed.
 */

import type { ParsedLine } from './reader';

export interface ChangedLines {
  /** Lines [0, head) are the same objects in both versions. */
  readonly head: number;
  /** The previous version's lines [head, oldEnd) became the new version's [head, newEnd)... */
  readonly oldEnd: number;
  readonly newEnd: number;
  /** ...and the lines after them are the same objects (none when the edit moved them). */
}

/**
 * Answers by the two versions' lines: the analysis of one edit asks several times. Held weakly, so
 * that no version is kept alive for it (a file of 100,000 lines is tens of megabytes of them).
 */
const known = new WeakMap<readonly ParsedLine[], WeakMap<readonly ParsedLine[], ChangedLines>>();

export function changedLines(previous: readonly ParsedLine[], lines: readonly ParsedLine[]): ChangedLines {
  let byPrevious = known.get(lines);
  if (!byPrevious) known.set(lines, (byPrevious = new WeakMap()));
  let changed = byPrevious.get(previous);
  if (!changed) byPrevious.set(previous, (changed = comparedLines(previous, lines)));
  return changed;
}

/**
 * Told by the reader when it reads an edit from the previous version's lines: it knows which it
 * kept at both ends, so the comparison of every line (milliseconds at 10,000 lines before the JIT
 * has compiled it, on every edit) is not needed. `kept` is the count kept before the edit, `keptAfter`
 * the count kept as the same objects after it. The answer is the comparison's, which a test checks.
 */
export function rememberChangedLines(
  previous: readonly ParsedLine[],
  lines: readonly ParsedLine[],
  keptBefore: number,
  keptAfter: number,
): void {
  let byPrevious = known.get(lines);
  if (!byPrevious) known.set(lines, (byPrevious = new WeakMap()));
  const unchanged = keptBefore + keptAfter === previous.length && previous.length === lines.length;
  byPrevious.set(
    previous,
    unchanged
      ? { head: lines.length, oldEnd: lines.length, newEnd: lines.length }
      : { head: keptBefore, oldEnd: previous.length - keptAfter, newEnd: lines.length - keptAfter },
  );
}

/** Which lines changed, by comparing the two versions' lines one by one from both ends. */
export function comparedLines(previous: readonly ParsedLine[], lines: readonly ParsedLine[]): ChangedLines {
  const shortest = Math.min(previous.length, lines.length);
  let head = 0;
  while (head < shortest && previous[head] === lines[head]) head++;
  let tail = 0;
  while (tail < shortest - head && previous[previous.length - 1 - tail] === lines[lines.length - 1 - tail]) tail++;
  return { head, oldEnd: previous.length - tail, newEnd: lines.length - tail };
}

/** Whether a line in the changed stretch of either version satisfies `test`. */
export function changedLineWhere(
  previous: readonly ParsedLine[],
  lines: readonly ParsedLine[],
  changed: ChangedLines,
  test: (line: ParsedLine) => boolean,
): boolean {
  for (let i = changed.head; i < changed.oldEnd; i++) if (test(previous[i])) return true;
  for (let i = changed.head; i < changed.newEnd; i++) if (test(lines[i])) return true;
  return false;
}
