/**
 * The simulator against real glibc: hundreds of scenarios (gai.conf x host addresses x
 * destinations) resolved by getaddrinfo() in network namespaces, compared one by one.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

import { parseIpAddress } from '../../server/src/glibc/addresses';
import { RuleNumber, simulateOrder } from '../../server/src/glibc/sort';
import { Host } from '../../server/src/glibc/sourceSelection';
import { parseGlibcVersion } from '../../server/src/glibc/versions';
import { seededRandom } from '../support/generate';
import { analyze, GLIBC_2_36 } from '../support/glibc';
import { installedGlibcs, judgingGlibcs } from '../support/glibcVersions';
import { OracleHost, OracleScenario, orderOracleUnavailable, resolveWithGlibc } from '../support/namespaceResolver';
import { testNeeding, testPrerequisite } from '../support/prerequisites';
import { FULL_PREFER_IPV4, RFC3484_LABEL_ROWS, RFC6724_TABLE } from '../support/sampleFiles';

const HOSTS: Record<string, OracleHost> = {
  ula: {
    addresses: [
      { address: 'fd42::2', prefixLength: 64 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
  },
  global: {
    addresses: [
      { address: '2001:db8:2::2', prefixLength: 64 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
  },
  ulaAndGlobal: {
    addresses: [
      { address: 'fd42::2', prefixLength: 64 },
      { address: '2001:db8:2::2', prefixLength: 64 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
  },
  ipv4Only: { addresses: [{ address: '10.0.0.2', prefixLength: 24 }] },
  ipv6Only: { addresses: [{ address: '2001:db8:2::2', prefixLength: 64 }] },
  deprecatedGlobal: {
    addresses: [
      { address: '2001:db8:2::2', prefixLength: 64, deprecated: true },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
  },
  deprecatedBesideUla: {
    addresses: [
      { address: '2001:db8:2::2', prefixLength: 64, deprecated: true },
      { address: 'fd42::2', prefixLength: 64 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
  },
  homeAddress: {
    addresses: [
      { address: '2001:db8:a::2', prefixLength: 64, homeAddress: true },
      { address: '2001:db8:b::2', prefixLength: 64, interface: 'd2' },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
  },
  linkLocalOnly: {
    addresses: [
      { address: 'fe80::2', prefixLength: 64 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
    defaultRoutes: { ipv4: true, ipv6: true },
  },
  ipv4WithIpv6Route: {
    addresses: [{ address: '10.0.0.2', prefixLength: 24 }],
    defaultRoutes: { ipv4: true, ipv6: true },
  },
  noDefaultRoutes: {
    addresses: [
      { address: 'fd42::2', prefixLength: 64 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
    defaultRoutes: { ipv4: false, ipv6: false },
  },
  sixToFour: {
    addresses: [
      { address: '2002:c000:204::2', prefixLength: 48 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
  },
  siteLocal: {
    addresses: [
      { address: 'fec0::2', prefixLength: 64 },
      { address: '192.168.1.2', prefixLength: 24 },
    ],
  },
  twoIpv4: {
    addresses: [
      { address: '192.168.1.2', prefixLength: 24 },
      { address: '169.254.3.2', prefixLength: 16 },
      { address: 'fd00:1::2', prefixLength: 48 },
    ],
  },
};

/**
 * Rule 9 for IPv4 needs the source's prefix length, which glibc knows only on a host with a
 * non-loopback IPv6 address: the same IPv4 host without one, with only a link-local one, with a
 * ULA and with a global one, each asked for destinations inside and outside its subnet.
 */
const RULE_9_HOSTS: OracleHost[] = [
  { addresses: [{ address: '10.0.0.2', prefixLength: 24 }] },
  {
    addresses: [
      { address: '10.0.0.2', prefixLength: 24 },
      { address: '10.1.0.2', prefixLength: 16, interface: 'd2' },
    ],
  },
  {
    addresses: [
      { address: '10.0.0.2', prefixLength: 24 },
      { address: 'fe80::2', prefixLength: 64 },
    ],
    defaultRoutes: { ipv4: true, ipv6: false },
  },
  {
    addresses: [
      { address: '10.0.0.2', prefixLength: 24 },
      { address: 'fd42::2', prefixLength: 64 },
    ],
  },
  {
    addresses: [
      { address: '10.0.0.2', prefixLength: 24 },
      { address: '2001:db8:2::2', prefixLength: 64 },
    ],
  },
];
const RULE_9_DESTINATIONS = [
  ['192.0.2.77', '10.9.9.9', '10.0.0.99'],
  ['10.9.9.9', '10.0.0.99'],
  ['198.51.100.10', '10.1.2.3', '10.0.0.7', '192.0.2.1'],
  ['10.1.2.3', '10.0.0.7'],
];

