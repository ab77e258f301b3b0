/**
 * Every `measured` claim of the runtime table (server/src/analysis/reference/runtimes.ts and
 * runtimeEvidence.ts), checked
 * with the real runtime: in a private network namespace a name has one IPv4 and one IPv6 address,
 * both local with a listener on each, and each runtime's ordinary client connects under a
 * gai.conf that prefers IPv4 and under one that prefers IPv6. The listener records which family
 * connected first. The hosts file always lists the family the file does not prefer first, so
 * following the file, keeping the hosts order and reordering by family all look different.
 * Happy Eyeballs is checked by making the first family's address silent (a static neighbour entry
 * sends its SYN to nobody) beside a listening address of the other family. The seed ULA scenario
 * is checked too, from each runtime's own lookup order.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

import {
  Family,
  Measured,
  MeasuredServer,
  RUNTIME_EVIDENCE,
} from '../../server/src/analysis/reference/runtimeEvidence';
import { RuntimeId, RUNTIMES } from '../../server/src/analysis/reference/runtimes';
import { findExecutable } from '../support/executables';
import { OracleNamespace, orderOracleUnavailable, withOracleNamespace } from '../support/namespaceResolver';
import { lacks, testNeeding } from '../support/prerequisites';
import { FULL_PREFER_IPV4, RFC3484_LABEL_ROWS } from '../support/sampleFiles';
import { startTestDns } from '../support/testDns';
import { buildRuntimePrograms, Built } from './runtimePrograms';

const NAME = 'dual.test';
const V4 = '198.51.100.10';
const V6 = '2001:db8:1::10';
const PORT = 8046;
/** Addresses in the listeners' subnets that nobody answers: their neighbour entry points at no one. */
const SILENT: Record<Family, string> = { 4: '198.51.100.99', 6: '2001:db8:1::99' };
const FALLBACK_WINDOW_MS = 2500;
// Run without arguments, musl's dynamic loader (Debian package musl) prints its version.
const MUSL_LIBC = '/lib/ld-musl-x86_64.so.1';

const LISTENER = `
const net = require('net');
let listening = 0;
for (const host of ${JSON.stringify([V4, V6])}) {
  net.createServer((s) => {
    s.on('error', () => {});
    process.stdout.write((net.isIPv6(s.localAddress) ? '6' : '4') + '\\n');
    s.end('HTTP/1.0 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n');
  }).listen({ host, port: ${PORT} }, () => { if (++listening === 2) process.stdout.write('ready\\n'); });
}`;

const PYTHON_CLIENT = 'import socket,sys\nsocket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5).close()';
const PYTHON_ASYNCIO_CLIENT =
  'import asyncio,sys\nasync def main():\n  r, w = await asyncio.open_connection(sys.argv[1], int(sys.argv[2]))\n  w.close()\nasyncio.run(main())';
const RUBY_CLIENT = 'TCPSocket.new(ARGV[0], ARGV[1].to_i).close';
const NODE_CLIENT =
  'const s=require("net").connect({host:process.argv[1],port:+process.argv[2]},()=>s.destroy());s.on("error",e=>{console.error(e.message);process.exit(3)})';

/**
 * One way to run a client: its argv before name and port, the nsswitch.conf it needs if not
 * `hosts: files`, whether the name comes from DNS instead of /etc/hosts, and how long the Happy
 * Eyeballs check waits (a browser's start-up alone takes seconds; still far below the kernel's
 * two-minute connect timeout that a client without Happy Eyeballs would wait for).
 */
interface Run {
  argv: string[];
  nsswitch?: string;
  dns?: boolean;
  fallbackWindowMs?: number;
}

/** Chromium's own profile folder for the measurement, removed when the process exits. */
const CHROMIUM_PROFILE = fs.mkdtempSync(path.join(os.tmpdir(), `gai-conf-chromium-${process.pid}-`));
process.on('exit', () => fs.rmSync(CHROMIUM_PROFILE, { recursive: true, force: true }));

