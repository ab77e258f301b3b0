import type { Census } from '../../features/connections/census';
import { censusText, compareCensuses, comparisonText } from '../../features/connections/report';
import { censusNow, censusOverWindow } from '../../system/connections/read';
import { readSnapshot, SnapshotError, writeSnapshot } from '../../system/connections/snapshot';
import { InputError, Output, ParsedArguments, UsageError } from '../arguments';

/** The sampling interval of --watch unless --interval says otherwise. */
export const DEFAULT_INTERVAL_MS = 50;

/** "30s", "2m", "500ms", "1.5s", or a plain number of seconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${option} takes a duration such as 30s, 2m or 500ms, not "${text}"`);
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (ms <= 0) throw new UsageError(`${option} must be longer than 0`);
  return ms;
}

function snapshot<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw error instanceof SnapshotError ? new InputError(error.message) : error;
  }
}

export async function connections(args: ParsedArguments, output: Output): Promise<number> {
  if (args.positional.length > 0) throw new UsageError("connections takes no file: it reads the machine's sockets");
  if (args.interval !== undefined && args.watch === undefined) throw new UsageError('--interval goes with --watch');
  // The earlier census is read first, so that a wrong file is reported before any waiting.
  const before = args.compare === undefined ? undefined : snapshot(() => readSnapshot(args.compare!));
  let census: Census;
  if (args.watch !== undefined) {
    const durationMs = parseDuration(args.watch, '--watch');
    const intervalMs = args.interval === undefined ? DEFAULT_INTERVAL_MS : parseDuration(args.interval, '--interval');
    // On stderr, so that --json stays clean: the first sample is taken, connections from now on count.
    const onProgress = (p: { samples: number }) => {
      if (p.samples === 1) output.err(`Watching for ${durationMs / 1000} s, a sample every ${intervalMs} ms…`);
    };
    census = await censusOverWindow({ durationMs, intervalMs, resolve: args.resolve, onProgress });
  } else {
    census = await censusNow({ resolve: args.resolve });
  }
  if (args.save !== undefined) snapshot(() => writeSnapshot(args.save!, census));
  if (before) {
    const comparison = compareCensuses(before, census);
    output.out(args.json ? JSON.stringify(comparison, null, 2) : comparisonText(comparison).trimEnd());
  } else {
    output.out(args.json ? JSON.stringify(census, null, 2) : censusText(census).trimEnd());
  }
  return 0;
}
