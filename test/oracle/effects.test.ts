/**
 * The effects model against real glibc: for every corpus file, every host profile and destination
 * pair, with each address listed first, the family glibc's getaddrinfo() returns first in a
 * network namespace set up as that host must be the one the model says (a tie: the listed order kept).
 */
import assert from 'node:assert/strict';

import { corpus } from '../support/corpus';
import { judgeEffects } from '../support/effectsJudge';
import { orderOracleUnavailable } from '../support/namespaceResolver';
import { testNeeding } from '../support/prerequisites';

const unavailable = orderOracleUnavailable();

testNeeding(
  unavailable,
  'every effects entry of every corpus file agrees with real glibc, with both DNS orders',
  { timeout: 900_000 },
  async () => {
    const { mismatches, judged } = await judgeEffects(corpus());
    assert.ok(judged >= 40 * 36, `${judged} effects`);
    assert.deepEqual(mismatches, []);
  },
);
