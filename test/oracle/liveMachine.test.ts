/**
 * The live file judged for the machine it is on: `gai-conf check /etc/gai.conf` inside a network
 * namespace set up as a ULA + IPv4 host warns and names the machine's address; set up as a host
 * with global IPv6 it only informs, and exits 0. The stock file is this machine's own.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OracleHost, orderOracleUnavailable, withOracleNamespace } from '../support/namespaceResolver';
import { repoRoot } from '../support/repository';

const CLI = join(repoRoot(), 'dist', 'cli.js');
const STOCK = existsSync('/etc/gai.conf') ? readFileSync('/etc/gai.conf', 'utf8') : undefined;
const unavailable = orderOracleUnavailable() ?? (STOCK === undefined ? 'this machine has no /etc/gai.conf' : null);

interface CheckJson {
  readonly findings: readonly { code: string; severity: string; message: string }[];
  readonly effects: readonly { host: string; addresses: string[]; pair: string; file: string }[];
}

/** Runs check inside the namespace; its exit status is printed after the JSON, since a failing status is the point. */
async function checkOn(host: OracleHost): Promise<{ json: CheckJson; status: number }> {
  return withOracleNamespace(host, async (ns) => {
    ns.writeEtc('gai.conf', STOCK!);
    const script = '"$0" "$1" check /etc/gai.conf --json --glibc 2.36; echo "exit=$?"';
    const { stdout } = await ns.exec('/bin/sh', ['-c', script, process.execPath, CLI]);
    const at = stdout.lastIndexOf('exit=');
    return { json: JSON.parse(stdout.slice(0, at)) as CheckJson, status: Number(stdout.slice(at + 5).trim()) };
  });
}

test('a ULA + IPv4 machine: a warning that names its address, and exit 1', { skip: unavailable ?? false, timeout: 60_000 }, async () => {
  const { json, status } = await checkOn({ addresses: [{ address: 'fd42::7', prefixLength: 64 }, { address: '10.0.0.7', prefixLength: 24 }] });
  const ula = json.findings.find((f) => f.code === 'ula-demoted');
  assert.equal(ula?.severity, 'warning');
  assert.match(ula!.message, /This machine \(10\.0\.0\.7\/24, fd42::7\/64\) is such a host/);
  assert.equal(json.effects.find((e) => e.host === 'this-machine' && e.pair === 'global')?.file, 'ipv4');
  assert.equal(status, 1);
});

test('a machine with global IPv6: information only, and exit 0', { skip: unavailable ?? false, timeout: 60_000 }, async () => {
  const { json, status } = await checkOn({ addresses: [{ address: '2001:db8:7::7', prefixLength: 64 }, { address: '10.0.0.7', prefixLength: 24 }] });
  assert.deepEqual(json.findings.map((f) => [f.code, f.severity]), [['ula-demoted', 'information']]);
  assert.equal(json.effects.find((e) => e.host === 'this-machine' && e.pair === 'global')?.file, 'ipv6');
  assert.equal(status, 0);
});

if (unavailable) {
  test('live-machine oracle prerequisites', () => {
    process.stderr.write(`\n*** SKIPPED the live-machine checks: ${unavailable} ***\n\n`);
  });
}
