/**
 * The requests gai-conf adds to LSP, shared by the server and the VS Code client. Other editors
 * can send them too; every answer is plain JSON.
 */

import type { ExplainReport } from '../features/explain';
import type { HostLibc } from '../analysis/analysis';
import type { PolicyTables } from '../features/policyTables';
import type { WhoFollowsReport } from '../features/whoFollows';

/** Explains glibc's order for a host name or addresses under the buffer and the saved file. */
export const EXPLAIN_REQUEST = 'gaiConf/explain';

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

/** The tables glibc holds for the buffer, beside glibc's built-in and RFC 6724's. */
export const POLICY_TABLES_REQUEST = 'gaiConf/policyTables';

export interface PolicyTablesParams {
  readonly uri: string;
}

export interface PolicyTablesResult extends PolicyTables {
  readonly glibcDescription: string;
  readonly fileName: string;
}

/**
 * Which installed runtimes and running processes on the server's machine do not follow the live
 * /etc/gai.conf, and which started before it last changed. No parameters. Only on request: it
 * reads /proc and starts each runtime found once to ask its version.
 */
export const WHO_FOLLOWS_REQUEST = 'gaiConf/whoFollows';

export type WhoFollowsResult = WhoFollowsReport;

/** What the analysis assumes about the machine, for a status item. */
export const STATUS_REQUEST = 'gaiConf/status';

export interface StatusResult {
  /** "2.36". */
  readonly glibc: string;
  readonly origin: 'option' | 'runtime' | 'fallback' | 'container';
  /** Where this machine's glibc build records carrying the 2.41 parser fix (BZ #32465), if it is older. */
  readonly prefixLengthFix?: string;
  readonly description: string;
  readonly hostLibc: HostLibc;
}

/** Sent with a StatusResult when settings change, to clients that announced CLIENT_COMMANDS. */
export const STATUS_CHANGED_NOTIFICATION = 'gaiConf/statusChanged';

/** Client commands the server may put in CodeLenses when the client says it has them. */
export const CLIENT_COMMANDS = {
  explain: 'gaiconf.explainAddressOrder',
  policyTables: 'gaiconf.showEffectivePolicyTable',
  /** Opens a diagnostic code's documentation (argument: the code); diagnostics link to it. */
  documentation: 'gaiconf.showDocumentation',
  whoFollows: 'gaiconf.whoFollows',
} as const;

/** Before Save as Root writes `text` over the document's file: what the user must know first. */
export const SAVE_CHECK_REQUEST = 'gaiConf/saveCheck';

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
