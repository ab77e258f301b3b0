/**
 * SARIF 2.1.0 (OASIS), the format code scanning (GitHub, GitLab, Azure DevOps) imports: one run of
 * the gai-conf tool with every code of the catalogue as a rule, one result per finding, and the
 * findings silenced by `# gai-conf: ignore` comments as results with an in-source suppression.
 */

import { CATALOGUE, DIAGNOSTIC_CODES, DiagnosticCode, documentationAnchor, Severity } from '../../analysis/catalogue';
import { CheckedFinding, CheckReport } from './report';

type SarifLevel = 'error' | 'warning' | 'note';
const SARIF_LEVEL: Readonly<Record<Severity, SarifLevel>> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** A file name as a URI reference: relative paths stay relative (to the folder the check ran in), absolute ones become file: URIs. */
export function artifactUri(file: string): string {
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return file.startsWith('/') ? `file://${encoded}` : encoded;
}

function rule(code: DiagnosticCode, documentationBase: string) {
  const { severity, summary } = CATALOGUE[code];
  return {
    id: code,
    shortDescription: { text: summary },
    helpUri: documentationBase + documentationAnchor(code),
    defaultConfiguration: { level: SARIF_LEVEL[severity] },
  };
}

function result(finding: CheckedFinding, suppressed: boolean) {
  return {
    ruleId: finding.code,
    ruleIndex: DIAGNOSTIC_CODES.indexOf(finding.code),
    level: SARIF_LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(finding.file) },
          region: {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: finding.endLine,
            endColumn: finding.endColumn,
          },
        },
      },
    ],
    ...(suppressed ? { suppressions: [{ kind: 'inSource' }] } : {}),
  };
}

/** One run for every file checked together (the first file's glibc is every file's: one --glibc). */
export function sarifLog(reports: readonly CheckReport[]) {
  const report = reports[0];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gai-conf',
            ...(report.toolVersion ? { version: report.toolVersion, semanticVersion: report.toolVersion } : {}),
            informationUri: report.documentationBase,
            rules: DIAGNOSTIC_CODES.map((code) => rule(code, report.documentationBase)),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: reports.flatMap((r) => [
          ...r.findings.map((f) => result(f, false)),
          ...r.suppressed.map((f) => result(f, true)),
        ]),
        properties: { glibc: report.glibc },
      },
    ],
  };
}
