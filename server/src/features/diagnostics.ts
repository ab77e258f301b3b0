/**
 * Findings as editor diagnostics: positions, the configured severity per code (or none when the
 * user turned a code off), and the documentation link. Plain data; the server turns the severity
 * into LSP's number.
 */

import { Analysis } from '../analysis/analysis';
import { DiagnosticCode, Finding, Severity, isDiagnosticCode, severityOf } from '../analysis/catalogue';
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
export function effectiveSeverity(finding: Finding, overrides: SeverityOverrides): SeveritySetting {
  const override = overrides[finding.code];
  return override === 'error' || override === 'warning' || override === 'information' || override === 'hint' || override === 'off'
    ? override
    : severityOf(finding);
}

/** Names in a severity setting that are not codes, so that a typo in settings can be reported. */
export function unknownCodes(overrides: SeverityOverrides): string[] {
  return Object.keys(overrides).filter((key) => !isDiagnosticCode(key));
}

export function editorDiagnostics(analysis: Analysis, locator: TextLocator, overrides: SeverityOverrides, documentationLink: (code: DiagnosticCode) => string): EditorDiagnostic[] {
  const diagnostics: EditorDiagnostic[] = [];
  for (const finding of analysis.findings) {
    const severity = effectiveSeverity(finding, overrides);
    if (severity === 'off') continue;
    diagnostics.push({
      range: locator.rangeOf(finding),
      severity,
      code: finding.code,
      codeDescription: { href: documentationLink(finding.code) },
      source: 'gai-conf',
      message: finding.message,
    });
  }
  return diagnostics;
}
