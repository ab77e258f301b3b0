/**
 * The effective policy tables side by side with glibc's built-in tables and RFC 6724's, row by
 * row, for the "Show Effective Policy Table" view: which rows this file put in effect, which
 * built-in rows it dropped, and where it departs from glibc and from the RFC.
 */

import { RFC6724_IPV4_SCOPES, RFC6724_POLICY } from '../analysis/reference/rfcTables';
import { rowOriginText } from '../analysis/rows';
import { ipv4ToMapped, parseIpv4Bytes, parseIpv6Bytes } from '../glibc/addresses';
import { TableKind } from '../glibc/builtinTables';
import { builtinRows, deadBehind, EffectiveTables, rowPrefixText } from '../glibc/tables';
import { glibcVersionText } from '../glibc/versions';

export interface PolicyRow {
  /** "fc00::/7", "169.254.0.0/16". */
  readonly prefix: string;
  /** The value glibc holds for this buffer; absent for a row that is not in effect. */
  readonly effective?: number;
  /** "line 12", "built-in" or "implicit catch-all"; absent for a row not in effect. */
  readonly origin?: string;
  /** glibc's built-in value for exactly this prefix, if its table has it. */
  readonly builtin?: number;
  /** RFC 6724's value for exactly this prefix, if its table has it. */
  readonly rfc6724?: number;
  /** The effective value differs from the built-in one, or one of the two lacks the row. */
  readonly differsFromBuiltin: boolean;
  readonly differsFromRfc6724: boolean;
  /** In the table, but after a row that every lookup stops at (an earlier row of this prefix, or the first catch-all). */
  readonly neverReached: boolean;
}

export interface PolicyTable {
  readonly kind: TableKind;
  readonly source: 'builtin' | 'file';
  /** Effective rows in glibc's lookup order, then rows only the other tables have. */
  readonly rows: readonly PolicyRow[];
}

export interface PolicyTables {
  readonly glibc: string;
  readonly tables: readonly PolicyTable[];
  readonly reload: boolean;
  /** The 1-based line that makes glibc crash before any table matters. */
  readonly crashLine?: number;
}

function rfc6724Values(kind: TableKind): Map<string, number> {
  if (kind === 'scopev4') {
    return new Map(
      RFC6724_IPV4_SCOPES.map((e) => [
        rowPrefixText({ table: 'scopev4', bytes: ipv4ToMapped(parseIpv4Bytes(e.network)!), bits: e.bits + 96 }),
        e.value,
      ]),
    );
  }
  return new Map(
    RFC6724_POLICY.map((e) => [
      rowPrefixText({ table: kind, bytes: parseIpv6Bytes(e.prefix)!, bits: e.bits }),
      kind === 'label' ? e.label : e.precedence,
    ]),
  );
}

function policyTable(tables: EffectiveTables, kind: TableKind): PolicyTable {
  const builtin = new Map(builtinRows(kind).map((row) => [rowPrefixText(row), row.value]));
  const rfc = rfc6724Values(kind);
  const effective = tables[kind];
  const seen = new Set<string>();
  const rows: PolicyRow[] = [];
  for (const row of effective.rows) {
    const prefix = rowPrefixText(row);
    // A row after the first catch-all, or after a row of the same prefix, is never reached by a
    // lookup; show it, but compare the first.
    const stop = deadBehind(effective, row);
    const why = stop
      ? `never reached: lookups stop at the catch-all ${rowPrefixText(stop)} (${rowOriginText(stop)})`
      : seen.has(prefix)
        ? 'never reached: an earlier row has this prefix'
        : undefined;
    seen.add(prefix);
    rows.push({
      prefix,
      effective: row.value,
      origin: why ? `${rowOriginText(row)} (${why})` : rowOriginText(row),
      builtin: builtin.get(prefix),
      rfc6724: rfc.get(prefix),
      differsFromBuiltin: !why && builtin.get(prefix) !== row.value,
      differsFromRfc6724: !why && rfc.get(prefix) !== row.value,
      neverReached: why !== undefined,
    });
  }
  const missing = [...new Set([...builtin.keys(), ...rfc.keys()])].filter((prefix) => !seen.has(prefix));
  for (const prefix of missing) {
    rows.push({
      prefix,
      builtin: builtin.get(prefix),
      rfc6724: rfc.get(prefix),
      differsFromBuiltin: builtin.has(prefix),
      differsFromRfc6724: rfc.has(prefix),
      neverReached: false,
    });
  }
  return { kind, source: effective.source, rows };
}

export function policyTables(tables: EffectiveTables): PolicyTables {
  return {
    glibc: glibcVersionText(tables.glibc),
    tables: (['label', 'precedence', 'scopev4'] as const).map((kind) => policyTable(tables, kind)),
    reload: tables.reload,
    ...(tables.crash ? { crashLine: tables.crash.index + 1 } : {}),
  };
}