/** The programs each claim is measured with (every run must show the claimed families), or why they cannot run here. */
function clientFor(id: RuntimeId, built: Built): { runs: Run[] } | { missing: string } {
  const bin = (file: string): string => path.join(built.dir, file);
  const needBuilt = (file: string, ...runs: Run[]): { runs: Run[] } | { missing: string } =>
    built.missing.has(file) ? { missing: built.missing.get(file)! } : { runs };
  const needTool = (
    tool: string,
    pkg: string,
    argv: (exe: string) => string[],
  ): { runs: Run[] } | { missing: string } => {
    const exe = findExecutable(tool);
    return exe ? { runs: [{ argv: argv(exe) }] } : { missing: `${tool} (Debian package ${pkg})` };
  };
  const env = findExecutable('env') ?? '/usr/bin/env';
  const java = findExecutable('java') ?? 'java';
  switch (id) {
    case 'glibc-dynamic':
      return needBuilt('connect-glibc', { argv: [bin('connect-glibc')] }, { argv: [bin('connect-glibc')], dns: true });
    case 'glibc-static':
      return needBuilt('connect-glibc-static', { argv: [bin('connect-glibc-static')] });
    case 'musl':
      return needBuilt('connect-musl', { argv: [bin('connect-musl')] }, { argv: [bin('connect-musl')], dns: true });
    case 'go-pure':
      return needBuilt(
        'dial-cgo',
        { argv: [bin('dial-cgo')] },
        { argv: [bin('dial-cgo')], nsswitch: 'hosts: files mdns4_minimal [NOTFOUND=return] dns myhostname\n' },
        { argv: [env, 'GODEBUG=netdns=go', 'LOCALDOMAIN=', bin('dial-cgo')] },
        { argv: [bin('dial-cgo')], dns: true },
      );
    case 'go-cgo':
      return needBuilt('dial-cgo', { argv: [env, 'GODEBUG=netdns=cgo', bin('dial-cgo')] });
    case 'go-cgo-fallback':
      return needBuilt(
        'dial-cgo',
        { argv: [env, 'LOCALDOMAIN=', bin('dial-cgo')] },
        { argv: [bin('dial-cgo')], nsswitch: 'hosts: files resolve [!UNAVAIL=return] dns\n' },
      );
    case 'go-static':
      return needBuilt(
        'dial-static',
        { argv: [env, 'GODEBUG=netdns=cgo', bin('dial-static')] },
        { argv: [env, 'LOCALDOMAIN=', bin('dial-static')], nsswitch: 'hosts: files resolve [!UNAVAIL=return] dns\n' },
      );
    case 'python': {
      const python = findExecutable('python3');
      return python
        ? {
            runs: [
              { argv: [python, '-I', '-S', '-c', PYTHON_CLIENT] },
              { argv: [python, '-I', '-S', '-c', PYTHON_ASYNCIO_CLIENT] },
            ],
          }
        : { missing: 'python3 (Debian package python3-minimal)' };
    }
    case 'ruby':
      return needTool('ruby', 'ruby', (exe) => [exe, '-rsocket', '-e', RUBY_CLIENT]);
    case 'curl':
      return needTool('curl', 'curl', (exe) => [exe, '-s', '-o', '/dev/null', '--max-time', '5']);
    case 'java-default':
      return needBuilt(
        'Client.class',
        { argv: [java, '-cp', built.dir, 'Client'] },
        { argv: [java, '-cp', built.dir, 'Client'], dns: true },
      );
    case 'java-system':
      return needBuilt(
        'Client.class',
        { argv: [java, '-Djava.net.preferIPv6Addresses=system', '-cp', built.dir, 'Client'] },
        { argv: [env, 'JAVA_TOOL_OPTIONS=-Djava.net.preferIPv6Addresses=system', java, '-cp', built.dir, 'Client'] },
      );
    case 'java-prefer-ipv6':
      return needBuilt('Client.class', {
        argv: [java, '-Djava.net.preferIPv6Addresses=true', '-cp', built.dir, 'Client'],
      });
    case 'node':
      return { runs: [{ argv: [process.execPath, '-e', NODE_CLIENT] }] };
    case 'node-ipv4first':
      return {
        runs: [
          { argv: [process.execPath, '--dns-result-order=ipv4first', '-e', NODE_CLIENT] },
          { argv: [env, 'NODE_OPTIONS=--dns-result-order=ipv4first', process.execPath, '-e', NODE_CLIENT] },
        ],
      };
    case 'node-ipv6first':
      return { runs: [{ argv: [process.execPath, '--dns-result-order=ipv6first', '-e', NODE_CLIENT] }] };
    case 'chromium': {
      const chromium = findExecutable('chromium');
      if (!chromium)
        return {
          missing: 'chromium (Debian package chromium; npm test installs it, through scripts/install-test-tools.sh)',
        };
      const argv = [
        chromium,
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--no-default-browser-check',
        `--user-data-dir=${CHROMIUM_PROFILE}`,
        '--dump-dom',
      ];
      // "hosts: files" alone: Chromium hands the lookup to getaddrinfo(); "files dns": its own DNS client reads /etc/hosts.
      return {
        runs: [
          { argv, fallbackWindowMs: 15_000 },
          { argv, nsswitch: 'hosts: files dns\n' },
          { argv: [...argv.slice(0, 1), '--disable-features=AsyncDns', ...argv.slice(1)] },
        ],
      };
    }
    default:
      return { missing: `no client program for ${id} in this test` };
  }
}

