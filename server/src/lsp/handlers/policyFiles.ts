/**
 * gaiConf/resetToDefaults, gaiConf/presets, gaiConf/writePreset and gaiConf/exportTables: whole
 * policies for the document, as edits the user previews or as a file's text.
 */

import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';

import { describeGlibcVersion } from '../../analysis/glibcDescription';
import { choosePreset } from '../../analysis/presetChoice';
import { Preset, presetById, PRESETS } from '../../analysis/reference/presets';
import { activeLines, replaceWithEdits, resetEdits, resetTitle } from '../../features/codeActions/resetToDefaults';
import { exportRefusal, exportTables, presetFile } from '../../features/tablesFile';
import { parseIpAddress } from '../../glibc/addresses';
import { Host } from '../../glibc/sourceSelection';
import { documentName } from '../../system/files';
import { systemHost } from '../../system/host';
import {
  DocumentParams,
  ExportTablesRequest,
  PresetsRequest,
  ResetToDefaultsRequest,
  WritePresetParams,
  WritePresetRequest,
} from '../protocol';
import { Session } from '../session';
import { confirmedEdit } from './edits';
import { openDocument, stringParam } from './params';

/** --source-like "fd42::2/64" texts as a host; an InvalidParams error for anything else. */
function hostOf(sources: unknown): Host {
  if (!Array.isArray(sources))
    throw new ResponseError(ErrorCodes.InvalidParams, 'sources must be an array of "ADDRESS/LENGTH" strings');
  return {
    addresses: sources.map((spec: unknown) => {
      const [address, length] = typeof spec === 'string' ? spec.split('/') : [];
      const parsed = parseIpAddress(address ?? '');
      if (!parsed || !/^\d+$/.test(length ?? '') || Number(length) > (parsed.family === 4 ? 32 : 128)) {
        throw new ResponseError(
          ErrorCodes.InvalidParams,
          `${JSON.stringify(spec)} is not ADDRESS/LENGTH (e.g. fd42::2/64)`,
        );
      }
      return { address: parsed, prefixLength: Number(length) };
    }),
  };
}

export function registerPolicyFiles(session: Session): void {
  const { connection, store } = session;

  connection.onRequest(ResetToDefaultsRequest, (params: Partial<DocumentParams> | null) => {
    const document = openDocument(session, params?.uri);
    const { analysis, locator } = store.snapshotOf(document);
    const count = activeLines(analysis).length;
    if (count === 0) return { edit: null, summary: 'No active line: glibc already uses its built-in tables.' };
    const summary = `Reset to glibc's defaults: ${resetTitle(count)} (nothing else changes).`;
    return {
      edit: confirmedEdit(
        session.client,
        document,
        locator,
        resetEdits(analysis),
        "Reset to glibc's defaults",
        summary,
      ),
      summary,
    };
  });

  connection.onRequest(PresetsRequest, () => PRESETS.map(({ id, title, description }) => ({ id, title, description })));

  connection.onRequest(WritePresetRequest, (params: Partial<WritePresetParams> | null) => {
    const document = openDocument(session, params?.uri);
    const name = stringParam(params?.preset, 'preset must be a preset id or "auto"');
    const glibc = session.settings.glibc;
    let preset: Preset | undefined = presetById(name);
    let reason: string | undefined;
    if (name === 'auto') {
      // This machine's addresses are read (locally) only here, when the user asks for auto.
      const choice = choosePreset(params?.sources ? hostOf(params.sources) : systemHost(), glibc);
      preset = choice.preset;
      reason = choice.reason;
    }
    if (!preset)
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        `unknown preset ${JSON.stringify(name)} (${[...PRESETS.map((p) => p.id), 'auto'].join(', ')})`,
      );
    const { analysis, locator } = store.snapshotOf(document);
    const count = activeLines(analysis).length;
    const summary = `${preset.title}${reason ? ` (auto: ${reason})` : ''}: ${count > 0 ? `${resetTitle(count)} and ` : ''}add the preset's tables at the end.`;
    const edits = replaceWithEdits(analysis, presetFile(preset, glibc, reason));
    return {
      edit: confirmedEdit(session.client, document, locator, edits, `Write the ${preset.id} preset`, summary),
      summary,
      preset: preset.id,
    };
  });

  connection.onRequest(ExportTablesRequest, (params: Partial<DocumentParams> | null) => {
    const document = openDocument(session, params?.uri);
    const { analysis } = store.snapshotOf(document);
    const refusal = exportRefusal(analysis);
    if (refusal) return { text: null, warnings: [refusal] };
    const exported = exportTables(analysis, documentName(document.uri), describeGlibcVersion(session.settings.glibc));
    return { text: exported.text, warnings: exported.warnings };
  });
}
