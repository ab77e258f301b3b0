/** gaiConf/kernelLabels: the server machine's `ip addrlabel` table, for the policy table view. Starts `ip` only when asked. */

import { lazyFeatures } from '../lazy';
import { KernelLabelsRequest, KernelLabelsResult } from '../protocol';
import { Session } from '../session';

export function registerKernelLabels(session: Session): void {
  session.connection.onRequest(KernelLabelsRequest, async (): Promise<KernelLabelsResult> => {
    const { kernelLabelsReport, readKernelAddressLabels } = await lazyFeatures();
    return kernelLabelsReport(readKernelAddressLabels());
  });
}
