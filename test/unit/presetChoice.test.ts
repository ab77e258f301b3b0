/** `auto`: the preset for a host from its addresses (test/oracle/presets.test.ts has real glibc judge the choices). */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { choosePreset } from '../../server/src/analysis/presetChoice';
import { GLIBC_2_36, host } from '../support/glibc';

test('ULA hosts get prefer-ipv6; hosts the built-in tables serve keep them, and the reason names the addresses', () => {
  const ula = choosePreset(host('fd42::2/64', '10.0.0.2/24'), GLIBC_2_36);
  assert.equal(ula.preset.id, 'prefer-ipv6');
  assert.match(ula.reason, /fd42::2\/64, 10\.0\.0\.2\/24.*tries IPv4 first/);
  assert.equal(choosePreset(host('2001:db8:2::2/64', '10.0.0.2/24'), GLIBC_2_36).preset.id, 'glibc');
  assert.equal(choosePreset(host('fd42::2/64', '2001:db8:2::2/64', '10.0.0.2/24'), GLIBC_2_36).preset.id, 'glibc');
  assert.match(choosePreset(host('10.0.0.2/24'), GLIBC_2_36).reason, /no family to choose between/);
  assert.equal(choosePreset(host('2001:db8:2::2/64'), GLIBC_2_36).preset.id, 'glibc');
  assert.equal(choosePreset({ addresses: [] }, GLIBC_2_36).preset.id, 'glibc');
});
