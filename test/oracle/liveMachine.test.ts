/**
 * The live file judged for the machine it is on: `gai-conf check /etc/gai.conf` inside a network
 * namespace set up as a ULA + IPv4 host warns and names the machine's address; set up as a host
 * with global IPv6 it only informs, and exits 0. The stock file is this machine's own.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { OracleHost, orderOracleUnavailable, withOracleNamespace } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';
import { repoRoot } from '../support/repository';

const CLI = join(repoRoot(), 'dist', 'cli.js');
const STOCK = existsSync('/etc/gai.conf') ? readFileSync('/etc/gai.conf', 'utf8') : undefined;
const unavailable = orderOracleUnavailable() ?? (STOCK === undefined ? 'this machine has no /etc/gai.conf' : null);

interface CheckJson {
  readonly findings: readonly { code: string; severity: string; message: string; detail?: string }[];
  readonly effects: readonly {
    host: string;
    addresses: string[];
    pair: string;
    ipv6: string;
    ipv4: string;
    file: string;
  }[];
}

/** getaddrinfo() of this glibc in the namespace, for a hosts-file name listing the addresses in this order. */
const LOOKUP =
  'import socket,sys\nprint(socket.getaddrinfo(sys.argv[1],None,socket.AF_UNSPEC,socket.SOCK_STREAM)[0][4][0])';

/**
 * Runs check inside the namespace (its exit status printed after the JSON, since a failing status
 * is the point), and asks real glibc there which family it returns first for the global pair the
 * check's this-machine entry names, with each address listed first.
 */
async function checkOn(host: OracleHost): Promise<{ json: CheckJson; status: number; glibcFirst: string[] }> {
  return withOracleNamespace(host, async (ns) => {
    ns.writeEtc('gai.conf', STOCK!);
    const script = '"$0" "$1" check /etc/gai.conf --json --glibc 2.36; echo "exit=$?"';
    const { stdout } = await ns.exec('/bin/sh', ['-c', script, process.execPath, CLI]);
    const at = stdout.lastIndexOf('exit=');
    const json = JSON.parse(stdout.slice(0, at)) as CheckJson;
    const pair = json.effects.find((e) => e.host === 'this-machine' && e.pair === 'global')!;
    ns.writeEtc(
      'hosts',
      `${pair.ipv6} six-first.test\n${pair.ipv4} six-first.test\n${pair.ipv4} four-first.test\n${pair.ipv6} four-first.test\n`,
    );
    const glibcFirst: string[] = [];
    for (const name of ['six-first.test', 'four-first.test'])
      glibcFirst.push((await ns.exec('python3', ['-I', '-S', '-c', LOOKUP, name])).stdout.trim());
    return { json, status: Number(stdout.slice(at + 5).trim()), glibcFirst };
  });
}

testNeeding(
  unavailable,
  'a ULA + IPv4 machine: a warning that names its address, and exit 1',
  { timeout: 60_000 },
  async () => {
    const { json, status, glibcFirst } = await checkOn({
      addresses: [
        { address: 'fd42::7', prefixLength: 64 },
        { address: '10.0.0.7', prefixLength: 24 },
      ],
    });
    const ula = json.findings.find((f) => f.code === 'ula-demoted');
    assert.equal(ula?.severity, 'warning');
    assert.match(ula!.message, /^ULA hosts like this machine \(fd42::7\) try IPv4 before global IPv6/);
    assert.match(ula!.detail ?? '', /This machine \(10\.0\.0\.7\/24, fd42::7\/64\) is such a host/);
    const machine = json.effects.find((e) => e.host === 'this-machine' && e.pair === 'global')!;
    assert.equal(machine.file, 'ipv4');
    assert.deepEqual(
      glibcFirst,
      [machine.ipv4, machine.ipv4],
      'real glibc on this machine puts IPv4 first, whichever is listed first',
    );
    assert.equal(status, 1);
  },
);

testNeeding(unavailable, 'a machine with global IPv6: information only, and exit 0', { timeout: 60_000 }, async () => {
  const { json, status, glibcFirst } = await checkOn({
    addresses: [
      { address: '2001:db8:7::7', prefixLength: 64 },
      { address: '10.0.0.7', prefixLength: 24 },
    ],
  });
  // Its global address is documentation space, as in every test here: that is said too, as information.
  assert.deepEqual(
    json.findings.map((f) => [f.code, f.severity]),
    [
      ['ula-demoted', 'information'],
      ['borrowed-address-space', 'information'],
    ],
  );
  const machine = json.effects.find((e) => e.host === 'this-machine' && e.pair === 'global')!;
  assert.equal(machine.file, 'ipv6');
  assert.deepEqual(
    glibcFirst,
    [machine.ipv6, machine.ipv6],
    'real glibc on this machine puts IPv6 first, whichever is listed first',
  );
  assert.equal(status, 0);
});
