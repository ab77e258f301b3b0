/** gaiConf/connections: a census of the server machine's connections, compared with an earlier one when given. */

import { compareCensuses } from '../../features/connections/report';
import { censusNow } from '../../system/connections/read';
import { ConnectionsParams, ConnectionsRequest, ConnectionsResult } from '../protocol';
import { Session } from '../session';

export function registerConnections(session: Session): void {
  session.connection.onRequest(ConnectionsRequest, async (params: ConnectionsParams): Promise<ConnectionsResult> => {
    const census = await censusNow();
    return { census, comparison: params.before ? compareCensuses(params.before, census) : null };
  });
}
