// Bundles every entry point with esbuild; type checking is tsc's job (npm test runs it).
import { build } from 'esbuild';
import { chmodSync, existsSync, readdirSync, rmSync } from 'fs';

import { bundleSplit } from './serverBundle.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};

// The chunks of an earlier build (their names carry a hash) would otherwise pile up.
for (const file of existsSync('dist') ? readdirSync('dist') : [])
  if (/^(server|cli)-.*\.js(\.map)?$/.test(file)) rmSync(`dist/${file}`);

await Promise.all([
  // Every bundle ships (the CLI and the server in the npm package, the editor ones in the VSIX):
  // minified, which also halves the start-up parse; the source maps stay out of both packages.
  // Split: the CLI's commands in chunks beside dist/cli.js, loaded by the command run; what the
  // server's first diagnostics need in dist/server.js, the rest in chunks beside it.
  bundleSplit('server/src/cli/index.ts', 'dist', 'cli'),
  bundleSplit('server/src/lsp/index.ts', 'dist', 'server'),
  build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: true,
  }),
]);
chmodSync('dist/cli.js', 0o755);
chmodSync('dist/server.js', 0o755);
