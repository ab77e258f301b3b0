// `npm start`: what glibc makes of this machine's /etc/gai.conf (or the bundled sample where
// there is none). A demonstration, not a gate: it always exits 0.
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';

const file = existsSync('/etc/gai.conf') ? '/etc/gai.conf' : 'samples/gai.conf';
if (file !== '/etc/gai.conf') console.log('No /etc/gai.conf on this machine: showing the bundled samples/gai.conf.\n');
for (const command of ['check', 'table']) {
  console.log(`$ gai-conf ${command} ${file}`);
  spawnSync(process.execPath, ['dist/cli.js', command, file], { stdio: 'inherit' });
  console.log('');
}
