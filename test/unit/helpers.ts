import { analyzeGaiConf } from '../../server/src/core/analysis';
import { GlibcVersion, parseGlibcVersion } from '../../server/src/core/glibcVersion';
import { ParsedLine, parseGaiConf } from '../../server/src/core/parser';

export const GLIBC_2_36: GlibcVersion = parseGlibcVersion('2.36')!;
export const GLIBC_2_41: GlibcVersion = parseGlibcVersion('2.41')!;

export function parse(text: string, glibc: GlibcVersion = GLIBC_2_36) {
  return parseGaiConf(text, { glibc });
}

export function analyze(text: string, glibc: GlibcVersion = GLIBC_2_36) {
  return analyzeGaiConf(text, { glibc });
}

export function codes(text: string, glibc: GlibcVersion = GLIBC_2_36): string[] {
  return analyze(text, glibc).findings.map((f) => f.code);
}

/** A compact picture of a line's fate: "row label fc00::/7 6", "ignored", "reload yes"... */
export function fateOf(line: ParsedLine): string {
  const fate = line.fate;
  switch (fate.kind) {
    case 'row': {
      const { table, bits, value } = fate.row;
      return `row ${table} /${bits} ${value}`;
    }
    case 'reload': return `reload ${fate.enabled ? 'yes' : 'no'}`;
    case 'undefined': return fate.crash ? 'crash' : 'undefined';
    default: return fate.kind;
  }
}
