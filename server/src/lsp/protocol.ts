/**
 * The requests gai-conf adds to LSP, shared by the server and the VS Code client. Other editors
 * can send them too; every answer is plain JSON.
 *
 * Each custom method is one typed request (vscode-jsonrpc's RequestType, params and result bound
 * together) whose type also keeps the method's name. The client imports this module for types
 * only, so that its bundle holds no server code, and builds the same requests from these types
 * (client/src/protocol.ts), where the compiler accepts no other method name and no other shape.
 */

import { NotificationType, RequestType, RequestType0, WorkspaceEdit } from 'vscode-languageserver/node';

import type { HostLibc } from '../analysis/analysis';
import type { ContainerGaiConf, UnreadableContainer } from '../analysis/containerModel';
import type { Census } from '../features/connections/census';
import type { Comparison } from '../features/connections/report';
import type { ContainerEntry, ContainerGroup } from '../features/containerList';
import type { ExplainReport } from '../features/explain';
import type { KernelLabelsReport } from '../features/kernelLabels';
import type { PolicyTables } from '../features/policyTables';
import type { WhoFollowsReport } from '../features/whoFollows';

export type { ContainerGaiConf, UnreadableContainer } from '../analysis/containerModel';
export type { Census, Connection } from '../features/connections/census';
export type { Comparison, Remaining, ShareRow } from '../features/connections/report';
export type { ExplainedDestination, Explanation } from '../features/explain';
export type { KernelLabelRow } from '../features/kernelLabels';
export type { PolicyRow, PolicyTable } from '../features/policyTables';
export type { ProcessReport } from '../features/whoFollows';

/** A request with params: its method's name, params and result in one type. */
export type TypedRequest<Method extends string, Params, Result> = RequestType<Params, Result, void> & {
  readonly method: Method;
};
/** A request without params. */
export type TypedRequest0<Method extends string, Result> = RequestType0<Result, void> & { readonly method: Method };
export type TypedNotification<Method extends string, Params> = NotificationType<Params> & { readonly method: Method };

/** `requestType<Params, Result>()(method)`: the method's name is inferred, the types are given. */
function requestType<Params, Result>() {
  return <Method extends string>(method: Method) =>
    new RequestType<Params, Result, void>(method) as TypedRequest<Method, Params, Result>;
}

function requestType0<Result>() {
  return <Method extends string>(method: Method) =>
    new RequestType0<Result, void>(method) as TypedRequest0<Method, Result>;
}

function notificationType<Params>() {
  return <Method extends string>(method: Method) =>
    new NotificationType<Params>(method) as TypedNotification<Method, Params>;
}

export interface ExplainParams {
  readonly uri: string;
  /** A host name, or IPv4/IPv6 addresses separated by spaces or commas. */
  readonly query: string;
  /** The file as saved on disk; null for a file never saved. */
  readonly savedText: string | null;
}

export interface ExplainResult extends ExplainReport {
  /** "glibc 2.36 (the glibc this runs on)". */
  readonly glibc: string;
  readonly fileName: string;
  /** Whether the document is the live /etc/gai.conf of the machine the server runs on. */
  readonly live: boolean;
}

/** Explains glibc's order for a host name or addresses under the buffer and the saved file. */
export const ExplainRequest = requestType<ExplainParams, ExplainResult>()('gaiConf/explain');

export interface PolicyTablesParams {
  readonly uri: string;
}

export interface PolicyTablesResult extends PolicyTables {
  readonly glibcDescription: string;
  readonly fileName: string;
}

/** The tables glibc holds for the buffer, beside glibc's built-in and RFC 6724's. */
export const PolicyTablesRequest = requestType<PolicyTablesParams, PolicyTablesResult>()('gaiConf/policyTables');

export type WhoFollowsResult = WhoFollowsReport;

/**
 * Which installed runtimes and running processes on the server's machine do not follow the live
 * /etc/gai.conf, and which started before it last changed. No parameters. Only on request: it
 * reads /proc and starts each runtime found once to ask its version.
 */
export const WhoFollowsRequest = requestType0<WhoFollowsResult>()('gaiConf/whoFollows');

export interface ConnectionsParams {
  /** An earlier census (this request's own result), to compare the new one with; null for none. */
  readonly before: Census | null;
}

export interface ConnectionsResult {
  readonly census: Census;
  readonly comparison: Comparison | null;
}

