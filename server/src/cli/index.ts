import { run } from './main';

// A reader that stops early (`gai-conf check | head`) closes the pipe: that ends the output, not in a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

void run(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  // One line rewritten in place; nothing at all when standard error is a file or a pipe.
  ...(process.stderr.isTTY
    ? { progress: (text: string) => process.stderr.write(text ? `\r\x1b[2K${text}` : '\r\x1b[2K') }
    : {}),
}).then((code) => {
  process.exitCode = code;
});
