/**
 * Run by test/containers/lxd.test.ts as an ordinary user (runuser, no root): what such a user's
 * editor or CLI does through the LXD API. Prints JSON on stdout; a refusal goes to stderr, exit 1.
 *   lxdUser.js discover           every container the API shows this user, with its facts
 *   lxdUser.js save NAME TEXT     writes NAME's /etc/gai.conf through the API; prints whether
 *                                 this user can read the container's root under /proc itself
 */
import { readFileSync } from 'node:fs';

import { discoverContainers } from '../../server/src/system/containers/discovery';
import { lxdSource, writeLxdFile } from '../../server/src/system/containers/lxdSource';
import { GAI_CONF_IN_CONTAINER } from '../../server/src/system/containers/procSource';

async function main(): Promise<void> {
  const [command, name, text] = process.argv.slice(2);
  if (command === 'discover') {
    console.log(JSON.stringify(await discoverContainers([lxdSource()])));
    return;
  }
  const { containers } = await discoverContainers([lxdSource()]);
  const container = containers.find((c) => c.name === name);
  if (!container) throw new Error(`${name} not found`);
  let procRoot = 'readable';
  try {
    readFileSync(`/proc/${container.pid}/root${GAI_CONF_IN_CONTAINER}`);
  } catch (error) {
    procRoot = (error as NodeJS.ErrnoException).code ?? 'error';
  }
  await writeLxdFile(container, GAI_CONF_IN_CONTAINER, text ?? '');
  console.log(JSON.stringify({ procRoot }));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