/**
 * A census of the server machine's connections (see `gai-conf connections`), compared with an
 * earlier one when given. Only on request: it reads /proc and runs the host's ss for bytes.
 */
export const ConnectionsRequest = requestType<ConnectionsParams, ConnectionsResult>()('gaiConf/connections');

export interface StatusResult {
  /** "2.36". */
  readonly glibc: string;
  readonly origin: 'option' | 'runtime' | 'fallback' | 'container';
  /** Where this machine's glibc build records carrying the 2.41 parser fix (BZ #32465), if it is older. */
  readonly prefixLengthFix?: string;
  readonly description: string;
  readonly hostLibc: HostLibc;
}

/** What the analysis assumes about the machine, for a status item. */
export const StatusRequest = requestType0<StatusResult>()('gaiConf/status');

/** Sent with a StatusResult when settings change, to clients that announced CLIENT_COMMANDS. */
export const StatusChangedNotification = notificationType<StatusResult>()('gaiConf/statusChanged');

/**
 * Sent to clients that announced CLIENT_COMMANDS after each analysis of a document is published
 * (its diagnostics sent): views that show the buffer's analysis refresh on it, never on the edit
 * itself, which the server may not have analysed yet.
 */
export interface AnalysisPublishedParams {
  readonly uri: string;
  readonly version: number;
}

export const AnalysisPublishedNotification = notificationType<AnalysisPublishedParams>()('gaiConf/analysisPublished');

/** What fix-all fixed and which findings it left, for the client to say after applying it. */
export interface FixAllReport {
  readonly fixed: number;
  readonly left: readonly { readonly code: string; readonly line: number }[];
  /** The same in a sentence. */
  readonly message: string;
}

export interface SaveCheckParams {
  readonly uri: string;
  readonly text: string;
}

export interface SaveCheckResult {
  /** The line (1-based) that would crash every program's getaddrinfo() on the glibc the analysis imitates, and why; null when none. */
  readonly crash: { readonly line: number; readonly message: string } | null;
  /** Whether the file is the live /etc/gai.conf, which programs already running have read. */
  readonly live: boolean;
}

/** Before Save as Root writes `text` over the document's file: what the user must know first. */
export const SaveCheckRequest = requestType<SaveCheckParams, SaveCheckResult>()('gaiConf/saveCheck');

export interface DocumentParams {
  readonly uri: string;
}

/** An edit for the user to preview and apply: annotated as needing confirmation where the client can show that. */
export interface PolicyEditResult {
  /** null when there is nothing to change. */
  readonly edit: WorkspaceEdit | null;
  /** What the edit does, in one sentence. */
  readonly summary: string;
}

/** Comments out every active line of the document, so that glibc uses its built-in tables. */
export const ResetToDefaultsRequest = requestType<DocumentParams, PolicyEditResult>()('gaiConf/resetToDefaults');

export interface PresetSummary {
  readonly id: string;
  readonly title: string;
  readonly description: string;
}

/** The presets `gaiConf/writePreset` takes, besides `auto`. */
export const PresetsRequest = requestType0<readonly PresetSummary[]>()('gaiConf/presets');

export interface WritePresetParams {
  readonly uri: string;
  /** A PresetSummary id, or 'auto' (chosen from `sources`, else from the server machine's addresses). */
  readonly preset: string;
  /** For 'auto': a container's or another host's addresses, "fd42::2/64". */
  readonly sources?: readonly string[];
}

/** Comments out the active lines and adds the preset's whole tables at the end of the document. */
export const WritePresetRequest = requestType<WritePresetParams, PolicyEditResult & { readonly preset: string }>()(
  'gaiConf/writePreset',
);

export interface ExportTablesResult {
  /** A complete gai.conf that glibc reads into the tables it holds for the document; null when it crashes instead. */
  readonly text: string | null;
  readonly warnings: readonly string[];
}

/** The tables in effect as a gai.conf (`gai-conf table --format gai.conf`). */
export const ExportTablesRequest = requestType<DocumentParams, ExportTablesResult>()('gaiConf/exportTables');

export type KernelLabelsResult = KernelLabelsReport;

/** The server machine's kernel address labels. Only on request: it starts `ip -6 addrlabel list`. */
export const KernelLabelsRequest = requestType0<KernelLabelsResult>()('gaiConf/kernelLabels');

export type { ContainerEntry, ContainerGroup };

