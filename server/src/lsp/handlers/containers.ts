/**
 * The Containers view's requests: gaiConf/containers (scan, or take a scan made as root through
 * sudo), gaiConf/readContainerFile and gaiConf/writeContainerFile (a container's gai.conf opened
 * and saved in the editor). Documents of containers are analysed again whenever what is known
 * about their container changes.
 */

import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';

import type { DiscoveredContainer } from '../../analysis/containerModel';
import { scanFromReport } from '../../analysis/containerModel';
import { containerDocumentUri, containerEntry, summaryLine, ulaFixedText } from '../../features/containerList';
import { judgeContainer } from '../../features/containerVerdict';
import { stockGaiConf } from '../../system/stockFile';
import { lazyFeatures } from '../lazy';
import {
  ContainerFileParams,
  ContainerFileResult,
  ContainerListEntry,
  ContainersParams,
  ContainersProgressNotification,
  ContainersRequest,
  ContainersResult,
  ReadContainerFileRequest,
  WriteContainerFileParams,
  WriteContainerFileRequest,
  WriteContainerFileResult,
} from '../protocol';
import { Session } from '../session';
import { publishDiagnostics } from './diagnostics';
import { stringParam } from './params';

function saveVia(container: DiscoveredContainer, fromSudo: boolean): ContainerListEntry['saveVia'] {
  if (container.source === 'lxd' || container.source === 'incus') return 'api';
  return fromSudo ? 'sudo' : 'proc';
}

function reanalyseContainerDocuments(session: Session): void {
  session.store.invalidate();
  for (const document of session.store.documents.all())
    if (session.containers.isContainerDocument(document.uri))
      session.store.schedule(document.uri, (uri) => publishDiagnostics(session, uri));
}

async function scan(session: Session, signal: AbortSignal): Promise<void> {
  // How containers are found, read and written is loaded at the Containers view's first request.
  const { discoverContainers, hostContainerSources } = await lazyFeatures();
  const found = await discoverContainers(hostContainerSources(), {
    signal,
    onProgress: (progress) => void session.connection.sendNotification(ContainersProgressNotification, progress),
  });
  session.containers.replace(found, false);
}

/** The container a document belongs to; a document of a container not scanned yet (an editor restored at start-up) scans once. */
async function containerOf(session: Session, uri: unknown): Promise<DiscoveredContainer> {
  const text = stringParam(uri, 'uri must be the uri of a container document.');
  if (!session.containers.isContainerDocument(text))
    throw new ResponseError(ErrorCodes.InvalidParams, `${text} is not the uri of a container's gai.conf.`);
  let container = session.containers.find(text);
  if (!container && !session.containers.fromSudo) {
    await scan(session, new AbortController().signal);
    container = session.containers.find(text);
  }
  if (!container)
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `${text}: no such container on this host now (refresh the Containers view, or scan as root).`,
    );
  return container;
}

export function registerContainers(session: Session): void {
  const { connection, containers } = session;

  connection.onRequest(ContainersRequest, async (params: Partial<ContainersParams> | null, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    if (params?.mode === 'report') {
      try {
        containers.replace(scanFromReport(params.report), true);
      } catch (error) {
        throw new ResponseError(ErrorCodes.InvalidParams, (error as Error).message);
      }
    } else if (params?.mode !== 'known') {
      try {
        await scan(session, controller.signal);
      } catch (error) {
        // LSP's answer to a request the client cancelled; the containers known before stay.
        if (controller.signal.aborted)
          throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The container scan was cancelled.');
        throw error;
      }
    }
    reanalyseContainerDocuments(session);
    const { containers: list, unreadable, asRoot } = containers.scan;
    const start = stockGaiConf()?.text ?? '';
    const verdicts = list.map(judgeContainer);
    const result: ContainersResult = {
      containers: list.map((c, index) => ({
        ...containerEntry(c, start, verdicts[index]),
        uri: containerDocumentUri(c),
        saveVia: saveVia(c, containers.fromSudo),
      })),
      unreadable,
      asRoot,
      summary: summaryLine(verdicts),
    };
    return result;
  });

  connection.onRequest(
    ReadContainerFileRequest,
    async (params: Partial<ContainerFileParams> | null): Promise<ContainerFileResult> => {
      let container = await containerOf(session, params?.uri);
      const { readGaiConfAgain } = await lazyFeatures();
      if (!containers.fromSudo) container = containers.updateFile(container, await readGaiConfAgain(container));
      const conf = container.gaiConf;
      const stock = stockGaiConf()?.text ?? null;
      const text = conf.state === 'present' ? conf.content : null;
      return {
        text,
        gaiConf: conf,
        stock,
        ulaFixed: ulaFixedText(container, text ?? stock ?? '') ?? null,
      };
    },
  );

  connection.onRequest(
    WriteContainerFileRequest,
    async (params: Partial<WriteContainerFileParams> | null): Promise<WriteContainerFileResult> => {
      const container = await containerOf(session, params?.uri);
      const text = stringParam(params?.text, 'text must be the text to save.');
      const expected =
        params?.expected === null ? null : stringParam(params?.expected, 'expected must be a text or null.');
      if (containers.fromSudo && saveVia(container, true) === 'sudo') return { kind: 'needs-root', id: container.id };
      const { saveContainerGaiConf } = await lazyFeatures();
      const outcome = await saveContainerGaiConf(container, text, expected);
      if (outcome.kind === 'needs-root') return { kind: 'needs-root', id: container.id };
      if (outcome.kind === 'written') {
        containers.updateFile(container, outcome.gaiConf);
        reanalyseContainerDocuments(session);
      }
      return outcome;
    },
  );
}
