/**
 * lazyFeatures.ts, loaded at the first request that needs it and kept: every later request gets
 * the same module at once, without a require() and a copy of its exports per call.
 */

type LazyFeatures = typeof import('./lazyFeatures');

let loading: Promise<LazyFeatures> | undefined;

export function lazyFeatures(): Promise<LazyFeatures> {
  return (loading ??= import('./lazyFeatures.js'));
}
