/** gaiConf/whoFollows: which runtimes and processes on the server's machine do not follow the live file. */

import { lazyFeatures } from '../lazy';
import { WhoFollowsRequest, WhoFollowsResult } from '../protocol';
import { Session } from '../session';

export function registerWhoFollows(session: Session): void {
  // Loaded at the first request: the runtime table and the process scan are large.
  session.connection.onRequest(WhoFollowsRequest, async (): Promise<WhoFollowsResult> =>
    (await lazyFeatures()).whoFollowsThisMachine(),
  );
}
