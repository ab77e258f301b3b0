/**
 * Quick fixes for one finding, as plain text edits that change only the text they are about.
 */

import { Analysis } from '../../analysis/analysis';
import { Finding, quoted } from '../../analysis/catalogue';
import { suggestDirective } from '../../analysis/lineChecks';
import { maskBytes, parseIpv4Bytes, parseIpv6Bytes } from '../../glibc/addresses';
import { Token } from '../../glibc/lines';
import { lineAt } from '../../glibc/reader';
import { rowPrefixText } from '../../glibc/tables';
import { deleteLine, Fix, TextEdit } from './edits';
import { tableReplacedFix, ulaFixes } from './ulaFixes';

function replaceToken(token: Token, newText: string): TextEdit {
  return { start: token.start, end: token.end, newText };
}

function readingAt(analysis: Analysis, finding: Finding) {
  return lineAt(analysis.parsed, finding.start)?.reading;
}

/** Fixes for one finding. */
export function fixesFor(analysis: Analysis, finding: Finding): Fix[] {
  const text = analysis.parsed.text;
  const reading = readingAt(analysis, finding);
  const span = text.slice(finding.start, finding.end);
  const single = (title: string, edits: TextEdit[], sure: boolean, preferred = true): Fix[] => [
    { title, codes: [finding.code], edits, preferred, sure },
  ];
  switch (finding.code) {
    case 'ula-demoted':
    case 'borrowed-address-space':
      return ulaFixes(analysis);
    case 'table-replaced': {
      const fix = tableReplacedFix(analysis, finding);
      return fix ? [fix] : [];
    }
    case 'unknown-directive': {
      const suggestion = suggestDirective(span);
      return suggestion
        ? single(
            `Change ${quoted(span, 24)} to "${suggestion}"`,
            [replaceToken({ text: span, start: finding.start, end: finding.end }, suggestion)],
            true,
          )
        : [];
    }
    case 'byte-order-mark': {
      // Every leading mark: one left behind would keep glibc from recognising the word.
      const marks = /^\uFEFF+/.exec(span)![0].length;
      return single(
        'Remove the byte order mark',
        [{ start: finding.start, end: finding.start + marks, newText: '' }],
        true,
      );
    }
    case 'ipv4-prefix': {
      const token = reading?.value1;
      const [address, bitsText = '32'] = token ? token.text.split('/') : [];
      const bits = Number(bitsText);
      if (!token || !/^\d+$/.test(bitsText) || bits > 32) return [];
      return single(
        `Write ::ffff:${address}/${bits + 96}`,
        [replaceToken(token, `::ffff:${address}/${bits + 96}`)],
        true,
      );
    }
    case 'zone-id': {
      const percent = span.indexOf('%');
      return single(
        `Remove the zone id ${quoted(span.slice(percent), 24)}`,
        [{ start: finding.start + percent, end: finding.end, newText: '' }],
        true,
      );
    }
    case 'missing-prefix-length':
    case 'scopev4-crash': {
      const token = reading?.value1;
      if (!token) return [];
      const full = reading!.directive === 'scopev4' && parseIpv4Bytes(token.text) ? 32 : 128;
      return single(`Add "/${full}"`, [{ start: token.end, end: token.end, newText: `/${full}` }], true);
    }
    case 'extra-fields':
      return [
        {
          title: 'Make the extra fields a comment',
          codes: [finding.code],
          edits: [{ start: finding.start, end: finding.start, newText: '# ' }],
          preferred: true,
          sure: true,
        },
        {
          title: 'Remove the extra fields',
          codes: [finding.code],
          edits: [{ start: reading?.value2?.end ?? finding.start, end: finding.end, newText: '' }],
          preferred: false,
          sure: false,
        },
      ];
    case 'shadowed-row': {
      const line = lineAt(analysis.parsed, finding.start);
      return line ? single('Remove this row, which is never read', [deleteLine(analysis.parsed, line)], true) : [];
    }
    case 'host-bits': {
      const fate = reading?.fate;
      const token = reading?.value1;
      if (fate?.kind !== 'row' || !token) return [];
      const address = token.text.split('/')[0];
      const canonical = rowPrefixText({
        ...fate.row,
        bytes: maskBytes(fate.row.table === 'scopev4' ? fate.row.bytes : parseIpv6Bytes(address)!, fate.row.bits),
      });
      return single(`Write the prefix as ${canonical}`, [replaceToken(token, canonical)], true);
    }
    case 'reload-value': {
      const value = reading?.value1;
      return single(
        'Write "reload no" (what glibc reads)',
        [
          value
            ? replaceToken(value, 'no')
            : { start: reading!.command.end, end: reading!.command.end, newText: ' no' },
        ],
        true,
      );
    }
    case 'reload-enabled': {
      const value = reading?.value1;
      return value ? single('Turn reloading off', [replaceToken(value, 'no')], false) : [];
    }
    case 'unusual-number': {
      const number = String(Number(BigInt.asUintN(64, BigInt(span.replace(/^\+/, '')))));
      return single(`Write ${number}`, [{ start: finding.start, end: finding.end, newText: number }], true);
    }
    default:
      return [];
  }
}
