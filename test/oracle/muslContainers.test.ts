/**
 * A musl container's verdict judged by real musl: a static musl program doing getaddrinfo()
 * (test/oracle/runtimes/connect.c) runs inside bare-namespace containers, with a gai.conf that
 * would make glibc prefer IPv4 (musl never reads it). Discovery gives each container's addresses
 * and routes; judged as a musl container, the order musl's model gives (analysis/muslSort.ts) must
 * be the one real musl prints, answer for answer, and every pair's verdict must match its choice
 * in both orders of the answers.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { muslOrder } from '../../server/src/analysis/muslSort';
import { hostOfNetwork } from '../../server/src/analysis/procNet';
import { judgeContainer } from '../../server/src/features/containerVerdict';
import { addressText } from '../../server/src/glibc/addresses';
import { discoverContainers } from '../../server/src/system/containers/discovery';
import { procSource } from '../../server/src/system/containers/procSource';
import {
  BareAddress,
  choiceFrom,
  dualStackHosts,
  GLOBAL_ADDRESS,
  IPV4_ADDRESS,
  lookupInside,
  ULA_ADDRESS,
  withBareContainers,
  withLookupProgram,
} from '../support/bareContainers';
import { findExecutable } from '../support/executables';
import { orderOracleUnavailable } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';

const KINDS: [string, BareAddress[]][] = [
  ['ULA only', [ULA_ADDRESS, IPV4_ADDRESS]],
  ['ULA and global', [ULA_ADDRESS, GLOBAL_ADDRESS, IPV4_ADDRESS]],
  ['global', [GLOBAL_ADDRESS, IPV4_ADDRESS]],
];
const OWN_PAIRS = {
  dual: { ipv6: '2001:db8:1::10', ipv4: '198.51.100.10' },
  'near-ula': { ipv6: 'fd42:0:0:1::10', ipv4: '10.0.0.10' },
};
const PREFER_IPV4 = 'precedence ::ffff:0:0/96 100\n';

const scenarios = [
  ...KINDS.flatMap(([kind, addresses]) => [true, false].map((ipv6Route) => ({ kind, addresses, ipv6Route }))),
  { kind: 'IPv4 only', addresses: [IPV4_ADDRESS], ipv6Route: false },
];

const unavailable = orderOracleUnavailable() ?? (findExecutable('musl-gcc') ? null : 'musl-gcc (Debian: musl-tools)');

testNeeding(
  unavailable,
  "a musl container's order and verdict are real musl's, whatever its gai.conf says",
  { timeout: 120_000 },
  async () => {
    await withLookupProgram('musl-gcc', (musl) =>
      withBareContainers(
        scenarios.map((s) => ({
          addresses: s.addresses,
          ipv4Route: true,
          ipv6Route: s.ipv6Route,
          etc: { hosts: dualStackHosts(OWN_PAIRS), 'gai.conf': PREFER_IPV4 },
        })),
        async (started) => {
          const scan = await discoverContainers([procSource()]);
          const failures: string[] = [];
          const choices = new Set<string>();
          for (const [index, ours] of started.entries()) {
            const scenario = scenarios[index];
            const where = `${scenario.kind}, ${scenario.ipv6Route ? 'an' : 'no'} IPv6 default route`;
            const found = scan.containers.find((c) => c.pid === ours.pid);
            assert.ok(found, `${where}: found`);
            assert.equal(found.gaiConf.state === 'present' && found.gaiConf.content, PREFER_IPV4, where);
            // Its files are the host's (only /etc is its own), so it is judged as the musl container it runs the program of.
            const container = { ...found, libc: { kind: 'musl' as const, path: '/lib/ld-musl-x86_64.so.1' } };
            const verdict = judgeContainer(container);
            assert.equal(verdict.reader, 'musl', where);
            assert.ok(!verdict.ownTables, `${where}: musl's table decides`);
            const pairs: Record<string, { ipv6: string; ipv4: string }> = {
              ...OWN_PAIRS,
              ...Object.fromEntries(verdict.effects.map((e) => [e.pair, { ipv6: e.ipv6, ipv4: e.ipv4 }])),
            };
            writeFileSync(join(ours.etc, 'hosts'), dualStackHosts(pairs));
            const host = hostOfNetwork(container);
            const realChoice: Record<string, 'ipv6' | 'ipv4' | 'dns-order'> = {};
            for (const [name, pair] of Object.entries(pairs)) {
              const firsts: (4 | 6)[] = [];
              for (const [order, answers] of [
                ['v6first', [pair.ipv6, pair.ipv4]],
                ['v4first', [pair.ipv4, pair.ipv6]],
              ] as const) {
                const real = await lookupInside(ours.pid, musl, `${name}-${order}.test`);
                const model = muslOrder(host, answers).map((key) => addressText(key.destination));
                if (real.join(' ') !== model.join(' '))
                  failures.push(
                    `${where}: ${name} ${order}: musl's model gives ${model.join(' ')}, real musl ${real.join(' ')}`,
                  );
                firsts.push(real[0].includes(':') ? 6 : 4);
              }
              realChoice[name] = choiceFrom(firsts[0], firsts[1]);
            }
            for (const effect of verdict.effects) {
              if (effect.file !== realChoice[effect.pair])
                failures.push(
                  `${where}: ${effect.pair}: the verdict says ${effect.file}, real musl ${realChoice[effect.pair]}`,
                );
            }
            const globalFirst = verdict.globalFirst === 'ipv4-only' ? 'ipv4' : verdict.globalFirst;
            if (globalFirst !== realChoice.dual)
              failures.push(
                `${where}: the verdict says ${verdict.globalFirst} (${verdict.reason ?? 'no reason'}), real musl ${realChoice.dual}`,
              );
            choices.add(`${scenario.kind} ${scenario.ipv6Route}: ${realChoice.dual}`);
          }
          assert.deepEqual(failures, []);
          // gai.conf asks for IPv4 first; musl still tries global IPv6 first from a global source, and IPv4 first from a ULA only.
          assert.ok(choices.has('global true: ipv6') && choices.has('ULA only true: ipv4'), [...choices].join('\n'));
        },
      ),
    );
  },
);
