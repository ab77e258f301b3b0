/**
 * The /proc/PID/net parsers on the kernel's real text, read at run time (never a committed copy),
 * compared with what iproute2 (`ip -o addr`, `ip route`) reports for the same network namespace:
 * this machine's own, and (as root) a namespace built with the awkward cases: a deprecated and a
 * home IPv6 address, a secondary IPv4 address, a /32 without a prefix route, and reject default
 * routes that are no way out.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';

import {
  hasIpv4DefaultRoute,
  hasIpv6DefaultRoute,
  ipv4Addresses,
  parseIfInet6,
  parseIpv4Routes,
} from '../../server/src/analysis/procNet';
import { findExecutable } from '../support/executables';

const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };
const IP = findExecutable('ip');

interface Facts {
  addresses: string[];
  ipv4Default: boolean;
  ipv6Default: boolean;
}

/** What the parsers make of NET (a /proc/PID/net folder). */
function fromProc(net: string): Facts {
  const routes = parseIpv4Routes(readFileSync(`${net}/route`, 'latin1'));
  const addresses = [
    ...ipv4Addresses(readFileSync(`${net}/fib_trie`, 'latin1'), routes),
    ...parseIfInet6(readFileSync(`${net}/if_inet6`, 'latin1')),
  ];
  return {
    addresses: addresses
      .map(
        (a) =>
          `${a.family} ${a.address}/${a.prefixLength} ${a.interface}${a.deprecated ? ' deprecated' : ''}${a.homeAddress ? ' home' : ''}`,
      )
      .sort(),
    ipv4Default: hasIpv4DefaultRoute(routes),
    ipv6Default: hasIpv6DefaultRoute(readFileSync(`${net}/ipv6_route`, 'latin1')),
  };
}

/** The same facts from iproute2, run with `prefix` (e.g. nsenter into a namespace). */
function fromIp(prefix: string[]): Facts {
  const ip = (...args: string[]) =>
    execFileSync(prefix[0] ?? IP!, [...prefix.slice(1), ...(prefix.length ? [IP!] : []), ...args], {
      env: ENV,
      encoding: 'utf8',
    });
  const addresses = ip('-o', 'addr', 'show')
    .split('\n')
    .flatMap((line) => {
      const match = /^\d+:\s+(\S+)\s+(inet6?)\s+([0-9a-f.:]+)\/(\d+)(.*)$/.exec(line);
      if (!match) return [];
      const [, name, kind, address, prefix, rest] = match;
      if (name === 'lo') return [];
      // ip prints a /32 without a prefix route as itself; the parsers see a /32 too.
      const flags =
        kind === 'inet6'
          ? `${/\bdeprecated\b/.test(rest) || /\boptimistic\b/.test(rest) ? ' deprecated' : ''}${/\bhome\b/.test(rest) ? ' home' : ''}`
          : '';
      return [`${kind === 'inet6' ? 6 : 4} ${address}/${prefix} ${name.replace(/@.*/, '')}${flags}`];
    });
  // A default route that leads somewhere: not `unreachable`, `prohibit` or `blackhole`.
  const leadsOut = (text: string) =>
    text.split('\n').some((line) => /^default\b/.test(line) && !/\b(unreachable|prohibit|blackhole)\b/.test(line));
  return {
    addresses: addresses.sort(),
    ipv4Default: leadsOut(ip('-4', 'route', 'show', 'table', 'main')),
    ipv6Default: leadsOut(ip('-6', 'route', 'show', 'table', 'main')),
  };
}

test("this machine's /proc/self/net reads as ip reports it", { skip: IP ? false : 'needs ip (iproute2)' }, () => {
  const proc = fromProc('/proc/self/net');
  assert.deepEqual(proc, fromIp([]));
});

test(
  'a namespace with deprecated, home, secondary and /32 addresses and reject default routes reads as ip reports it',
  { skip: !IP || process.getuid?.() !== 0 ? 'needs root and ip' : false },
  async () => {
    const holder = spawn('unshare', ['--net', 'sleep', '600'], { env: ENV, stdio: 'ignore' });
    try {
      const pid = String(holder.pid);
      const nsenter = ['nsenter', '-t', pid, '-n'];
      const ip = (...args: string[]) => execFileSync('nsenter', [...nsenter.slice(1), IP!, ...args], { env: ENV });
      // Until unshare has made the namespace.
      for (
        let attempt = 0;
        attempt < 200 && readlinkSync(`/proc/${pid}/ns/net`) === readlinkSync('/proc/self/ns/net');
        attempt++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      ip('link', 'set', 'lo', 'up');
      ip('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
      ip('link', 'set', 'v0', 'addrgenmode', 'none');
      ip('link', 'set', 'v1', 'addrgenmode', 'none');
      ip('link', 'set', 'v0', 'up');
      ip('link', 'set', 'v1', 'up');
      ip('addr', 'add', '10.1.2.3/24', 'dev', 'v0');
      ip('addr', 'add', '10.1.2.4/24', 'dev', 'v0');
      ip('addr', 'add', '172.16.5.6/16', 'dev', 'v1');
      ip('addr', 'add', '192.0.2.77/32', 'dev', 'v1');
      ip('-6', 'addr', 'add', 'fd42:1:2:3::5/64', 'dev', 'v0', 'nodad');
      ip('-6', 'addr', 'add', '2001:db8::6/56', 'dev', 'v0', 'nodad', 'preferred_lft', '0');
      ip('-6', 'addr', 'add', '2001:db8:ff::7/128', 'dev', 'v1', 'nodad', 'home');
      ip('route', 'add', 'unreachable', 'default');
      ip('-6', 'route', 'add', 'unreachable', 'default');
      const net = `/proc/${pid}/net`;
      // route does not say which interface a /32 without a prefix route is on: the parsers name a
      // real one of the namespace (never the "*" of a reject route), the rest must agree.
      const lone = (facts: Facts) => ({
        ...facts,
        addresses: facts.addresses.map((a) => a.replace(/^(4 192\.0\.2\.77\/32) (v0|v1)$/, '$1 v?')),
      });
      let proc = fromProc(net);
      assert.deepEqual(lone(proc), lone(fromIp(nsenter)));
      assert.deepEqual([proc.ipv4Default, proc.ipv6Default], [false, false], 'reject default routes are no way out');
      assert.ok(
        proc.addresses.includes('6 2001:db8::6/56 v0 deprecated') &&
          proc.addresses.includes('6 2001:db8:ff::7/128 v1 home') &&
          lone(proc).addresses.includes('4 192.0.2.77/32 v?'),
        proc.addresses.join('\n'),
      );
      ip('route', 'del', 'unreachable', 'default');
      ip('-6', 'route', 'del', 'unreachable', 'default');
      ip('route', 'add', 'default', 'via', '10.1.2.1', 'dev', 'v0');
      ip('-6', 'route', 'add', 'default', 'dev', 'v1');
      proc = fromProc(net);
      assert.deepEqual(lone(proc), lone(fromIp(nsenter)));
      assert.deepEqual([proc.ipv4Default, proc.ipv6Default], [true, true]);
    } finally {
      holder.kill('SIGKILL');
    }
  },
);
