/**
 * The kernel's part of glibc's order, judged by the real kernel and real glibc in network
 * namespaces: a custom address label (`ip addrlabel add`) that moves the IPv6 source, read by
 * `gai-conf order` run inside the namespace as on a live machine; and multicast destinations
 * wider than link scope, which get a source on a host whose only interface carries its addresses.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { parseIpAddress } from '../../server/src/glibc/addresses';
import { simulateOrder } from '../../server/src/glibc/sort';
import { Host } from '../../server/src/glibc/sourceSelection';
import { analyze, GLIBC_2_36 } from '../support/glibc';
import {
  OracleHost,
  OracleScenario,
  orderOracleUnavailable,
  resolveWithGlibc,
  withOracleNamespace,
} from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';
import { repoRoot } from '../support/repository';
import { FULL_PREFER_IPV4, RFC3484_LABEL_ROWS } from '../support/sampleFiles';

const CLI = join(repoRoot(), 'dist', 'cli.js');
const unavailable = orderOracleUnavailable();

const LOOKUP =
  'import socket,sys\nprint(" ".join(a[4][0] for a in socket.getaddrinfo(sys.argv[1],None,socket.AF_UNSPEC,socket.SOCK_STREAM)))';
const IPV6 = '2001:db8:9::1';
const IPV4 = '198.51.100.1';

interface OrderJson {
  readonly order: string[];
  readonly destinations: { destination: string; source: string | null; sourceWithDefaultLabels: string | null }[];
}

/** `gai-conf order` inside the namespace (this machine: its addresses and kernel labels), and real glibc's order for both listings. */
async function liveOrder(host: OracleHost): Promise<{ ours: OrderJson[]; text: string; glibc: string[][] }> {
  return withOracleNamespace(host, async (ns) => {
    ns.writeEtc('gai.conf', '');
    ns.writeEtc(
      'hosts',
      `${IPV6} six-first.test\n${IPV4} six-first.test\n${IPV4} four-first.test\n${IPV6} four-first.test\n`,
    );
    const ours: OrderJson[] = [];
    const glibc: string[][] = [];
    for (const [name, listed] of [
      ['six-first.test', [IPV6, IPV4]],
      ['four-first.test', [IPV4, IPV6]],
    ] as const) {
      ours.push(
        JSON.parse(
          (
            await ns.exec(process.execPath, [
              CLI,
              'order',
              '--config',
              '/etc/gai.conf',
              '--glibc',
              '2.36',
              '--json',
              ...listed,
            ])
          ).stdout,
        ) as OrderJson,
      );
      glibc.push((await ns.exec('python3', ['-I', '-S', '-c', LOOKUP, name])).stdout.trim().split(' '));
    }
    const text = (
      await ns.exec(process.execPath, [CLI, 'order', '--config', '/etc/gai.conf', '--glibc', '2.36', IPV6, IPV4])
    ).stdout;
    return { ours, text, glibc };
  });
}

const DUAL_SOURCES: OracleHost['addresses'] = [
  { address: '2001:db8:3::1', prefixLength: 64 },
  { address: 'fd42::5', prefixLength: 64 },
  { address: '10.0.0.2', prefixLength: 24 },
];

