/** gaiConf/status: what the analysis assumes about the machine (the status item's text). */

import { StatusRequest } from '../protocol';
import { Session } from '../session';

export function registerStatus(session: Session): void {
  session.connection.onRequest(StatusRequest, () => session.status());
}
