/** The requests behind the client's views: explain, policy tables, who follows the file, and status. */

import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeGaiConf } from '../../analysis/analysis';
import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { explainReport } from '../../features/explain';
import { policyTables } from '../../features/policyTables';
import { documentName } from '../../system/files';
import { systemHost } from '../../system/host';
import { QueryError, resolveQuery } from '../../system/resolve';
import { whoFollowsThisMachine } from '../../system/whoFollows';
import {
  EXPLAIN_REQUEST, ExplainParams, ExplainResult, POLICY_TABLES_REQUEST, PolicyTablesParams, PolicyTablesResult, SAVE_CHECK_REQUEST, STATUS_REQUEST, SaveCheckParams, SaveCheckResult,
  WHO_FOLLOWS_REQUEST, WhoFollowsResult,
} from '../protocol';
import { Session } from '../session';

function openDocument(session: Session, uri: unknown): TextDocument {
  const document = typeof uri === 'string' ? session.store.get(uri) : undefined;
  if (!document) throw new ResponseError(ErrorCodes.InvalidParams, `${typeof uri === 'string' ? uri : 'The uri parameter'} is not an open gai.conf document.`);
  return document;
}

export function registerViews(session: Session): void {
  const { connection, store } = session;
  connection.onRequest(EXPLAIN_REQUEST, async (params: Partial<ExplainParams> | null): Promise<ExplainResult> => {
    const document = openDocument(session, params?.uri);
    if (typeof params?.query !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'query must be a host name or addresses.');
    const savedText = typeof params.savedText === 'string' ? params.savedText : undefined;
    const resolved = await resolveQuery(params.query).catch((error: unknown) => {
      throw error instanceof QueryError ? new ResponseError(LSPErrorCodes.RequestFailed, error.message) : error;
    });
    // Read after the lookup: the buffer may have changed while DNS answered.
    const current = openDocument(session, document.uri);
    const live = session.isLive(current.uri);
    const glibc = session.settings.glibc;
    const report = explainReport({
      ...resolved,
      host: systemHost(),
      buffer: store.snapshotOf(current).analysis.tables,
      saved: savedText === undefined ? undefined : analyzeGaiConf(savedText, { glibc }).tables,
      live,
      hostIsThisMachine: true,
    });
    return { ...report, glibc: describeGlibcVersion(glibc), fileName: documentName(current.uri), live };
  });

  connection.onRequest(POLICY_TABLES_REQUEST, (params: Partial<PolicyTablesParams> | null): PolicyTablesResult => {
    const document = openDocument(session, params?.uri);
    const { analysis } = store.snapshotOf(document);
    return { ...policyTables(analysis.tables), glibcDescription: describeGlibcVersion(session.settings.glibc), fileName: documentName(document.uri) };
  });

  connection.onRequest(WHO_FOLLOWS_REQUEST, (): WhoFollowsResult => whoFollowsThisMachine());

  connection.onRequest(STATUS_REQUEST, () => session.status());

  // Whatever the severity settings and suppressions say: a crash is not a matter of taste.
  connection.onRequest(SAVE_CHECK_REQUEST, (params: Partial<SaveCheckParams> | null): SaveCheckResult => {
    const document = openDocument(session, params?.uri);
    if (typeof params?.text !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'text must be the text to be saved.');
    const analysis = analyzeGaiConf(params.text, { glibc: session.settings.glibc });
    const live = session.isLive(document.uri);
    const line = analysis.tables.crash;
    if (!line) return { crash: null, live };
    const finding = [...analysis.findings, ...analysis.suppressed].find((f) => f.code === 'scopev4-crash' && f.start >= line.start && f.start <= line.end);
    return { crash: { line: line.index + 1, message: finding?.message ?? 'glibc crashes on this line.' }, live };
  });
}
