/** A path's last part, with / as the separator (the analysis may not import Node's path module). */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
