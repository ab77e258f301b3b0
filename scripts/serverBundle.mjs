// How the language server and the CLI are bundled: dist/server.js and dist/cli.js, each with its
// chunks, and the bench's floor server the same way as the server.
//
// The server's start loads only what the first diagnostics need, the CLI's only the command it
// runs; every other feature is imported where it is first used, and esbuild puts those in chunks
// of their own beside the entry (`NAME-HASH.js`). esbuild splits only ES-module output, and Node loads ES modules through its
// slower ESM loader (a few ms more at every start), so the split output is then rewritten as
// CommonJS, file by file, with `import()` turned into `require()`: Node loads the start-up files
// as it loaded the single bundle, and a lazy chunk when a request first needs it.
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const common = { platform: 'node', target: 'node20', minify: true, sourcemap: true, logLevel: 'warning' };

/** Bundles `entry` as OUTDIR/NAME.js and its chunks as OUTDIR/NAME-HASH.js; returns the files written. */
export async function bundleSplit(entry, outdir, name) {
  const esm = mkdtempSync(join(tmpdir(), `gai-conf-${name}-esm-`));
  try {
    await build({
      ...common,
      bundle: true,
      format: 'esm',
      splitting: true,
      entryPoints: { [name]: entry },
      outdir: esm,
      chunkNames: `${name}-[hash]`,
    });
    const files = readdirSync(esm).filter((file) => file.endsWith('.js'));
    // esbuild follows each file's sourceMappingURL, so the maps still lead to the TypeScript sources.
    await build({
      ...common,
      bundle: false,
      format: 'cjs',
      supported: { 'dynamic-import': false },
      entryPoints: files.map((file) => join(esm, file)),
      outdir,
      banner: { js: '#!/usr/bin/env node' },
    });
    return files;
  } finally {
    rmSync(esm, { recursive: true, force: true });
  }
}
