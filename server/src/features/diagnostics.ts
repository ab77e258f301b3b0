/**
 * Findings as editor diagnostics: positions, the configured severity per code (or none when the
 * user turned a code off), and the documentation link. Plain data; the server turns the severity
 * into LSP's number.
 */

import { Analysis } from '../analysis/analysis';
import { DiagnosticCode, Finding, isDiagnosticCode, Severity, severityOf } from '../analysis/catalogue';
import { MOST_DIAGNOSTICS_SENT } from '../analysis/limits';
import { Range, TextLocator } from './positions';

export type SeveritySetting = Severity | 'off';
export type SeverityOverrides = Readonly<Partial<Record<string, SeveritySetting>>>;

export interface EditorDiagnostic {
  readonly range: Range;
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly codeDescription: { readonly href: string };
  readonly source: 'gai-conf';
  readonly message: string;
}

/** The user's setting for the code, else the finding's own severity. */
export function effectiveSeverity(
  finding: Pick<Finding, 'code' | 'severity'>,
  overrides: SeverityOverrides,
): SeveritySetting {
  const override = overrides[finding.code];
  return override === 'error' ||
    override === 'warning' ||
    override === 'information' ||
    override === 'hint' ||
    override === 'off'
    ? override
    : severityOf(finding);
}

/** Names in a severity setting that are not codes, so that a typo in settings can be reported. */
export function unknownCodes(overrides: SeverityOverrides): string[] {
  return Object.keys(overrides).filter((key) => !isDiagnosticCode(key));
}

/**
 * The diagnostics of one version of a document, kept for the next version's conversion: an edit
 * keeps most findings as the same objects (those of the lines it left alone), whose diagnostics
 * are then the same too.
 */
export interface ConvertedDiagnostics {
  readonly diagnostics: EditorDiagnostic[];
  readonly overrides: SeverityOverrides;
  /** The diagnostic of each finding, for the versions since positions were last worked out afresh. */
  readonly byFinding: WeakMap<Finding, EditorDiagnostic>;
}

export function editorDiagnostics(
  analysis: Pick<Analysis, 'findings'>,
  locator: TextLocator,
  overrides: SeverityOverrides,
  documentationLink: (code: DiagnosticCode) => string,
): EditorDiagnostic[] {
  return convertedDiagnostics(analysis, locator, overrides, documentationLink).diagnostics;
}

/**
 * editorDiagnostics, reusing the diagnostics of `previous` (the conversion of an earlier version
 * of the same document) for the findings that are the same objects. A finding kept by the
 * analysis lies on a line the edits kept: the same offsets and the same LFs before it. That makes
 * the same editor position only where lines break at LF alone, so a text with a CR (a line break
 * for editors, not for glibc) is converted afresh, and so is a change of severity settings.
 */
export function convertedDiagnostics(
  analysis: Pick<Analysis, 'findings'>,
  locator: TextLocator,
  overrides: SeverityOverrides,
  documentationLink: (code: DiagnosticCode) => string,
  previous?: ConvertedDiagnostics,
): ConvertedDiagnostics {
  const reuse = previous && previous.overrides === overrides && locator.breaksAtLfOnly;
  const byFinding = reuse ? previous.byFinding : new WeakMap<Finding, EditorDiagnostic>();
  const diagnostics: EditorDiagnostic[] = [];
  let left = 0;
  for (const finding of analysis.findings) {
    const severity = effectiveSeverity(finding, overrides);
    if (severity === 'off') continue;
    if (diagnostics.length === MOST_DIAGNOSTICS_SENT) {
      left++;
      continue;
    }
    const href = documentationLink(finding.code);
    let diagnostic = byFinding.get(finding);
    if (!diagnostic || diagnostic.severity !== severity || diagnostic.codeDescription.href !== href) {
      diagnostic = {
        range: locator.rangeOf(finding),
        severity,
        code: finding.code,
        codeDescription: { href },
        source: 'gai-conf',
        message: finding.message,
      };
      if (locator.breaksAtLfOnly) byFinding.set(finding, diagnostic);
    }
    diagnostics.push(diagnostic);
  }
  const notice = left > 0 ? cappedNotice(diagnostics, left, locator, overrides, documentationLink) : undefined;
  if (notice) diagnostics.unshift(notice);
  return { diagnostics, overrides, byFinding };
}

/** Tens of thousands of diagnostics stall an editor: past the cap, one more at the top counts the rest. */
function cappedNotice(
  sent: readonly EditorDiagnostic[],
  left: number,
  locator: TextLocator,
  overrides: SeverityOverrides,
  documentationLink: (code: DiagnosticCode) => string,
): EditorDiagnostic | undefined {
  const severity = effectiveSeverity({ code: 'too-many-findings' }, overrides);
  if (severity === 'off') return undefined;
  const lastLine = sent[sent.length - 1].range.start.line + 1;
  return {
    range: locator.rangeOf({ start: 0, end: 0 }),
    severity,
    code: 'too-many-findings',
    codeDescription: { href: documentationLink('too-many-findings') },
    source: 'gai-conf',
    message: `${left.toLocaleString('en-US')} more findings after line ${lastLine} are not shown: an editor is sent the first ${MOST_DIAGNOSTICS_SENT.toLocaleString('en-US')}. Fixing or silencing those shows the next ones; \`gai-conf check\` lists them all.`,
  };
}