testNeeding(
  unavailable,
  "a custom kernel address label moves the source, and real glibc's order with it; order on the live machine follows",
  { timeout: 120_000 },
  async () => {
    const plain = await liveOrder({ addresses: DUAL_SOURCES });
    assert.deepEqual(
      plain.glibc,
      [
        [IPV6, IPV4],
        [IPV6, IPV4],
      ],
      "with Linux's default labels the global source matches: IPv6 first",
    );
    assert.deepEqual(
      plain.ours.map((o) => o.order),
      plain.glibc,
    );
    assert.equal(plain.ours[0].destinations.find((d) => d.destination === IPV6)!.source, '2001:db8:3::1');
    assert.equal(plain.ours[0].destinations.find((d) => d.destination === IPV6)!.sourceWithDefaultLabels, null);

    const labelled = await liveOrder({ addresses: DUAL_SOURCES, addressLabels: ['prefix 2001:db8:9::/48 label 5'] });
    assert.deepEqual(
      labelled.glibc,
      [
        [IPV4, IPV6],
        [IPV4, IPV6],
      ],
      'the label gives the destination the ULA source, whose glibc label loses to IPv4',
    );
    assert.deepEqual(
      labelled.ours.map((o) => o.order),
      labelled.glibc,
    );
    const destination = labelled.ours[0].destinations.find((d) => d.destination === IPV6)!;
    assert.equal(destination.source, 'fd42::5');
    assert.equal(destination.sourceWithDefaultLabels, '2001:db8:3::1');
    assert.match(labelled.text, /Kernel address labels: this machine's differ from Linux's defaults/);
    assert.match(labelled.text, /with Linux's default labels it would be 2001:db8:3::1/);
  },
);

function simulatorHost(host: OracleHost): Host {
  return {
    addresses: host.addresses.map((a) => ({
      address: parseIpAddress(a.address)!,
      prefixLength: a.prefixLength,
      interface: 'd0',
    })),
  };
}

const ONE_INTERFACE: OracleHost[] = [
  {
    addresses: [
      { address: '2001:db8:3::1', prefixLength: 64 },
      { address: '198.51.100.117', prefixLength: 24 },
    ],
    peersDown: true,
  },
  {
    addresses: [
      { address: 'fd42::5', prefixLength: 64 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
    peersDown: true,
  },
  {
    addresses: [
      { address: '2001:db8:3::1', prefixLength: 64 },
      { address: 'fd42::5', prefixLength: 64 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
    peersDown: true,
  },
  {
    addresses: [
      { address: 'fd42::5', prefixLength: 64 },
      { address: '2001:db8:3::1', prefixLength: 64 },
      { address: '10.0.0.2', prefixLength: 24 },
    ],
    peersDown: true,
  },
  { addresses: [{ address: '198.51.100.117', prefixLength: 24 }], peersDown: true },
];
const MULTICAST_LISTS = [
  ['198.51.100.1', 'ff0e::1'],
  ['ff0e::1', '198.51.100.1'],
  ['ff05::1', '198.51.100.1'],
  ['ff0e::fd42:1', '2001:db8:1::10', '10.0.0.9'],
  ['ff08::2', 'fd42:1::10', '198.51.100.1'],
  ['ff0e::1', 'ff02::1', '::1'],
];

testNeeding(
  unavailable,
  'multicast destinations wider than link scope: sources and order as the real kernel and glibc give them on a one-interface host',
  { timeout: 300_000 },
  async () => {
    const scenarios: OracleScenario[] = ONE_INTERFACE.flatMap((host) =>
      ['', FULL_PREFER_IPV4, RFC3484_LABEL_ROWS].flatMap((config) =>
        MULTICAST_LISTS.map((destinations) => ({ host, config, destinations })),
      ),
    );
    const real = await resolveWithGlibc(scenarios);
    const mismatches = scenarios.flatMap((s, i) => {
      const ours = simulateOrder(analyze(s.config, GLIBC_2_36).tables, simulatorHost(s.host), s.destinations).order.map(
        (d) => d.text,
      );
      return JSON.stringify(ours) === JSON.stringify(real[i])
        ? []
        : [
            `${JSON.stringify(s.host.addresses.map((a) => a.address))} ${JSON.stringify(s.config.slice(0, 40))} ${s.destinations.join(' ')}\n  glibc: ${real[i].join(' ')}\n  ours:  ${ours.join(' ')}`,
          ];
    });
    assert.deepEqual(mismatches, [], mismatches.join('\n'));
    // The case from the issue: glibc puts ff0e::1 first, which the earlier model (multicast unusable) got wrong.
    assert.deepEqual(real[1], ['ff0e::1', '198.51.100.1']);
  },
);
