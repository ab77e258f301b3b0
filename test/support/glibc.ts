import { analyzeGaiConf } from '../../server/src/analysis/analysis';
import { parseIpAddress } from '../../server/src/glibc/addresses';
import { ParsedLine, parseGaiConf } from '../../server/src/glibc/reader';
import { Host, HostAddress } from '../../server/src/glibc/sourceSelection';
import { GlibcVersion, parseGlibcVersion } from '../../server/src/glibc/versions';

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
    case 'reload':
      return `reload ${fate.enabled ? 'yes' : 'no'}`;
    case 'undefined':
      return fate.crash ? 'crash' : 'undefined';
    default:
      return fate.kind;
  }
}

/** A host from "ADDRESS/LEN[,deprecated][,home][,tunnel][,dev=NAME]" specs, as the CLI's --source reads them. */
export function host(...specs: string[]): Host {
  return {
    addresses: specs.map((spec): HostAddress => {
      const [addressPart, ...flags] = spec.split(',');
      const [address, length] = addressPart.split('/');
      return {
        address: parseIpAddress(address)!,
        prefixLength: Number(length),
        deprecated: flags.includes('deprecated'),
        homeAddress: flags.includes('home'),
        tunnel: flags.includes('tunnel'),
        interface: flags.find((f) => f.startsWith('dev='))?.slice(4),
      };
    }),
  };
}
