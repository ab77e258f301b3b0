/** Which gai.conf the system's getaddrinfo() reads. */

import { realpathSync } from 'fs';

export const LIVE_GAI_CONF = '/etc/gai.conf';

/** Whether `path` is the live file, through any symbolic links; false when either is missing. */
export function isLiveGaiConf(path: string): boolean {
  try {
    return realpathSync(path) === realpathSync(LIVE_GAI_CONF);
  } catch {
    return false;
  }
}
