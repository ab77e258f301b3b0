// The ordinary user with sudo that the UI suites run code-server as (scripts/sudo-test-user.sh),
// and code-server started as that user: what test/ui/saveAsRoot.mjs and test/ui/containers.mjs share.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import {
  codeServerEnv,
  installCodeServer,
  installExtension,
  prepareDirs,
  repo,
  startCodeServer,
} from '../../scripts/code-server.mjs';
import { WORKBENCH_SETTINGS } from './workbench.mjs';

const SCRIPT = join(repo, 'scripts/sudo-test-user.sh');

/** Sets what sudo allows the user (password, nopasswd, true-only, remove); returns the user's name. */
export function setSudo(mode, sudoLog) {
  const run = spawnSync('bash', [SCRIPT, mode, ...(sudoLog ? [sudoLog] : [])], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`sudo-test-user.sh ${mode} failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').at(-1);
}

/** The commands sudo ran for the user, from its log. */
export function commandsRunAsRoot(sudoLog) {
  return spawnSync('bash', [SCRIPT, 'ran', sudoLog], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l);
}

/** The user's home, uid and gid. */
export function userFacts(user) {
  const home = spawnSync('getent', ['passwd', user], { encoding: 'utf8' }).stdout.split(':')[5];
  const [uid, gid] = ['-u', '-g'].map((flag) => Number(spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout));
  return { home, uid, gid };
}

/**
 * code-server run by `user` with the VSIX installed for it, state in `session.tmp`/state; `outer`
 * is a command line to run it under before dropping to the user (an `unshare` with mounts).
 */
export async function startCodeServerAsUser({ session, user, vsix, folder, log, outer = [] }) {
  const { home, uid, gid } = userFacts(user);
  const installed = installCodeServer();
  // code-server lives under root's home, which the user cannot enter: a hard-linked copy.
  const installDir = dirname(dirname(dirname(installed)));
  const tools = join(session.tmp, 'code-server');
  const copied = spawnSync('cp', ['-al', installDir, tools]);
  if (copied.status !== 0) spawnSync('cp', ['-a', installDir, tools]);
  const bin = join(tools, relative(installDir, installed));
  const state = join(session.tmp, 'state');
  mkdirSync(state);
  const dirs = prepareDirs(state, WORKBENCH_SETTINGS);
  spawnSync('chown', ['-R', `${uid}:${gid}`, state]);
  const asUser = ['runuser', '-u', user, '--', 'env', `HOME=${home}`, `USER=${user}`];
  installExtension(bin, vsix, { tmp: state, ...dirs, wrap: asUser });
  const { port } = await startCodeServer(bin, {
    tmp: state,
    ...dirs,
    folder,
    log,
    wrap: [...outer, ...asUser],
    env: codeServerEnv({ HOME: home }),
    onSpawn: (child) => {
      session.server = child;
    },
  });
  return { port, state, home, uid, gid, tools };
}
