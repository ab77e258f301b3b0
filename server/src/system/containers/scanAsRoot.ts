/**
 * `gai-conf containers --sudo`: the same command again as root through sudo, only because the
 * user asked for it. sudo asks for the password on the terminal as it always does; the root run
 * reads /proc and writes its report to the same standard output.
 */

import { spawn } from 'child_process';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs this CLI with `argv` under `sudo --`, sharing the terminal; resolves to its exit status. */
export function rerunThroughSudo(argv: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('sudo', ['--', process.execPath, process.argv[1], ...argv], { stdio: 'inherit' });
    child.on('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(
        `gai-conf: cannot run sudo: ${error.code === 'ENOENT' ? 'sudo is not installed' : error.message}\n`,
      );
      resolve(2);
    });
    child.on('close', (code) => resolve(code ?? 2));
  });
}
