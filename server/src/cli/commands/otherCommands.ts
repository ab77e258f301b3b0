/**
 * Every command but check, loaded together when one of them runs: scripts/build.mjs puts them in a
 * chunk of their own beside dist/cli.js, so that a check (pre-commit, CI, the fleet report) loads
 * only its own code. One module rather than one import per command: esbuild gives the code each
 * set of importers shares a chunk of its own, and a check would then load several files.
 */
export { connections } from './connections';
export { containers } from './containers';
export { explain } from './explain';
export { order } from './order';
export { preset } from './preset';
export { reset } from './reset';
export { table } from './table';
export { whoFollows } from './whoFollows';