const stock = existsSync('/etc/gai.conf') ? readFileSync('/etc/gai.conf', 'utf8') : undefined;
const CONFIGS: Record<string, string> = {
  empty: '',
  ...(stock !== undefined ? { stock } : {}),
  rfc3484Labels: RFC3484_LABEL_ROWS,
  ulaGlobalLabel:
    'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10 5\nlabel fc00::/7 1\nlabel 2001::/32 7\n',
  preferIpv4: FULL_PREFER_IPV4,
  oneLiner: 'precedence ::ffff:0:0/96 100\n',
  rfc6724: RFC6724_TABLE,
  scopes: 'scopev4 10.0.0.0/8 5\nscopev4 ::ffff:169.254.0.0/112 2\nscopev4 192.168.0.0/16 5\n',
  quirks:
    'label fd00::/7 1 extra\nlabel fc00::/7 9\nprecedence ::1/128 50\nprecedence ::/0 40\nprecedence fd00::/8 45\nprecedence ::ffff:0:0/96 10\nLabel ::/0 3\nlabel 2001:db8:1::/48#comment 11\n',
};

const DESTINATIONS = [
  '2001:db8:1::10',
  '2001:db8:2::10',
  '2001:db8:2:0:ffff::1',
  '198.51.100.10',
  '10.0.0.10',
  '10.0.1.10',
  'fd42::10',
  'fd42:0:0:1::10',
  'fd00:1::10',
  '2002:c000:204::10',
  '2002:c633:6401::1',
  '2001:0:4136:e378::1',
  '64:ff9b::c633:640a',
  '::1',
  '127.0.0.1',
  '169.254.1.1',
  '169.254.3.9',
  'fec0::10',
  '::ffff:198.51.100.20',
  'fe80::5',
  '2001:db8:a::10',
  '2001:db8:b::10',
  '192.168.1.10',
];
// No multicast destination here: these hosts' veth peers are up too, each with an ff00::/8 route,
// and which one the kernel takes decides whether ff05::1 gets a source. kernelSources.test.ts
// judges multicast on hosts whose only interface up carries the addresses.

function scenarios(): OracleScenario[] {
  const random = seededRandom(20261126);
  const list: OracleScenario[] = [];
  for (const host of Object.values(HOSTS)) {
    for (const config of Object.values(CONFIGS)) {
      for (let k = 0; k < 3; k++) {
        const count = 2 + Math.floor(random() * 4);
        const pool = [...DESTINATIONS];
        const destinations: string[] = [];
        while (destinations.length < count) destinations.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
        list.push({ host, config, destinations });
      }
    }
  }
  for (const host of RULE_9_HOSTS) {
    for (const destinations of RULE_9_DESTINATIONS)
      list.push({ host, config: '', destinations }, { host, config: FULL_PREFER_IPV4, destinations });
  }
  return list;
}

function simulatorHost(host: OracleHost): Host {
  return {
    addresses: host.addresses.map((a) => ({
      address: parseIpAddress(a.address)!,
      prefixLength: a.prefixLength,
      deprecated: a.deprecated,
      homeAddress: a.homeAddress,
      interface: a.interface ?? 'd0',
    })),
    defaultRoutes: host.defaultRoutes,
  };
}

const unavailable = orderOracleUnavailable();
const { missing } = installedGlibcs();
const list = scenarios();

for (const glibc of judgingGlibcs()) {
  const which =
    glibc === undefined
      ? "this machine's glibc"
      : `glibc ${glibc.version} (${glibc.suite === 'system' ? "this machine's" : `Debian ${glibc.suite}`}, ${glibc.debianVersion})`;
  testNeeding(
    unavailable,
    `address order agrees with real getaddrinfo() of ${which} in network namespaces`,
    { timeout: 300_000 },
    async () => {
      assert.ok(list.length >= 300, `${list.length} scenarios`);
      // The quirks config holds an empty value, which the two parser generations read differently.
      const modelled = glibc === undefined ? GLIBC_2_36 : parseGlibcVersion(glibc.version)!;
      const started = Date.now();
      const real = await resolveWithGlibc(list, glibc);
      process.stderr.write(
        `order oracle, ${which}: ${list.length} scenarios in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      const decidingRules = new Set<RuleNumber>();
      const mismatches: string[] = [];
      list.forEach((scenario, i) => {
        const simulated = simulateOrder(
          analyze(scenario.config, modelled).tables,
          simulatorHost(scenario.host),
          scenario.destinations,
        );
        for (const d of simulated.decisions) decidingRules.add(d.rule);
        const ours = simulated.order.map((d) => d.text);
        if (JSON.stringify(ours) !== JSON.stringify(real[i])) {
          mismatches.push(
            `host ${JSON.stringify(scenario.host)}\nconfig ${JSON.stringify(scenario.config.slice(0, 120))}\ndestinations ${scenario.destinations.join(' ')}\n  glibc:     ${real[i].join(' ')}\n  simulator: ${ours.join(' ')}`,
          );
        }
      });
      assert.deepEqual(
        mismatches,
        [],
        `${mismatches.length} of ${list.length} scenarios differ:\n${mismatches.slice(0, 8).join('\n\n')}`,
      );
      // Rule 7 needs a tunnel interface, which this kernel does not offer (no sit, ipip, ip6tnl).
      const expected: RuleNumber[] = [1, 2, 3, 4, 5, 6, 8, 9, 10];
      assert.deepEqual(
        expected.filter((r) => !decidingRules.has(r)),
        [],
        'every rule but 7 decides at least once',
      );
    },
  );
}

testPrerequisite('order oracle: every judging glibc', unavailable ? null : missing);
