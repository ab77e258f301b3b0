/** gaiConf/whoFollows: which runtimes and processes on the server's machine do not follow the live file. */

import { whoFollowsThisMachine } from '../../system/whoFollows';
import { WhoFollowsRequest, WhoFollowsResult } from '../protocol';
import { Session } from '../session';

export function registerWhoFollows(session: Session): void {
  session.connection.onRequest(WhoFollowsRequest, (): WhoFollowsResult => whoFollowsThisMachine());
}
