/**
 * The saved file's bytes as the text explain compares with the buffer. glibc reads bytes: a byte
 * order mark glued to the first word makes it ignore the first line, so the mark must stay (a
 * default TextDecoder drops it), and no byte may vanish or merge.
 */

export function savedFileText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { ignoreBOM: true, fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: one character per byte, so every byte still counts once, as it does for glibc.
    return new TextDecoder('latin1').decode(bytes);
  }
}
