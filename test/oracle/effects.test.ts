/** The at-a-glance effects, for every host profile and destination pair, against real glibc. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { addressText } from '../../server/src/glibc/addresses';
import { computeEffects, FamilyPreference } from '../../server/src/analysis/effects';
import { analyze } from '../support/glibc';
import { OracleHost, OracleScenario, orderOracleUnavailable, resolveWithGlibc } from '../support/namespaceResolver';
import { FULL_PREFER_IPV4, RFC3484_LABEL_ROWS, RFC6724_TABLE } from '../support/sampleFiles';

const CONFIGS: Record<string, string> = {
  empty: '',
  ...(existsSync('/etc/gai.conf') ? { stock: readFileSync('/etc/gai.conf', 'utf8') } : {}),
  rfc3484Labels: RFC3484_LABEL_ROWS,
  preferIpv4: FULL_PREFER_IPV4,
  oneLiner: 'precedence ::ffff:0:0/96 100\n',
  rfc6724: RFC6724_TABLE,
};

const unavailable = orderOracleUnavailable();

test('every profile x destination pair preference agrees with real glibc', { skip: unavailable ?? false, timeout: 300_000 }, async () => {
  const scenarios: OracleScenario[] = [];
  const expectations: { name: string; ours: FamilyPreference; ipv6: string }[] = [];
  for (const [name, config] of Object.entries(CONFIGS)) {
    computeEffects(analyze(config).tables).forEach((effect) => {
      const host: OracleHost = { addresses: effect.profile.host.addresses.map((a) => ({ address: addressText(a.address), prefixLength: a.prefixLength })) };
      expectations.push({ name: `${name} / ${effect.profile.id} / ${effect.pair.id}`, ours: effect.file, ipv6: effect.pair.ipv6 });
      scenarios.push({ host, config, destinations: [effect.pair.ipv6, effect.pair.ipv4] }, { host, config, destinations: [effect.pair.ipv4, effect.pair.ipv6] });
    });
  }
  const real = await resolveWithGlibc(scenarios);
  const mismatches = expectations.flatMap((expected, i) => {
    const [ipv6Listed, ipv4Listed] = [real[2 * i], real[2 * i + 1]];
    const first6 = (order: string[]) => order[0] === expected.ipv6;
    const glibc: FamilyPreference = first6(ipv6Listed) && first6(ipv4Listed) ? 'ipv6' : !first6(ipv6Listed) && !first6(ipv4Listed) ? 'ipv4' : 'original-order';
    return glibc === expected.ours ? [] : [`${expected.name}: glibc ${glibc}, ours ${expected.ours}`];
  });
  assert.ok(expectations.length >= 150, `${expectations.length} effects`);
  assert.deepEqual(mismatches, []);
});

if (unavailable) {
  test('effects oracle prerequisites', () => {
    process.stderr.write(`\n*** SKIPPED the real-glibc effects oracle: ${unavailable} ***\n\n`);
  });
}