/** curl and Chromium take a URL, the others name and port. */
function invocation(id: RuntimeId, argv: string[], port?: number): [string, string[]] {
  const [file, ...args] = argv;
  if (id === 'curl' || id === 'chromium') return [file!, [...args, `http://${NAME}:${port}/`]];
  return [file!, port === undefined ? [...args, NAME] : [...args, NAME, String(port)]];
}

/** The first line a program prints about its version, on stdout or stderr (java and musl's loader use stderr). */
function version(argv: string[]): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 10_000 });
  return (
    `${r.stdout ?? ''}\n${r.stderr ?? ''}`
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /\d+\.\d+/.test(l)) ?? 'unknown'
  );
}

function runtimeVersions(): string[] {
  const wanted: [string, string | null, string[]][] = [
    ['glibc', findExecutable('ldd'), ['--version']],
    ['python3', findExecutable('python3'), ['--version']],
    ['curl', findExecutable('curl'), ['--version']],
    ['ruby', findExecutable('ruby'), ['--version']],
    ['go', findExecutable('go'), ['version']],
    ['java', findExecutable('java'), ['-version']],
    ['node', process.execPath, ['--version']],
    ['musl', fs.existsSync(MUSL_LIBC) ? MUSL_LIBC : null, []],
  ];
  return wanted.map(([tool, exe, args]) => `${tool}: ${exe ? version([exe, ...args]) : 'not installed'}`);
}

/** Starts the two-family listener inside the namespace; resolves with a reader of the families it saw. */
async function startListener(
  ns: OracleNamespace,
): Promise<{ take(waitMs?: number): Promise<Family | null>; stop(): void }> {
  const child = ns.spawn(process.execPath, ['-e', LISTENER]);
  const seen: Family[] = [];
  let buffer = '';
  let wake: (() => void) | null = null;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('listener not ready after 10 s')), 10_000);
    child.on('exit', (code) => reject(new Error(`listener exited (${code})`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (line === '4' || line === '6') {
          seen.push(line === '4' ? 4 : 6);
          wake?.();
        }
      }
    });
  });
  return {
    async take(waitMs = 2000): Promise<Family | null> {
      if (seen.length === 0)
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, waitMs);
        });
      wake = null;
      const first = seen[0] ?? null;
      seen.length = 0;
      return first;
    },
    stop(): void {
      child.kill('SIGKILL');
    },
  };
}

/** nginx on PATH, or Debian's package unpacked by scripts/install-nginx.sh (never installed as a service). */
function findNginx(): string | null {
  const unpacked = path.join(
    process.env['GAI_CONF_TOOLS'] ?? path.join(os.homedir(), '.cache', 'gai-conf-tools'),
    'nginx',
    'root',
    'usr',
    'sbin',
    'nginx',
  );
  return findExecutable('nginx') ?? (fs.existsSync(unpacked) ? unpacked : null);
}

const NGINX_PORT = 8047;

