import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';

import { startServer } from './server';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
if (!process.argv.some((arg) => TRANSPORTS.some((t) => arg === t || arg.startsWith(`${t}=`)))) {
  process.stderr.write('Usage: gai-conf-language-server --stdio   (or --node-ipc, --socket=PORT, --pipe=NAME)\n');
  process.exit(2);
}
startServer(createConnection(ProposedFeatures.all));
