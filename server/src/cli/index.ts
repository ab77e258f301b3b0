import { standardOutput } from '../system/standardOutput';
import { run } from './main';

// A reader that stops early (`gai-conf check | head`) closes the pipe: that ends the output, not in a crash.
const out = standardOutput(() => process.exit(process.exitCode ?? 0));
/** Whether standard error is a terminal, asked at the first progress line: Node builds its stream to tell. */
let stderrIsTerminal: boolean | undefined;

void run(process.argv.slice(2), {
  out: (text) => out(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  // One line rewritten in place; nothing at all when standard error is a file or a pipe.
  progress: (text) => {
    if ((stderrIsTerminal ??= process.stderr.isTTY === true))
      process.stderr.write(text ? `\r\x1b[2K${text}` : '\r\x1b[2K');
  },
}).then((code) => {
  process.exitCode = code;
});
