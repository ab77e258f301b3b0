/** gaiConf/saveCheck: what Save as Root must say before writing a text over the document's file. */

import { analyzeGaiConf } from '../../analysis/analysis';
import { crashWarning } from '../../features/saveCheck';
import { SaveCheckParams, SaveCheckRequest, SaveCheckResult } from '../protocol';
import { Session } from '../session';
import { openDocument, stringParam } from './params';

export function registerSaveCheck(session: Session): void {
  session.connection.onRequest(SaveCheckRequest, (params: Partial<SaveCheckParams> | null): SaveCheckResult => {
    const document = openDocument(session, params?.uri);
    const text = stringParam(params?.text, 'text must be the text to be saved.');
    return {
      crash: crashWarning(analyzeGaiConf(text, { glibc: session.settings.glibc })),
      live: session.isLive(document.uri),
    };
  });
}
