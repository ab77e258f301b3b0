/**
 * The presets judged by real glibc: every effects entry of every preset file (each typical host
 * and destination pair, both DNS orders) in network namespaces; and `auto`, for hosts set up as
 * typical machines and containers, chooses a file under which real glibc tries IPv6 first for a
 * dual-stacked global name wherever any preset can make it.
 */
import assert from 'node:assert/strict';

import { choosePreset } from '../../server/src/analysis/presetChoice';
import { PRESETS } from '../../server/src/analysis/reference/presets';
import { presetFile } from '../../server/src/features/tablesFile';
import { firstFamily, judgeEffects } from '../support/effectsJudge';
import { GLIBC_2_36, host } from '../support/glibc';
import { OracleScenario, orderOracleUnavailable, resolveWithGlibc } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';

const unavailable = orderOracleUnavailable();

testNeeding(
  unavailable,
  "every preset's effects agree with real glibc, with both DNS orders",
  { timeout: 600_000 },
  async () => {
    const files = PRESETS.map((preset) => ({ name: preset.id, text: presetFile(preset, GLIBC_2_36) }));
    const { mismatches, judged } = await judgeEffects(files);
    assert.ok(judged >= PRESETS.length * 36, `${judged} effects`);
    assert.deepEqual(mismatches, []);
  },
);

const GLOBAL_IPV6 = '2001:db8:1::10';
const GLOBAL_IPV4 = '198.51.100.10';

const AUTO_HOSTS: readonly {
  name: string;
  addresses: string[];
  wanted: 'prefer-ipv6' | 'glibc';
  first: 'ipv6' | 'ipv4';
}[] = [
  {
    name: 'LXD container (ULA + IPv4)',
    addresses: ['fd42::2/64', '10.0.0.2/24'],
    wanted: 'prefer-ipv6',
    first: 'ipv6',
  },
  {
    name: 'Docker container (ULA /80 + IPv4)',
    addresses: ['fd00:dead:beef::2/80', '172.17.0.2/16'],
    wanted: 'prefer-ipv6',
    first: 'ipv6',
  },
  { name: 'server with global IPv6', addresses: ['2001:db8:2::2/64', '10.0.0.2/24'], wanted: 'glibc', first: 'ipv6' },
  {
    name: 'ULA + global IPv6',
    addresses: ['fd42::2/64', '2001:db8:2::2/64', '10.0.0.2/24'],
    wanted: 'glibc',
    first: 'ipv6',
  },
  { name: 'IPv4-only', addresses: ['10.0.0.2/24'], wanted: 'glibc', first: 'ipv4' },
];

testNeeding(
  unavailable,
  'auto chooses, for each typical host, a file under which real glibc tries the family it says',
  { timeout: 300_000 },
  async () => {
    const scenarios: OracleScenario[] = [];
    const chosen = AUTO_HOSTS.map((h) => {
      const choice = choosePreset(host(...h.addresses), GLIBC_2_36);
      const oracleHost = {
        addresses: h.addresses.map((a) => ({ address: a.split('/')[0], prefixLength: Number(a.split('/')[1]) })),
      };
      const config = presetFile(choice.preset, GLIBC_2_36, choice.reason);
      // Under the chosen file, and under glibc's built-in tables for comparison.
      scenarios.push(
        { host: oracleHost, config, destinations: [GLOBAL_IPV6, GLOBAL_IPV4] },
        { host: oracleHost, config, destinations: [GLOBAL_IPV4, GLOBAL_IPV6] },
      );
      scenarios.push(
        { host: oracleHost, config: '', destinations: [GLOBAL_IPV6, GLOBAL_IPV4] },
        { host: oracleHost, config: '', destinations: [GLOBAL_IPV4, GLOBAL_IPV6] },
      );
      return choice;
    });
    const real = await resolveWithGlibc(scenarios);
    AUTO_HOSTS.forEach((h, i) => {
      assert.equal(chosen[i].preset.id, h.wanted, `${h.name}: ${chosen[i].reason}`);
      assert.equal(
        firstFamily(GLOBAL_IPV6, real[4 * i], real[4 * i + 1]),
        h.first,
        `${h.name}: real glibc under the ${h.wanted} file`,
      );
      if (h.wanted === 'prefer-ipv6')
        assert.equal(
          firstFamily(GLOBAL_IPV6, real[4 * i + 2], real[4 * i + 3]),
          'ipv4',
          `${h.name}: the built-in tables try IPv4 first, which is why auto changes them`,
        );
    });
  },
);
