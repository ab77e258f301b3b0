// Bundles every entry point with esbuild; type checking is tsc's job (npm test runs it).
import { build } from 'esbuild';
import { chmodSync } from 'fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};
const shebang = { js: '#!/usr/bin/env node' };

await Promise.all([
  // Every bundle ships (the CLI and the server in the npm package, the editor ones in the VSIX):
  // minified, which also halves the CLI's start-up parse; the source maps stay out of both packages.
  build({ ...common, entryPoints: ['server/src/cli/index.ts'], outfile: 'dist/cli.js', banner: shebang, minify: true }),
  build({
    ...common,
    entryPoints: ['server/src/lsp/index.ts'],
    outfile: 'dist/server.js',
    banner: shebang,
    minify: true,
  }),
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
