/** gaiConf/explain: glibc's order for a host name or addresses, under the buffer and the saved file. */

import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';

import { analyzeGaiConf } from '../../analysis/analysis';
import { crashRisks } from '../../analysis/crashRisk';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { documentName } from '../../system/files';
import { systemHost } from '../../system/host';
import { lazyFeatures } from '../lazy';
import { ExplainParams, ExplainRequest, ExplainResult } from '../protocol';
import { Session } from '../session';
import { openDocument, stringParam } from './params';

export function registerExplain(session: Session): void {
  session.connection.onRequest(
    ExplainRequest,
    async (params: Partial<ExplainParams> | null): Promise<ExplainResult> => {
      const document = openDocument(session, params?.uri);
      const query = stringParam(params?.query, 'query must be a host name or addresses.');
      const savedText = typeof params?.savedText === 'string' ? params.savedText : undefined;
      // Loaded at the first explanation: DNS, the kernel's labels and the report are no part of a start.
      const { QueryError, resolveQuery, withKernelLabels, explainReport } = await lazyFeatures();
      const resolved = await resolveQuery(query).catch((error: unknown) => {
        throw error instanceof QueryError ? new ResponseError(LSPErrorCodes.RequestFailed, error.message) : error;
      });
      // Read after the lookup: the buffer may have changed while DNS answered.
      const current = openDocument(session, document.uri);
      const live = session.isLive(current.uri);
      const glibc = session.settings.glibc;
      // The kernel's own address labels choose each source on this machine (read with `ip`, as the lookup is).
      const { host, note } = withKernelLabels(systemHost());
      const analysis = session.store.snapshotOf(current).analysis;
      const report = explainReport({
        ...resolved,
        notes: note ? [...resolved.notes, note] : resolved.notes,
        host,
        buffer: analysis.tables,
        saved: savedText === undefined ? undefined : analyzeGaiConf(savedText, { glibc }).tables,
        live,
        hostIsThisMachine: true,
        mayCrash: crashRisks(analysis.parsed),
      });
      return { ...report, glibc: describeGlibcVersion(glibc), fileName: documentName(current.uri), live };
    },
  );
}
