/** gaiConf/policyTables: the tables glibc holds for the buffer, beside glibc's built-in and RFC 6724's. */

import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { documentName } from '../../system/files';
import { lazyFeatures } from '../lazy';
import { PolicyTablesParams, PolicyTablesRequest, PolicyTablesResult } from '../protocol';
import { Session } from '../session';
import { openDocument } from './params';

export function registerPolicyTables(session: Session): void {
  session.connection.onRequest(
    PolicyTablesRequest,
    async (params: Partial<PolicyTablesParams> | null): Promise<PolicyTablesResult> => {
      const { policyTables } = await lazyFeatures();
      const document = openDocument(session, params?.uri);
      const { analysis } = session.store.snapshotOf(document);
      return {
        ...policyTables(analysis.tables),
        glibcDescription: describeGlibcVersion(session.settings.glibc),
        fileName: documentName(document.uri),
      };
    },
  );
}
