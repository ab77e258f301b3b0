import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';

import { CONTAINERS_AS_ROOT, containersAsRoot } from '../system/containers/rootHelper';
import { startServer } from './server';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
if (process.argv[2] === CONTAINERS_AS_ROOT) {
  // The Containers view's root work, run through sudo only when the user asks (see rootHelper.ts).
  void containersAsRoot(process.argv.slice(3)).then(({ output, code }) => {
    process.stdout.write(`${output}\n`);
    process.exitCode = code;
  });
} else if (!process.argv.some((arg) => TRANSPORTS.some((t) => arg === t || arg.startsWith(`${t}=`)))) {
  process.stderr.write('Usage: gai-conf-language-server --stdio   (or --node-ipc, --socket=PORT, --pipe=NAME)\n');
  process.exit(2);
} else {
  startServer(createConnection(ProposedFeatures.all));
}
