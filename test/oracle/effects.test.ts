/**
 * The effects model against real glibc: for every corpus file, every host profile and destination
 * pair, with each address listed first, the family glibc's getaddrinfo() returns first in a
 * network namespace set up as that host must be the one the model says (a tie: the listed order kept).
 */
import assert from 'node:assert/strict';
import { addressText } from '../../server/src/glibc/addresses';
import { FamilyChoice } from '../../server/src/analysis/effects';
import { corpus } from '../support/corpus';
import { analyze } from '../support/glibc';
import { OracleHost, OracleScenario, orderOracleUnavailable, resolveWithGlibc } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';

const unavailable = orderOracleUnavailable();

testNeeding(unavailable, 'every effects entry of every corpus file agrees with real glibc, with both DNS orders', { timeout: 900_000 }, async () => {
  const scenarios: OracleScenario[] = [];
  const expectations: { name: string; ours: FamilyChoice; ipv6: string }[] = [];
  for (const file of corpus()) {
    const analysis = analyze(file.text);
    for (const effect of analysis.effects) {
      const host: OracleHost = {
        addresses: effect.host.host.addresses.map((a) => ({ address: addressText(a.address), prefixLength: a.prefixLength })),
        ...(effect.host.host.defaultRoutes ? { defaultRoutes: effect.host.host.defaultRoutes } : {}),
      };
      expectations.push({ name: `${file.name} / ${effect.host.id} / ${effect.pair.id}`, ours: effect.file, ipv6: effect.ipv6 });
      scenarios.push({ host, config: file.text, destinations: [effect.ipv6, effect.ipv4] }, { host, config: file.text, destinations: [effect.ipv4, effect.ipv6] });
    }
  }
  const real = await resolveWithGlibc(scenarios);
  const mismatches = expectations.flatMap((expected, i) => {
    const [ipv6Listed, ipv4Listed] = [real[2 * i], real[2 * i + 1]];
    const first6 = (order: string[]) => order[0] === expected.ipv6;
    const glibc: FamilyChoice = first6(ipv6Listed) && first6(ipv4Listed) ? 'ipv6' : !first6(ipv6Listed) && !first6(ipv4Listed) ? 'ipv4' : 'dns-order';
    return glibc === expected.ours ? [] : [`${expected.name}: glibc ${glibc}, ours ${expected.ours}`];
  });
  assert.ok(expectations.length >= 40 * 36, `${expectations.length} effects`);
  assert.deepEqual(mismatches, []);
});
