/** gaiConf/connections: a census of the server machine's connections, compared with an earlier one when given. */

import { lazyFeatures } from '../lazy';
import { ConnectionsParams, ConnectionsRequest, ConnectionsResult } from '../protocol';
import { Session } from '../session';

export function registerConnections(session: Session): void {
  session.connection.onRequest(ConnectionsRequest, async (params: ConnectionsParams): Promise<ConnectionsResult> => {
    // Loaded at the first census: the socket tables' readers and the report are no part of a start.
    const { censusNow, compareCensuses } = await lazyFeatures();
    const census = await censusNow();
    return { census, comparison: params.before ? compareCensuses(params.before, census) : null };
  });
}
