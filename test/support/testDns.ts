/**
 * The tests' own DNS server (dnsServer.ts) inside an oracle namespace. Every test that makes the
 * server or the CLI resolve a name runs it there, so that no test ever asks the machine's resolver.
 */
import { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { OracleHost, OracleNamespace, withOracleNamespace } from './namespaceResolver';

export type Zone = Record<string, { A?: string[]; AAAA?: string[]; PTR?: string[] }>;

const DNS_SERVER = join(__dirname, 'dnsServer.js');
const READY_TIMEOUT_MS = 15_000;

export interface TestDns {
  /** "query NAME TYPE" lines, one per question the server was asked so far. */
  readonly questions: () => string;
  readonly stop: () => void;
}

/** Starts the zone's server on the namespace's 127.0.0.1:53 and waits until it listens. */
export async function startTestDns(ns: OracleNamespace, zone: Zone): Promise<TestDns> {
  const child: ChildProcess = ns.spawn(process.execPath, [DNS_SERVER, JSON.stringify(zone)]);
  let out = '';
  let errors = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (errors += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the test DNS server did not start within 15 s: ${errors}`));
    }, READY_TIMEOUT_MS);
    const check = (): void => {
      if (!out.includes('ready')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the test DNS server exited (${code}): ${errors}`));
    });
  });
  return { questions: () => out, stop: () => child.kill('SIGKILL') };
}

/** Runs `body` in a namespace set up as `host` whose resolver is the test's DNS server serving `zone`. */
export async function withTestDns<T>(
  host: OracleHost,
  zone: Zone,
  body: (ns: OracleNamespace, dns: TestDns) => Promise<T>,
): Promise<T> {
  return withOracleNamespace(host, async (ns) => {
    ns.writeEtc('resolv.conf', 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n');
    ns.writeEtc('nsswitch.conf', 'hosts: files dns\n');
    const dns = await startTestDns(ns, zone);
    try {
      return await body(ns, dns);
    } finally {
      dns.stop();
    }
  });
}

/** One name with one A and one AAAA answer, for tests that need a name in DNS and nothing more. */
export const DUAL_STACK_ZONE: Zone = { 'dual.test': { A: ['198.51.100.10'], AAAA: ['2001:db8:1::10'] } };

/** The machine of the problem we solve: a ULA and a private IPv4 address. */
export const ULA_AND_IPV4_HOST: OracleHost = {
  addresses: [
    { address: 'fd42::2', prefixLength: 64 },
    { address: '10.0.0.2', prefixLength: 24 },
  ],
};
