/**
 * A sampled differential run: random small configurations and host/destination scenarios,
 * ordered by the simulator and by the real glibc getaddrinfo() in network namespaces
 * (test/oracle/namespaceResolver.ts). Small (seconds), seeded, and a different sample per seed.
 */

import assert from 'node:assert/strict';

import fc from 'fast-check';

import { parseIpAddress } from '../../server/src/glibc/addresses';
import { simulateOrder } from '../../server/src/glibc/sort';
import { Host } from '../../server/src/glibc/sourceSelection';
import { analyze } from '../support/glibc';
import { OracleHost, OracleScenario, orderOracleUnavailable, resolveWithGlibc } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';
import { validConfig } from './arbitraries';
import { FUZZ_SEED } from './budget';

const CONFIGS = Number(process.env.GAI_CONF_FUZZ_CONFIGS ?? 20);

const HOST_ADDRESSES = [
  { address: 'fd42::2', prefixLength: 64 },
  { address: '2001:db8:2::2', prefixLength: 64 },
  { address: '2002:c000:204::2', prefixLength: 48 },
  { address: '10.0.0.2', prefixLength: 24 },
  { address: '169.254.3.2', prefixLength: 16 },
];
const DESTINATIONS = [
  '2001:db8:1::10',
  '2001:db8:2::10',
  '198.51.100.10',
  '10.0.0.10',
  'fd42::10',
  'fd42:0:0:1::10',
  '2002:c633:6401::1',
  '::1',
  '127.0.0.1',
  '169.254.1.1',
  '64:ff9b::c633:640a',
  'fec0::10',
];

const host: fc.Arbitrary<OracleHost> = fc
  .subarray(HOST_ADDRESSES, { minLength: 1 })
  .map((addresses) => ({ addresses }));
const scenario: fc.Arbitrary<OracleScenario> = fc
  .tuple(validConfig, host, fc.shuffledSubarray(DESTINATIONS, { minLength: 2, maxLength: 5 }))
  .map(([config, h, destinations]) => ({ config, host: h, destinations }));

function simulatorHost(h: OracleHost): Host {
  return {
    addresses: h.addresses.map((a) => ({
      address: parseIpAddress(a.address)!,
      prefixLength: a.prefixLength,
      interface: 'd0',
    })),
  };
}

const unavailable = orderOracleUnavailable();

testNeeding(
  unavailable,
  `${CONFIGS} random configurations x 3 scenarios order as real glibc orders them`,
  { timeout: 300_000 },
  async () => {
    const configs = fc.sample(validConfig, { seed: FUZZ_SEED, numRuns: CONFIGS });
    const scenarios = configs.flatMap((config, i) =>
      fc.sample(scenario, { seed: FUZZ_SEED + i + 1, numRuns: 3 }).map((s) => ({ ...s, config })),
    );
    const real = await resolveWithGlibc(scenarios);
    assert.equal(real.length, scenarios.length);
    assert.ok(
      real.every((order, i) => order.length === scenarios[i].destinations.length),
      'glibc answered every scenario with all its destinations',
    );
    const mismatches = scenarios.flatMap((s, i) => {
      const ours = simulateOrder(analyze(s.config).tables, simulatorHost(s.host), s.destinations).order.map(
        (d) => d.text,
      );
      return JSON.stringify(ours) === JSON.stringify(real[i])
        ? []
        : [
            `config ${JSON.stringify(s.config)}\nhost ${s.host.addresses.map((a) => a.address).join(' ')}\n  glibc:     ${real[i].join(' ')}\n  simulator: ${ours.join(' ')}`,
          ];
    });
    assert.deepEqual(
      mismatches,
      [],
      `${mismatches.length} of ${scenarios.length} differ (seed ${FUZZ_SEED}):\n${mismatches.slice(0, 5).join('\n\n')}`,
    );
  },
);
