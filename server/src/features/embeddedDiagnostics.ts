/**
 * Diagnostics for a gai.conf written by another file open in the editor (a Dockerfile, a shell
 * script, an Ansible or cloud-init YAML file, a NixOS module): which editor languages are such
 * sources, which kind of source a document is, and its findings as diagnostics at the source's
 * own characters. A source that writes no gai.conf gets none at all.
 */

import { AnalysisOptions } from '../analysis/analysis';
import { DiagnosticCode } from '../analysis/catalogue';
import {
  checkEmbedded,
  EmbeddedCheck,
  embeddedFindings,
  SourceKind,
  sourceKindNamed,
  sourceKindOf,
  StockFile,
} from '../analysis/embedded/embedded';
import { basename } from '../analysis/embedded/paths';
import { EditorDiagnostic, editorDiagnostics, SeverityOverrides } from './diagnostics';
import { isEmbeddedSourceLanguage, LANGUAGE_SOURCES } from './embeddedLanguages';
import { TextLocator } from './positions';

function documentName(uri: string): string {
  const name = basename(uri.replace(/[?#].*$/, ''));
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * The kind of source a document is: what its name or content says where the language allows it
 * (a YAML file is cloud-init or Ansible), else the language's own; undefined for a gai.conf.
 */
export function sourceKindOfDocument(languageId: string, uri: string, text: string): SourceKind | undefined {
  if (!isEmbeddedSourceLanguage(languageId)) return undefined;
  const candidates = LANGUAGE_SOURCES[languageId];
  const found = sourceKindOf(documentName(uri), text);
  return found && candidates.includes(found.name) ? found : sourceKindNamed(candidates[candidates.length - 1]);
}

export interface EmbeddedDocument {
  readonly languageId: string;
  readonly uri: string;
  readonly text: string;
}

/**
 * Every extractor writes only to a path spelled /etc/gai.conf or NixOS's networking.getaddrinfo:
 * a document naming neither writes no gai.conf and is not parsed (a long script or YAML file
 * takes a tenth of a second per edit to parse).
 */
const MAY_WRITE_GAI_CONF = /gai\.conf|getaddrinfo/;

/**
 * Every gai.conf the document writes, built and analysed: undefined for a gai.conf document, null
 * for a source that writes none; `recheck` reads a changed text of the same document the same way.
 */
export function embeddedCheckOf(
  document: EmbeddedDocument,
  options: AnalysisOptions,
  stock: StockFile | undefined,
): { check: EmbeddedCheck; recheck: (text: string) => EmbeddedCheck } | null | undefined {
  const kind = sourceKindOfDocument(document.languageId, document.uri, document.text);
  if (!kind) return undefined;
  if (!MAY_WRITE_GAI_CONF.test(document.text)) return null;
  const recheck = (text: string) => checkEmbedded(text, kind, options, stock);
  return { check: recheck(document.text), recheck };
}

/** The findings on every gai.conf the document writes, as diagnostics at its characters; undefined for a gai.conf. */
export function embeddedEditorDiagnostics(
  document: EmbeddedDocument,
  options: AnalysisOptions,
  stock: StockFile | undefined,
  overrides: SeverityOverrides,
  documentationLink: (code: DiagnosticCode) => string,
): EditorDiagnostic[] | undefined {
  const embedded = embeddedCheckOf(document, options, stock);
  if (embedded === undefined) return undefined;
  return embedded ? checkDiagnostics(document.text, embedded.check, overrides, documentationLink) : [];
}

/** A check's findings as diagnostics at the characters of the source `text` it read. */
export function checkDiagnostics(
  text: string,
  check: EmbeddedCheck,
  overrides: SeverityOverrides,
  documentationLink: (code: DiagnosticCode) => string,
): EditorDiagnostic[] {
  return editorDiagnostics({ findings: embeddedFindings(check) }, new TextLocator(text), overrides, documentationLink);
}
