/**
 * Container discovery and verdicts judged by real glibc inside real namespaces. Each scenario is a
 * bare-namespace "container" this test starts (`unshare --mount --net --pid --fork`), with its own
 * /etc (a temporary folder bind-mounted over /etc inside the namespace only), its own addresses and
 * routes. One /proc scan (and the CLI, `gai-conf containers --json`) finds them (others on the machine are left alone: ours are picked by
 * PID); each verdict must match what real glibc run inside the container (nsenter -m -n: its
 * gai.conf, its addresses) does with a dual-stacked name in both orders of the answers, for the
 * global pair the scenario sets and for every destination pair the verdict judges, with the
 * verdict's own destinations. The judge is getaddrinfo() with flags 0, as most programs call it
 * (`getent ahosts` adds AI_ADDRCONFIG, which drops ::1 on a host without other IPv6).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { applyEdits } from '../../server/src/features/codeActions/edits';
import { fixesFor } from '../../server/src/features/codeActions/quickFixes';
import { judgeContainer } from '../../server/src/features/containerVerdict';
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
import { analyze } from '../support/glibc';
import { orderOracleUnavailable } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';

const STOCK_PATH = '/etc/gai.conf';
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

/** typo and ula-row-only: broken files as people write them (glibc ignores a capitalised keyword; one label row replaces the whole table). */
type FileKind = 'stock' | 'ula-fix' | 'prefer-ipv4' | 'none' | 'typo' | 'ula-row-only';
interface Scenario {
  kind: string;
  addresses: BareAddress[];
  ipv6Route: boolean;
  file: FileKind;
}

const KINDS: Record<string, BareAddress[]> = {
  'ULA only': [ULA_ADDRESS, IPV4_ADDRESS],
  'ULA and global': [ULA_ADDRESS, GLOBAL_ADDRESS, IPV4_ADDRESS],
  global: [GLOBAL_ADDRESS, IPV4_ADDRESS],
  'IPv4 only': [IPV4_ADDRESS],
  'IPv6 only': [GLOBAL_ADDRESS],
};

function scenarios(): Scenario[] {
  const all: Scenario[] = [];
  for (const kind of ['ULA only', 'ULA and global', 'global']) {
    for (const file of ['stock', 'ula-fix', 'prefer-ipv4', 'none'] as const)
      all.push({ kind, addresses: KINDS[kind], ipv6Route: true, file });
    for (const file of ['stock', 'ula-fix'] as const)
      all.push({ kind, addresses: KINDS[kind], ipv6Route: false, file });
  }
  for (const kind of ['ULA only', 'global'])
    for (const file of ['typo', 'ula-row-only'] as const)
      all.push({ kind, addresses: KINDS[kind], ipv6Route: true, file });
  for (const file of ['stock', 'prefer-ipv4'] as const)
    all.push({ kind: 'IPv6 only', addresses: KINDS['IPv6 only'], ipv6Route: true, file });
  for (const file of ['stock', 'prefer-ipv4'] as const)
    all.push({ kind: 'IPv4 only', addresses: KINDS['IPv4 only'], ipv6Route: false, file });
  return all;
}

function fileText(kind: FileKind, stock: string): string | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'stock':
      return stock;
    case 'typo':
      return 'Precedence ::ffff:0:0/96 100\n';
    case 'ula-row-only':
      return 'label fc00::/7 1\n';
    case 'prefer-ipv4':
      return `${stock}${stock.endsWith('\n') ? '' : '\n'}precedence ::ffff:0:0/96 100\n`;
    case 'ula-fix': {
      // What the editor's quick fix writes: glibc's label rows with fc00::/7 given the global label.
      const analysis = analyze(stock);
      const finding = analysis.findings.find((f) => f.code === 'ula-demoted');
      assert.ok(finding, 'the stock file has the ula-demoted finding');
      const fix = fixesFor(analysis, finding).find((f) => f.title.includes('fc00::/7 the global label 1'));
      assert.ok(fix, "the quick fix that keeps glibc's labels is offered for the stock file");
      return applyEdits(stock, fix.edits);
    }
  }
}

