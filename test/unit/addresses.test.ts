import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  commonPrefixLength,
  hasHostBits,
  ipv6Text,
  maskBytes,
  parseIpv4Bytes,
  parseIpv6Bytes,
  sameBytes,
} from '../../server/src/glibc/addresses';

test('inet_pton(AF_INET6) accepts what glibc accepts', () => {
  for (const text of [
    '::',
    '::1',
    '1::',
    'fc00::',
    'FD42:0:0:0:0:0:0:1',
    '2001:db8::1:2',
    '::ffff:10.0.0.1',
    '1:2:3:4:5:6:1.2.3.4',
    '0000:0000::',
    '1:2:3:4:5:6:7::',
  ]) {
    assert.ok(parseIpv6Bytes(text), text);
  }
});

test('inet_pton(AF_INET6) refuses what glibc refuses', () => {
  const refused = [
    '',
    ':',
    ':1',
    '1:',
    '1::2:',
    ':::',
    '1::2::3',
    '12345::',
    'fe80::1%eth0',
    '10.0.0.0',
    'g::',
    '::ffff:010.0.0.1',
    '::1.2.3',
    '::1.2.3.4.5',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1.2.3.4:5',
    '::256.0.0.1',
    ' ::1',
  ];
  for (const text of refused) assert.equal(parseIpv6Bytes(text), undefined, text);
});

test('a :: must stand for at least one group', () => {
  assert.equal(parseIpv6Bytes('1:2:3:4::5:6:7:8'), undefined);
  assert.ok(parseIpv6Bytes('1:2:3::5:6:7:8'));
});

test('inet_pton(AF_INET) needs four octets without leading zeros', () => {
  assert.deepEqual(Array.from(parseIpv4Bytes('10.0.0.1')!), [10, 0, 0, 1]);
  for (const text of ['010.0.0.1', '10.0.0', '1.2.3.4.5', '256.1.1.1', '1.2.3.', '1..2.3', '0x1.2.3.4'])
    assert.equal(parseIpv4Bytes(text), undefined, text);
  assert.ok(parseIpv4Bytes('0.0.0.0'));
});

test('RFC 5952 text', () => {
  assert.equal(ipv6Text(parseIpv6Bytes('2001:0DB8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
  assert.equal(ipv6Text(parseIpv6Bytes('1:0:2:3:4:5:6:7')!), '1:0:2:3:4:5:6:7');
  assert.equal(ipv6Text(parseIpv6Bytes('::')!), '::');
});

test('common prefix length', () => {
  assert.equal(commonPrefixLength(parseIpv6Bytes('fd42::2')!, parseIpv6Bytes('fd42::3')!), 127);
  assert.equal(commonPrefixLength(parseIpv6Bytes('::1')!, parseIpv6Bytes('::1')!), 128);
  assert.equal(commonPrefixLength(parseIpv6Bytes('8000::')!, parseIpv6Bytes('::')!), 0);
});

test('host bits are the bits a mask to the prefix length clears', () => {
  let seed = 11;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let i = 0; i < 2000; i++) {
    const bytes = Uint8Array.from({ length: 16 }, () => (random(3) === 0 ? random(256) : 0));
    const bits = random(129);
    assert.equal(hasHostBits(bytes, bits), !sameBytes(bytes, maskBytes(bytes, bits)), `${bytes} /${bits}`);
  }
});
