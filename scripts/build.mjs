// Bundles every entry point with esbuild; type checking is tsc's job (npm test runs it).
import { build } from 'esbuild';
import { chmodSync, existsSync, readdirSync, rmSync } from 'fs';

import { bundleServer } from './serverBundle.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};
const shebang = { js: '#!/usr/bin/env node' };

// The server's chunks of an earlier build (their names carry a hash) would otherwise pile up.
for (const file of existsSync('dist') ? readdirSync('dist') : [])
  if (/^server-.*\.js(\.map)?$/.test(file)) rmSync(`dist/${file}`);

await Promise.all([
  // Every bundle ships (the CLI and the server in the npm package, the editor ones in the VSIX):
  // minified, which also halves the CLI's start-up parse; the source maps stay out of both packages.
  build({ ...common, entryPoints: ['server/src/cli/index.ts'], outfile: 'dist/cli.js', banner: shebang, minify: true }),
  // Split: what the first diagnostics need in dist/server.js, the rest in chunks beside it.
  bundleServer('server/src/lsp/index.ts', 'dist', 'server'),
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
