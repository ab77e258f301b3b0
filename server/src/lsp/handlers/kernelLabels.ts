/** gaiConf/kernelLabels: the server machine's `ip addrlabel` table, for the policy table view. Starts `ip` only when asked. */

import { kernelLabelsReport } from '../../features/kernelLabels';
import { readKernelAddressLabels } from '../../system/addressLabels';
import { KernelLabelsRequest, KernelLabelsResult } from '../protocol';
import { Session } from '../session';

export function registerKernelLabels(session: Session): void {
  session.connection.onRequest(KernelLabelsRequest, (): KernelLabelsResult =>
    kernelLabelsReport(readKernelAddressLabels()),
  );
}
