/**
 * Giving memory back: V8's memory-reducing collection, reached through the in-process inspector,
 * shrinks a young generation that a large analysis grew (a full collection would not).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import {
  collectGarbageReducingMemory,
  eventLoopActiveMs,
  eventLoopMark,
  youngGenerationGrown,
  youngGenerationSize,
} from '../../server/src/system/memory';
import { generateGaiConf } from '../support/generate';

test('the analysis of a large file grows the young generation, and the reducing collection gives it back', async () => {
  // Objects that all survive, as an analysis's do: the young generation grows to hold them.
  const kept = analyzeGaiConf(generateGaiConf(30_000), { glibc: parseGlibcVersion('2.36')! });
  assert.ok(youngGenerationGrown(), `young generation ${youngGenerationSize() / 2 ** 20} MiB after the analysis`);
  const grown = youngGenerationSize();
  await new Promise<void>((resolve) => assert.ok(collectGarbageReducingMemory(resolve)));
  assert.ok(!youngGenerationGrown(), `young generation ${youngGenerationSize() / 2 ** 20} MiB after the collection`);
  assert.ok(youngGenerationSize() < grown / 4);
  // What the analysis holds is kept: the collection frees garbage, not live objects.
  assert.equal(kept.parsed.lines.length, 30_000);
});

test('the event loop counts its time running callbacks, and none while it waits', async () => {
  let since = eventLoopMark();
  const until = performance.now() + 30;
  while (performance.now() < until);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(eventLoopActiveMs(since) >= 25, `${eventLoopActiveMs(since)} ms active while spinning for 30 ms`);
  since = eventLoopMark();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.ok(eventLoopActiveMs(since) < 5, `${eventLoopActiveMs(since)} ms active while waiting for 60 ms`);
});
