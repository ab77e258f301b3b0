// Bundles every entry point with esbuild; type checking is tsc's job (npm test runs it).
import { build } from 'esbuild';
import { chmodSync } from 'fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
const shebang = { js: '#!/usr/bin/env node' };

await Promise.all([
  build({ ...common, entryPoints: ['server/src/cli/index.ts'], outfile: 'dist/cli.js', banner: shebang }),
  // The editor bundles ship in the VSIX: minified, with their source maps kept out of it.
  build({ ...common, entryPoints: ['server/src/lsp/index.ts'], outfile: 'dist/server.js', banner: shebang, minify: true }),
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], minify: true }),
]);
chmodSync('dist/cli.js', 0o755);
chmodSync('dist/server.js', 0o755);