/** The scheme of a container's gai.conf in the editor, `gai-conf-container:/RUNTIME/NAME/etc/gai.conf`. */
export type ContainerScheme = 'gai-conf-container';

export interface ContainersParams {
  /**
   * 'scan' finds the containers anew (as the server's user); 'known' lists those of the last scan
   * with their files as last read or saved; 'report' takes `report`, the JSON a scan as root printed
   * (`gai-conf-language-server --containers-as-root scan`, or `gai-conf containers --json`), instead of scanning.
   */
  readonly mode: 'scan' | 'known' | 'report';
  readonly report?: unknown;
}

export interface ContainerListEntry extends ContainerEntry {
  /** The document of its gai.conf: gai-conf-container:/RUNTIME/NAME/etc/gai.conf. */
  readonly uri: string;
  /** How a save reaches it: the runtime's API, this server's own root (or namespace), or root through sudo. */
  readonly saveVia: 'api' | 'proc' | 'sudo';
}

export interface ContainersResult {
  readonly containers: readonly ContainerListEntry[];
  readonly unreadable: readonly UnreadableContainer[];
  /** Whether the list comes from a scan as root. */
  readonly asRoot: boolean;
  /** "3 of 4 containers try IPv4 first for dual-stacked destinations: 3 with a ULA only and glibc's built-in label table." */
  readonly summary: string;
}

/**
 * Every container of the server's machine with its verdict. Only on request: it reads /proc and
 * asks LXD's and Incus' API over their sockets, starts nothing and runs nothing inside a container.
 * Cancellable; reports progress with gaiConf/containersProgress.
 */
export const ContainersRequest = requestType<ContainersParams, ContainersResult>()('gaiConf/containers');

export interface ContainersProgressParams {
  readonly source: string;
  readonly done: number;
  readonly total?: number;
}

export const ContainersProgressNotification =
  notificationType<ContainersProgressParams>()('gaiConf/containersProgress');

export interface ContainerFileParams {
  /** A ContainerListEntry's uri. */
  readonly uri: string;
}

export interface ContainerFileResult {
  /** The file as the container's libc reads it; null when the container has none. */
  readonly text: string | null;
  readonly gaiConf: ContainerGaiConf;
  /** For a container without a file: the text a new one starts from (this machine's stock file), and the same with the ULA fix for this container. */
  readonly stock: string | null;
  readonly ulaFixed: string | null;
}

/** A container's gai.conf read again (or as the scan as root read it), with the ULA fix for that container. */
export const ReadContainerFileRequest = requestType<ContainerFileParams, ContainerFileResult>()(
  'gaiConf/readContainerFile',
);

export interface WriteContainerFileParams {
  readonly uri: string;
  readonly text: string;
  /** The file's text as the editor read it (null: it had none); the save is refused when the container's file holds something else now. */
  readonly expected: string | null;
}

export type WriteContainerFileResult =
  | { readonly kind: 'written'; readonly backup: string | null; readonly gaiConf: ContainerGaiConf }
  | { readonly kind: 'changed'; readonly current: string | null }
  /** The server cannot write it: as root through sudo (`gai-conf-language-server --containers-as-root write ID FILE`). */
  | { readonly kind: 'needs-root'; readonly id: string }
  | { readonly kind: 'refused'; readonly message: string };

/** Saves a container's gai.conf into the container, keeping owner, group, mode and inode, with a backup. */
export const WriteContainerFileRequest = requestType<WriteContainerFileParams, WriteContainerFileResult>()(
  'gaiConf/writeContainerFile',
);

/** Client commands the server may put in CodeLenses when the client says it has them. */
export const CLIENT_COMMANDS = {
  explain: 'gaiconf.explainAddressOrder',
  policyTables: 'gaiconf.showEffectivePolicyTable',
  /** Opens a diagnostic code's documentation (argument: the code); diagnostics link to it. */
  documentation: 'gaiconf.showDocumentation',
  whoFollows: 'gaiconf.whoFollows',
  /** Says what fix-all fixed and left (argument: a FixAllReport); run after fix-all's edit. */
  fixAllReport: 'gaiconf.fixAllReport',
  /** Measures the IPv6 share before and after a wait; the Containers view and Save as Root offer it. */
  measureIpv6Share: 'gaiconf.measureIpv6Share',
} as const;

export type ClientCommands = typeof CLIENT_COMMANDS;
