/**
 * The kernel's address labels in the source choice, `ip addrlabel list` read, and multicast
 * sources (test/oracle/kernelSources.test.ts judges these with the real kernel).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { addressText, parseIpAddress, parseIpv6Bytes } from '../../server/src/glibc/addresses';
import { simulateOrder } from '../../server/src/glibc/sort';
import {
  AddressLabel,
  Host,
  isKernelDefaultLabels,
  KERNEL_DEFAULT_LABELS,
  kernelLabel,
  selectSource,
  sourceUnderDefaultLabels,
} from '../../server/src/glibc/sourceSelection';
import { parseAddressLabelLine } from '../../server/src/system/addressLabels';
import { analyze, host } from '../support/glibc';

const source = (h: Host, destination: string) => {
  const chosen = selectSource(h, parseIpAddress(destination)!);
  return chosen && addressText(chosen.address);
};

test('`ip -6 addrlabel list` lines are read, with interfaces; anything else is refused', () => {
  assert.deepEqual(parseAddressLabelLine('prefix ::ffff:0.0.0.0/96 label 4 '), {
    bytes: parseIpv6Bytes('::ffff:0:0'),
    bits: 96,
    value: 4,
  });
  assert.deepEqual(parseAddressLabelLine('prefix 2001:db8::/32 dev eth0 label 9'), {
    bytes: parseIpv6Bytes('2001:db8::'),
    bits: 32,
    value: 9,
    interface: 'eth0',
  });
  assert.equal(parseAddressLabelLine('prefix 2001:db8::/129 label 9'), undefined);
  assert.equal(parseAddressLabelLine('RTNETLINK answers: Operation not supported'), undefined);
  const defaults = [
    '::1/128 0',
    '::/96 3',
    '::ffff:0.0.0.0/96 4',
    '2001::/32 6',
    '2001:10::/28 7',
    '3ffe::/16 12',
    '2002::/16 2',
    'fec0::/10 11',
    'fc00::/7 5',
    '::/0 1',
  ].map((row) => parseAddressLabelLine(`prefix ${row.replace(' ', ' label ')}`)!);
  assert.ok(isKernelDefaultLabels(defaults), "the kernel's own listing of its defaults");
  assert.ok(!isKernelDefaultLabels([{ bytes: parseIpv6Bytes('2001:db8:9::')!, bits: 48, value: 5 }, ...defaults]));
});

test("a custom kernel label moves the source, which moves glibc's order; its note names the default source", () => {
  const plain = host('2001:db8:3::1/64', 'fd42::5/64', '10.0.0.2/24');
  const custom: AddressLabel[] = [
    { bytes: parseIpv6Bytes('2001:db8:9::')!, bits: 48, value: 5 },
    ...KERNEL_DEFAULT_LABELS,
  ];
  const labelled: Host = { ...plain, addressLabels: custom };
  assert.equal(source(plain, '2001:db8:9::1'), '2001:db8:3::1');
  assert.equal(source(labelled, '2001:db8:9::1'), 'fd42::5');
  assert.equal(
    addressText(sourceUnderDefaultLabels(labelled, parseIpAddress('2001:db8:9::1')!)!.address),
    '2001:db8:3::1',
  );
  assert.equal(sourceUnderDefaultLabels(plain, parseIpAddress('2001:db8:9::1')!), undefined);
  const tables = analyze('').tables;
  assert.deepEqual(
    simulateOrder(tables, plain, ['198.51.100.1', '2001:db8:9::1']).order.map((d) => d.text),
    ['2001:db8:9::1', '198.51.100.1'],
  );
  assert.deepEqual(
    simulateOrder(tables, labelled, ['2001:db8:9::1', '198.51.100.1']).order.map((d) => d.text),
    ['198.51.100.1', '2001:db8:9::1'],
  );
  // A row bound to another interface is skipped; an empty table gives every address the same label.
  assert.equal(
    kernelLabel(
      { ...plain, addressLabels: [{ ...custom[0], interface: 'eth9' }, ...KERNEL_DEFAULT_LABELS] },
      parseIpv6Bytes('2001:db8:9::1')!,
      'eth0',
    ),
    1,
  );
  assert.equal(
    kernelLabel({ ...plain, addressLabels: [] }, parseIpv6Bytes('fd42::1')!, 'eth0'),
    kernelLabel({ ...plain, addressLabels: [] }, parseIpv6Bytes('::1')!, 'lo'),
  );
});

test('multicast wider than link scope gets a source from the one interface; link scope, or several interfaces, none', () => {
  const one = host('2001:db8:3::1/64', '198.51.100.117/24');
  assert.equal(source(one, 'ff0e::1'), '2001:db8:3::1');
  assert.equal(source(one, 'ff05::1'), '2001:db8:3::1');
  assert.equal(source(one, 'ff02::1'), undefined);
  assert.equal(source(host('2001:db8:3::1/64', 'fd42::5/64,dev=eth1'), 'ff0e::1'), undefined);
  assert.equal(source(host('198.51.100.117/24'), 'ff0e::1'), undefined);
  // Labels decide between the interface's addresses: ff0e::1 has label 1, as 2001:db8::/32 has.
  assert.equal(source(host('fd42::5/64', '2001:db8:3::1/64'), 'ff0e::fd42:1'), '2001:db8:3::1');
  assert.deepEqual(
    simulateOrder(analyze('').tables, one, ['198.51.100.1', 'ff0e::1']).order.map((d) => d.text),
    ['ff0e::1', '198.51.100.1'],
  );
});
