import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';

import { startServer } from './server';

/** The Containers view's root work, run through sudo only when the user asks (see rootHelper.ts). */
const CONTAINERS_AS_ROOT = '--containers-as-root';
const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
if (process.argv[2] === CONTAINERS_AS_ROOT) {
  void import('../system/containers/rootHelper.js')
    .then(({ containersAsRoot }) => containersAsRoot(process.argv.slice(3)))
    .then(({ output, code }) => {
      process.stdout.write(`${output}\n`);
      process.exitCode = code;
    });
} else if (!process.argv.some((arg) => TRANSPORTS.some((t) => arg === t || arg.startsWith(`${t}=`)))) {
  process.stderr.write('Usage: gai-conf-language-server --stdio   (or --node-ipc, --socket=PORT, --pipe=NAME)\n');
  process.exit(2);
} else {
  startServer(createConnection(ProposedFeatures.all));
}