/** What real glibc inside (the lookup program) tries first for the pair named `name` in the container's hosts file. */
async function glibcChoice(program: string, pid: number, name: string): Promise<'ipv6' | 'ipv4' | 'dns-order'> {
  const family = async (order: string) =>
    (await lookupInside(pid, program, `${name}-${order}.test`))[0].includes(':') ? 6 : 4;
  return choiceFrom(await family('v6first'), await family('v4first'));
}

function describe(s: Scenario): string {
  return `${s.kind}, ${s.ipv6Route ? 'an' : 'no'} IPv6 default route, ${s.file} file`;
}

const unavailable = orderOracleUnavailable();
const GLOBAL_PAIR = { ipv6: '2001:db8:1::10', ipv4: '198.51.100.10' };

testNeeding(
  unavailable,
  'every bare-namespace container is found with its addresses and routes, and judged as its glibc orders',
  { timeout: 120_000 },
  async () => {
    const stock = readFileSync(STOCK_PATH, 'utf8');
    const all = scenarios();
    await withLookupProgram('gcc', (glibc) =>
      withBareContainers(
        all.map((scenario) => {
          const text = fileText(scenario.file, stock);
          // Without `multi on` glibc's files backend returns only the first line of a name.
          const etc = {
            hosts: dualStackHosts({ dual: GLOBAL_PAIR }),
            'host.conf': 'multi on\n',
            'nsswitch.conf': 'hosts: files\n',
            ...(text === undefined ? {} : { 'gai.conf': text }),
          };
          return {
            addresses: scenario.addresses,
            ipv4Route: scenario.addresses.some((a) => a.family === 4),
            ipv6Route: scenario.ipv6Route,
            etc,
          };
        }),
        async (started) => {
          const scan = await discoverContainers([procSource()]);
          const failures: string[] = [];
          const seen = new Set<string>();
          const verdicts = new Map<number, ReturnType<typeof judgeContainer>>();
          for (const [index, ours] of started.entries()) {
            const scenario = all[index];
            const where = describe(scenario);
            const container = scan.containers.find((c) => c.pid === ours.pid);
            if (!container) {
              failures.push(`${where}: not found (PID ${ours.pid})`);
              continue;
            }
            assert.equal(container.runtime, 'namespace', where);
            const addresses = container.addresses
              .map((a) => `${a.family} ${a.address}/${a.prefixLength} ${a.interface}`)
              .sort();
            assert.deepEqual(
              addresses,
              scenario.addresses.map((a) => `${a.family} ${a.address}/${a.prefixLength} d0`).sort(),
              `${where}: addresses`,
            );
            assert.deepEqual(
              container.routes,
              { ipv4: scenario.addresses.some((a) => a.family === 4), ipv6: scenario.ipv6Route },
              `${where}: default routes`,
            );
            const expectedText = fileText(scenario.file, stock);
            if (expectedText === undefined) assert.equal(container.gaiConf.state, 'absent', where);
            else
              assert.ok(
                container.gaiConf.state === 'present' && container.gaiConf.content === expectedText,
                `${where}: the container's own gai.conf is read`,
              );
            assert.equal(container.libc.kind, 'glibc', where);
            const verdict = judgeContainer(container);
            verdicts.set(ours.pid, verdict);
            // The reasons that group containers in the summary.
            if (
              scenario.kind === 'ULA only' &&
              scenario.ipv6Route &&
              (scenario.file === 'stock' || scenario.file === 'none')
            )
              assert.equal(verdict.reason, "a ULA only and glibc's built-in label table", where);
            if (!scenario.ipv6Route && verdict.globalFirst === 'ipv4')
              assert.equal(verdict.reason, 'no IPv6 default route', where);
            if (scenario.file === 'prefer-ipv4' && scenario.kind === 'global')
              assert.equal(verdict.reason, 'a gai.conf that gives IPv4 the higher precedence', where);
            if (scenario.file === 'typo' || scenario.file === 'ula-row-only')
              assert.ok(verdict.findings.length > 0, `${where}: the broken file has findings`);
            // Every pair the verdict judges, with the verdict's own destinations, goes into the container's hosts file.
            writeFileSync(
              join(ours.etc, 'hosts'),
              dualStackHosts({
                dual: GLOBAL_PAIR,
                ...Object.fromEntries(verdict.effects.map((e) => [e.pair, { ipv6: e.ipv6, ipv4: e.ipv4 }])),
              }),
            );
            const model =
              verdict.globalFirst === 'ipv4-only'
                ? 'ipv4'
                : verdict.globalFirst === 'ipv6-only'
                  ? 'ipv6'
                  : verdict.globalFirst;
            const real = await glibcChoice(glibc, ours.pid, 'dual');
            seen.add(`${scenario.kind} ${scenario.file} ${scenario.ipv6Route}: ${real}`);
            if (model !== real)
              failures.push(
                `${where}: the verdict says ${verdict.globalFirst} (${verdict.reason ?? 'no reason'}), real glibc inside says ${real}`,
              );
            for (const effect of verdict.effects) {
              const pairReal = await glibcChoice(glibc, ours.pid, effect.pair);
              if (effect.file !== pairReal)
                failures.push(
                  `${where}: ${effect.pair} (${effect.ipv6} vs ${effect.ipv4}): the verdict says ${effect.file}, real glibc inside says ${pairReal}`,
                );
            }
          }
          assert.deepEqual(failures, []);
          // The CLI reports the same containers, addresses, routes and verdicts (JSON as documented).
          const containersCli = (...args: string[]) =>
            spawnSync(process.execPath, [CLI, 'containers', ...args], {
              encoding: 'utf8',
              maxBuffer: 64 * 1024 * 1024,
            });
          const cli = containersCli('--json', '--fail-on', 'none');
          assert.equal(cli.status, 0, cli.stderr);
          // As `check`: a warning (the stock file in a ULA container) fails by default.
          assert.equal(containersCli('--json').status, 1);
          const report = JSON.parse(cli.stdout) as {
            containers: {
              pid: number;
              name: string;
              findings: { code: string; message: string }[];
              runtime: string;
              addresses: unknown;
              routes: unknown;
              effects: { host: string }[];
              globalFirst: string;
            }[];
          };
          const namedUlaContainers: (typeof report.containers)[number][] = [];
          for (const [index, ours] of started.entries()) {
            const where = describe(all[index]);
            const listed = report.containers.find((c) => c.pid === ours.pid);
            assert.ok(listed, `${where}: listed by gai-conf containers --json`);
            const found = scan.containers.find((c) => c.pid === ours.pid)!;
            assert.deepEqual(
              [listed.runtime, listed.addresses, listed.routes],
              [found.runtime, found.addresses, found.routes],
              where,
            );
            assert.deepEqual(listed.effects, verdicts.get(ours.pid)!.effects, where);
            assert.ok(
              listed.effects.every((e) => e.host === 'this-machine'),
              where,
            );
            assert.equal(listed.globalFirst, verdicts.get(ours.pid)!.globalFirst, where);
            if (where === 'ULA only, an IPv6 default route, stock file') namedUlaContainers.push(listed);
          }
          // A finding about a container names it, in the JSON and under its line in the text.
          assert.ok(namedUlaContainers.length > 0, 'a ULA-only container with the stock file was listed');
          const text = containersCli('--fail-on', 'none').stdout;
          for (const listed of namedUlaContainers) {
            const ula = listed.findings.find((f) => f.code === 'ula-demoted');
            assert.match(ula?.message ?? '', new RegExp(`^Container ${listed.name} has only ULA IPv6 addresses \\(`));
            assert.ok(text.includes(`warning [ula-demoted] Container ${listed.name} has only ULA`), text);
          }
          // The scenarios must make glibc choose both ways, or the comparison proves little.
          assert.ok(
            [...seen].some((s) => s.endsWith(': ipv6')) && [...seen].some((s) => s.endsWith(': ipv4')),
            [...seen].join('\n'),
          );
          assert.ok(
            seen.has('ULA only stock true: ipv4') && seen.has('ULA only ula-fix true: ipv6'),
            [...seen].join('\n'),
          );
        },
      ),
    );
  },
);
