/**
 * Giving memory back after a large analysis. V8's young generation grows (up to 32 MiB) while an
 * analysis builds objects that all survive, and shrinks only in a memory-reducing collection,
 * which nothing in an idle language server starts (a full `gc()` leaves it grown, and V8's memory
 * reducer waits for seconds of low allocation). The collection behind
 * `Isolate::LowMemoryNotification` is reachable from JavaScript through the inspector's
 * `HeapProfiler.collectGarbage`: a session on this process's own inspector, which opens no port.
 */

import type { Session } from 'node:inspector';

/**
 * A young generation past this size grew for a large analysis (a 10,000-line file's first one
 * grows it to 16 MiB, 100,000 lines to 32 MiB); the edits that follow keep it at 2 to 4 MiB, which
 * is not worth a full collection after every edit.
 */
const YOUNG_GENERATION_WORTH_REDUCING = 8 * 1024 * 1024;

/** Bytes the young generation (V8's new space) has reserved. */
export function youngGenerationSize(): number {
  // Loaded here, not with this module: only the end of a burst of analyses asks, never a start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getHeapSpaceStatistics } = require('node:v8') as typeof import('node:v8');
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/** Whether the young generation grew for a large analysis: memory a reducing collection gives back. */
export function youngGenerationGrown(): boolean {
  return youngGenerationSize() > YOUNG_GENERATION_WORTH_REDUCING;
}

/**
 * Milliseconds the event loop spent running callbacks (rather than waiting) since `since`, a mark
 * from `eventLoopMark`: near 0 when no message came, at least the handlers' time when some did.
 */
export function eventLoopActiveMs(since: EventLoopMark): number {
  return performance.eventLoopUtilization(since).active;
}

export type EventLoopMark = ReturnType<typeof performance.eventLoopUtilization>;

export function eventLoopMark(): EventLoopMark {
  return performance.eventLoopUtilization();
}

let session: Session | undefined;

/**
 * Runs V8's memory-reducing collection as a task of the event loop (messages already queued are
 * handled first), then calls `done`. Returns false where Node has no inspector (built without it).
 */
export function collectGarbageReducingMemory(done: () => void): boolean {
  if (!session) {
    let inspector: typeof import('node:inspector');
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      inspector = require('node:inspector') as typeof import('node:inspector');
      session = new inspector.Session();
      session.connect();
    } catch {
      return false;
    }
  }
  session.post('HeapProfiler.collectGarbage', () => done());
  return true;
}
