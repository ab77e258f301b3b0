/**
 * Sizes beyond any real gai.conf (tens of lines, a few KiB), where gai-conf stops instead of
 * working on: a refusal to read, and a cap on what an editor is sent.
 */

/** The largest file gai-conf reads: 16 MiB, about 400,000 rows. `/dev/zero` would otherwise be read forever. */
export const LARGEST_FILE_BYTES = 16 * 1024 * 1024;

/** "16 MiB", for messages. */
export const LARGEST_FILE_TEXT = `${LARGEST_FILE_BYTES / 1024 / 1024} MiB`;

/** The most diagnostics sent to an editor for one document; one more says how many were left out. */
export const MOST_DIAGNOSTICS_SENT = 5_000;