/** Starts nginx (resolving the upstream name at start, in the namespace), sends four requests through it, and returns the families they reached. */
async function throughNginx(
  ns: OracleNamespace,
  nginx: string,
  listener: { take(waitMs?: number): Promise<Family | null> },
): Promise<Family[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gai-nginx-'));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${dir}/${k};`).join(' ');
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `master_process off; pid ${dir}/nginx.pid; error_log stderr; events { worker_connections 16; }
http { access_log off; ${temp} upstream backend { server ${NAME}:${PORT}; } server { listen 127.0.0.1:${NGINX_PORT}; location / { proxy_pass http://backend; } } }\n`,
  );
  const server = ns.spawn(nginx, ['-e', 'stderr', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;']);
  try {
    const families: Family[] = [];
    for (let i = 0; i < 4; i++) {
      // Retried until nginx listens; each request reaches the listener once.
      for (let attempt = 0; ; attempt++) {
        const ok = await ns
          .exec(findExecutable('curl') ?? 'curl', [
            '-s',
            '-o',
            '/dev/null',
            '--max-time',
            '5',
            `http://127.0.0.1:${NGINX_PORT}/`,
          ])
          .then(
            () => true,
            () => false,
          );
        if (ok) break;
        if (attempt > 20) throw new Error('nginx did not answer');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const family = await listener.take();
      assert.ok(family, 'the request reached a listener');
      families.push(family);
    }
    return families;
  } finally {
    server.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const unavailable = orderOracleUnavailable();
const measured = RUNTIMES.flatMap((r) => {
  const { evidence } = RUNTIME_EVIDENCE[r.id];
  return evidence.kind === 'measured' ? [{ ...r, evidence: evidence as Measured }] : [];
});

testNeeding(
  unavailable,
  'runtime table: every measured claim is measured by this test with the real runtime',
  { timeout: 300_000 },
  async (t) => {
    const built = buildRuntimePrograms();
    try {
      for (const line of runtimeVersions()) t.diagnostic(line);
      await withOracleNamespace(
        {
          addresses: [
            { address: V4, prefixLength: 24 },
            { address: V6, prefixLength: 64 },
          ],
        },
        async (ns) => {
          for (const [family, address] of Object.entries(SILENT)) {
            await ns.exec(findExecutable('ip')!, [
              ...(family === '6' ? ['-6'] : []),
              'neigh',
              'add',
              address,
              'lladdr',
              '02:00:00:00:00:99',
              'dev',
              'd0',
              'nud',
              'permanent',
            ]);
          }
          const listener = await startListener(ns);
          const dns = await startTestDns(ns, { [NAME]: { A: [V4], AAAA: [V6] } });
          try {
            for (const entry of measured) {
              await t.test(`${entry.id}: ${entry.name}`, async (st) => {
                const client = clientFor(entry.id, built);
                if ('missing' in client) return void lacks(st, client.missing);
                for (const [index, run] of client.runs.entries()) {
                  const got: Record<string, Family | null> = {};
                  ns.writeEtc('nsswitch.conf', run.dns ? 'hosts: dns\n' : (run.nsswitch ?? 'hosts: files\n'));
                  ns.writeEtc('resolv.conf', run.dns ? 'nameserver 127.0.0.1\n' : '');
                  for (const [label, config, hosts] of [
                    ['preferIPv4File', FULL_PREFER_IPV4, `${V6} ${NAME}\n${V4} ${NAME}\n`],
                    ['preferIPv6File', '', `${V4} ${NAME}\n${V6} ${NAME}\n`],
                  ] as const) {
                    ns.writeEtc('gai.conf', config);
                    ns.writeEtc('hosts', hosts);
                    const [file, args] = invocation(entry.id, run.argv, PORT);
                    await ns.exec(file, args, 30_000);
                    got[label] = await listener.take();
                  }
                  const how = `${run.argv.filter((a) => /^(-D|--|[A-Z_]+=)/.test(a)).join(' ')}${run.nsswitch ? ` nsswitch "${run.nsswitch.trim()}"` : ''}${run.dns ? ' the name from DNS' : ''}`;
                  st.diagnostic(
                    `${entry.evidence.measuredWith}${how ? ` [${how}]` : ''}: first family ${got['preferIPv4File']} under a prefer-IPv4 file, ${got['preferIPv6File']} under a prefer-IPv6 file`,
                  );
                  assert.deepEqual(got, entry.evidence.firstFamily, how);
                  const followed = got['preferIPv4File'] === 4 && got['preferIPv6File'] === 6;
                  assert.equal(
                    followed,
                    entry.followsFile === 'yes',
                    `followsFile ${entry.followsFile} but the runtime ${followed ? 'followed' : 'did not follow'} the file ${how}`,
                  );
                  if (index > 0) continue; // Happy Eyeballs is the client's, whatever picked the order
                  // Happy Eyeballs: the family it tries first under the prefer-IPv6 file is silent.
                  const first = entry.evidence.firstFamily.preferIPv6File;
                  const other: Family = first === 4 ? 6 : 4;
                  ns.writeEtc('gai.conf', '');
                  ns.writeEtc('hosts', `${SILENT[first]} ${NAME}\n${other === 4 ? V4 : V6} ${NAME}\n`);
                  const [file, args] = invocation(entry.id, run.argv, PORT);
                  const window = run.fallbackWindowMs ?? FALLBACK_WINDOW_MS;
                  await ns.exec(file, args, window).catch(() => undefined); // killed at the end of the window when it keeps waiting
                  const reached = await listener.take(100);
                  st.diagnostic(
                    `IPv${first} silent: ${reached ? `connected over IPv${reached} within ${window} ms` : `no connection within ${window} ms`}`,
                  );
                  assert.equal(
                    reached === other,
                    entry.evidence.fallsBack,
                    `fallsBack ${entry.evidence.fallsBack} ${how}`,
                  );
                }
                ns.writeEtc('nsswitch.conf', 'hosts: files\n');
                ns.writeEtc('resolv.conf', '');
              });
            }
            await t.test('nginx: requests through an upstream name', async (st) => {
              const nginx = findNginx();
              if (!nginx) return void lacks(st, "nginx (scripts/install-nginx.sh unpacks Debian's package)");
              const { evidence } = RUNTIME_EVIDENCE.nginx as { evidence: MeasuredServer };
              const got: Record<string, Family[]> = {};
              for (const [label, config] of [
                ['preferIPv4File', FULL_PREFER_IPV4],
                ['preferIPv6File', ''],
              ] as const) {
                ns.writeEtc('gai.conf', config);
                ns.writeEtc('hosts', `${V4} ${NAME}\n${V6} ${NAME}\n`);
                got[label] = await throughNginx(ns, nginx, listener);
              }
              st.diagnostic(`${evidence.measuredWith}: ${JSON.stringify(got)}`);
              assert.deepEqual(got, evidence.requestFamilies);
            });
          } finally {
            listener.stop();
            dns.stop();
          }
        },
      );
      const ula = measured.filter((r) => r.evidence.ulaHost);
      await withOracleNamespace(
        {
          addresses: [
            { address: 'fd42::2', prefixLength: 64 },
            { address: '10.0.0.2', prefixLength: 24 },
          ],
        },
        async (ns) => {
          for (const entry of ula) {
            await t.test(`${entry.id} on a ULA host (fd42::2 + 10.0.0.2)`, async (st) => {
              const client = clientFor(entry.id, built);
              if ('missing' in client) return void lacks(st, client.missing);
              const got: Record<string, Family> = {};
              for (const [label, config, hosts] of [
                ['stockFile', '', `${V6} ${NAME}\n${V4} ${NAME}\n`],
                ['ulaFixFile', RFC3484_LABEL_ROWS, `${V4} ${NAME}\n${V6} ${NAME}\n`],
              ] as const) {
                ns.writeEtc('gai.conf', config);
                ns.writeEtc('hosts', hosts);
                const [file, args] = invocation(entry.id, client.runs[0]!.argv);
                const { stdout } = await ns.exec(file, args, 30_000);
                const first = /^lookup (\S+)/m.exec(stdout)?.[1];
                assert.ok(first, `no lookup line in ${JSON.stringify(stdout)}`);
                got[label] = first.includes(':') ? 6 : 4;
              }
              st.diagnostic(
                `first family ${got['stockFile']} under the stock file, ${got['ulaFixFile']} under the ULA fix`,
              );
              assert.deepEqual(got, entry.evidence.ulaHost);
            });
          }
        },
      );
    } finally {
      fs.rmSync(built.dir, { recursive: true, force: true });
    }
  },
);

test('runtime table: every entry names its versions and source, and a documented one its document', () => {
  const ids = new Set<string>();
  for (const r of RUNTIMES) {
    assert.ok(!ids.has(r.id), `duplicate id ${r.id}`);
    ids.add(r.id);
    const { versions, source, evidence } = RUNTIME_EVIDENCE[r.id];
    assert.ok(versions && source && r.behaviour && r.toPreferIPv6, r.id);
    if (evidence.kind === 'documented') assert.ok(evidence.document.length > 10, r.id);
    if (r.followsFile === 'yes') assert.ok(r.toFollowFile, `${r.id} follows the file: say so in toFollowFile`);
  }
});
