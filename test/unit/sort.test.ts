import assert from 'node:assert/strict';
import { test } from 'node:test';

import { simulateOrder } from '../../server/src/glibc/sort';
import { Host } from '../../server/src/glibc/sourceSelection';
import { analyze, host } from '../support/glibc';

const order = (config: string, h: Host, destinations: string[]) =>
  simulateOrder(analyze(config).tables, h, destinations);
const RFC3484_LABELS = 'label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\nlabel ::/96 3\nlabel ::ffff:0:0/96 4\n';

test('the seed scenario: ULA host prefers IPv4 with the built-in labels (rule 5), IPv6 with the RFC 3484 labels', () => {
  const ula = host('fd42::2/64', '10.0.0.2/24');
  const stock = order('', ula, ['2001:db8:1::10', '198.51.100.10']);
  assert.deepEqual(
    stock.order.map((d) => d.text),
    ['198.51.100.10', '2001:db8:1::10'],
  );
  assert.equal(stock.decisions[0].rule, 5);
  assert.deepEqual(stock.decisions[0].values, { destinationLabel: [1, 4], sourceLabel: [6, 4] });
  assert.deepEqual(
    order(RFC3484_LABELS, ula, ['2001:db8:1::10', '198.51.100.10']).order.map((d) => d.text),
    ['2001:db8:1::10', '198.51.100.10'],
  );
});

test('rule 1: destinations of a family without route or address come last', () => {
  const result = order('', host('10.0.0.2/24'), ['2001:db8::1', '198.51.100.10']);
  assert.deepEqual(
    result.order.map((d) => d.text),
    ['198.51.100.10', '2001:db8::1'],
  );
  assert.equal(result.decisions[0].rule, 1);
});

test('rule 3: a deprecated source loses', () => {
  const result = order('', host('2001:db8:1::2/64,deprecated', '10.0.0.2/24'), ['2001:db8:1::10', '198.51.100.10']);
  assert.equal(result.decisions[0].rule, 3);
  assert.equal(result.order[0].text, '198.51.100.10');
});

test('rule 6 with the IPv4 preference and rule 8 for smaller scope', () => {
  const prefer4 =
    'precedence ::1/128 50\nprecedence ::/0 40\nprecedence 2002::/16 30\nprecedence ::/96 20\nprecedence ::ffff:0:0/96 100\n';
  const result = order(prefer4, host('2001:db8:1::2/64', '10.0.0.2/24'), ['2001:db8:1::10', '198.51.100.10']);
  assert.equal(result.order[0].text, '198.51.100.10');
  assert.equal(result.decisions[0].rule, 6);
  const scoped = order('', host('10.0.0.2/24'), ['198.51.100.10', '127.0.0.1']);
  assert.equal(scoped.order[0].text, '127.0.0.1');
});

test('rule 7 ranks a tunnel source below a native one when precedence ties', () => {
  const result = order('', host('2001:db8:1::2/64,tunnel,dev=sit1', '2001:db8:2::2/64,dev=eth0'), [
    '2001:db8:1::10',
    '2001:db8:2::10',
  ]);
  assert.equal(result.order[0].text, '2001:db8:2::10');
  assert.equal(result.decisions[0].rule, 7);
});

test('rule 9: longest matching prefix, IPv4 only inside the source subnet', () => {
  const v6 = order('', host('2001:db8:1::2/64'), ['2001:db8:2::10', '2001:db8:1::10']);
  assert.equal(v6.order[0].text, '2001:db8:1::10');
  assert.equal(v6.decisions[0].rule, 9);
  // glibc knows IPv4 prefix lengths only on a host with an IPv6 address other than ::1.
  const v4 = order('', host('10.0.0.2/24', 'fe80::2/64'), ['10.0.1.10', '10.0.0.10']);
  assert.equal(v4.order[0].text, '10.0.0.10');
  assert.deepEqual(v4.decisions[0].values, { matchingPrefix: [0, 28] });
  const ipv4Only = order('', host('10.0.0.2/24'), ['10.0.1.10', '10.0.0.10']);
  assert.equal(ipv4Only.order[0].text, '10.0.1.10');
  assert.deepEqual(ipv4Only.decisions[0].values, { originalPosition: [1, 2], matchingPrefixIfKnown: [0, 28] });
});

test('rule 10 keeps the original order; every comparison is recorded', () => {
  const result = order('', host('10.0.0.2/24'), ['198.51.100.10', '198.51.100.11', '203.0.113.5']);
  assert.deepEqual(
    result.order.map((d) => d.text),
    ['198.51.100.10', '198.51.100.11', '203.0.113.5'],
  );
  assert.ok(result.decisions.every((d) => d.rule === 10));
  assert.equal(result.decisions.length, 2);
});
