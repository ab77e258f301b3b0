/** gaiConf/policyTables: the tables glibc holds for the buffer, beside glibc's built-in and RFC 6724's. */

import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { policyTables } from '../../features/policyTables';
import { documentName } from '../../system/files';
import { PolicyTablesParams, PolicyTablesRequest, PolicyTablesResult } from '../protocol';
import { Session } from '../session';
import { openDocument } from './params';

export function registerPolicyTables(session: Session): void {
  session.connection.onRequest(
    PolicyTablesRequest,
    (params: Partial<PolicyTablesParams> | null): PolicyTablesResult => {
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
