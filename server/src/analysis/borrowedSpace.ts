/**
 * Local addresses from space that is not the host's to use: a VPN or container network numbered
 * from the documentation prefixes (2001:db8::/32, 3fff::/20) so that glibc treats it as global and
 * the ULA problem goes away. glibc then prefers IPv6 from it, but the space is documentation only:
 * the honest numbering is a ULA with fc00::/7 given the global label in this file.
 */

import { addressText } from '../glibc/addresses';
import { DirectiveReading, ParsedFile, ParsedLine } from '../glibc/reader';
import { Host } from '../glibc/sourceSelection';
import { EffectiveTables, lookupRow } from '../glibc/tables';
import { Finding } from './catalogue';
import { GLOBAL_UNICAST_RANGE, rangesContaining, ULA_RANGE } from './reference/wellKnownPrefixes';
import { anchorFor } from './rows';

export function borrowedSpaceFindings(
  parsed: ParsedFile,
  commented: ReadonlyMap<ParsedLine, DirectiveReading>,
  tables: EffectiveTables,
  host: Host | undefined,
): Finding[] {
  if (!host) return [];
  const borrowed = host.addresses.flatMap((a) => {
    if (a.address.family !== 6) return [];
    const documentation = rangesContaining(a.address.bytes, 128).find((p) => p.name === 'documentation');
    return documentation ? [{ a, documentation }] : [];
  });
  if (borrowed.length === 0) return [];
  const ulaRow = lookupRow(tables.label, ULA_RANGE.bytes);
  const globalLabel = lookupRow(tables.label, GLOBAL_UNICAST_RANGE.bytes).value;
  const anchor = anchorFor(parsed, commented, ulaRow, 'label', 'fc00::/7');
  const list = borrowed
    .map(
      ({ a, documentation }) =>
        `${addressText(a.address)}/${a.prefixLength}${a.interface ? ` (${a.interface})` : ''} is in ${documentation.prefix}/${documentation.bits}, documentation space (${documentation.rfc})`,
    )
    .join('; ');
  const fixed = ulaRow.value === globalLabel;
  return [
    {
      code: 'borrowed-address-space',
      start: anchor.start,
      end: anchor.end,
      message: `${list}. Use a ULA (fd00::/8) instead, and give fc00::/7 the global label${fixed ? ': this file already does.' : ' here (quick fix).'}`,
      detail: `glibc gives documentation space the global label, so the host prefers IPv6 from it, but the space is for examples only: routed nowhere, and another network may use the same copy.${fixed ? ' This file already gives fc00::/7 the global label, so ULA hosts prefer IPv6 too.' : ' With fc00::/7 given the global label here, ULA hosts prefer IPv6 as well.'}`,
    },
  ];
}
