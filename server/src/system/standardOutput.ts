/**
 * The CLI's standard output, written with write(2) on descriptor 1 rather than through
 * process.stdout: Node builds that stream (and its stream modules) at first use, a few
 * milliseconds of every `gai-conf check`, for output that is written at once anyway. Where the
 * descriptor takes no more for now (a non-blocking pipe that is full) the rest goes through
 * process.stdout, which waits for the reader.
 */

import { writeSync } from 'fs';

/** A writer of standard output; `closed` runs when the reader has gone (`gai-conf check | head`). */
export function standardOutput(closed: () => void): (text: string) => void {
  let stream: NodeJS.WriteStream | undefined;
  const fallBack = (): NodeJS.WriteStream => {
    stream = process.stdout;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      closed();
    });
    return stream;
  };
  return (text) => {
    if (stream) {
      stream.write(text);
      return;
    }
    let bytes = Buffer.from(text);
    while (bytes.length > 0) {
      try {
        bytes = bytes.subarray(writeSync(1, bytes));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') return closed();
        if (code !== 'EAGAIN') throw error;
        fallBack().write(bytes);
        return;
      }
    }
  };
}
