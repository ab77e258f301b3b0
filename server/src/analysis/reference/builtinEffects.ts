/**
 * What the effects model works out for the typical hosts under glibc's built-in tables, which no
 * glibc version changes: per host profile, the probe addresses that stand for its roles, and per
 * destination pair the two probes and the family glibc tries first with either listed first. The
 * analysis of a file that changes no table (Debian's stock file) reads these instead of running
 * glibc's sort 72 times at start-up. Written by scripts/builtinEffects.mjs from the model itself;
 * test/unit/builtinEffects.test.ts fails when the model's answer differs. Data only.
 */

import type { FamilyChoice } from '../effects';
import type { PairId, ProfileId } from './hostProfiles';

export interface RecordedPairEffect {
  readonly ipv6: string;
  readonly ipv4: string;
  readonly choice: FamilyChoice;
}

export interface RecordedProfileEffects {
  /** The probes for the profile's roles, in their order. */
  readonly addresses: readonly string[];
  readonly pairs: Readonly<Record<PairId, RecordedPairEffect>>;
}

export const BUILTIN_EFFECTS: Readonly<Record<ProfileId, RecordedProfileEffects>> = {
  ula: {
    addresses: ['fd42::2/64', '10.0.0.2/24'],
    pairs: {
      global: { ipv6: '2001:db8:1::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      ula: { ipv6: 'fd42:0:0:1::10', ipv4: '10.0.1.10', choice: 'ipv6' },
      '6to4': { ipv6: '2002:c633:6401::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      teredo: { ipv6: '2001:0:4136:e378::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      nat64: { ipv6: '64:ff9b::c633:640a', ipv4: '198.51.100.10', choice: 'ipv4' },
      loopback: { ipv6: '::1', ipv4: '127.0.0.1', choice: 'ipv6' },
    },
  },
  global: {
    addresses: ['2001:db8:2::2/64', '10.0.0.2/24'],
    pairs: {
      global: { ipv6: '2001:db8:1::10', ipv4: '198.51.100.10', choice: 'ipv6' },
      ula: { ipv6: 'fd42:0:0:1::10', ipv4: '10.0.1.10', choice: 'ipv4' },
      '6to4': { ipv6: '2002:c633:6401::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      teredo: { ipv6: '2001:0:4136:e378::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      nat64: { ipv6: '64:ff9b::c633:640a', ipv4: '198.51.100.10', choice: 'ipv6' },
      loopback: { ipv6: '::1', ipv4: '127.0.0.1', choice: 'ipv6' },
    },
  },
  'ula-global': {
    addresses: ['fd42::2/64', '2001:db8:2::2/64', '10.0.0.2/24'],
    pairs: {
      global: { ipv6: '2001:db8:1::10', ipv4: '198.51.100.10', choice: 'ipv6' },
      ula: { ipv6: 'fd42:0:0:1::10', ipv4: '10.0.1.10', choice: 'ipv6' },
      '6to4': { ipv6: '2002:c633:6401::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      teredo: { ipv6: '2001:0:4136:e378::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      nat64: { ipv6: '64:ff9b::c633:640a', ipv4: '198.51.100.10', choice: 'ipv6' },
      loopback: { ipv6: '::1', ipv4: '127.0.0.1', choice: 'ipv6' },
    },
  },
  'ipv4-only': {
    addresses: ['10.0.0.2/24', 'fe80::2/64'],
    pairs: {
      global: { ipv6: '2001:db8:1::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      ula: { ipv6: 'fd42:0:0:1::10', ipv4: '10.0.1.10', choice: 'ipv4' },
      '6to4': { ipv6: '2002:c633:6401::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      teredo: { ipv6: '2001:0:4136:e378::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      nat64: { ipv6: '64:ff9b::c633:640a', ipv4: '198.51.100.10', choice: 'ipv4' },
      loopback: { ipv6: '::1', ipv4: '127.0.0.1', choice: 'ipv6' },
    },
  },
  'no-ipv6': {
    addresses: ['10.0.0.2/24'],
    pairs: {
      global: { ipv6: '2001:db8:1::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      ula: { ipv6: 'fd42:0:0:1::10', ipv4: '10.0.1.10', choice: 'ipv4' },
      '6to4': { ipv6: '2002:c633:6401::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      teredo: { ipv6: '2001:0:4136:e378::10', ipv4: '198.51.100.10', choice: 'ipv4' },
      nat64: { ipv6: '64:ff9b::c633:640a', ipv4: '198.51.100.10', choice: 'ipv4' },
      loopback: { ipv6: '::1', ipv4: '127.0.0.1', choice: 'ipv6' },
    },
  },
  'ipv6-only': {
    addresses: ['2001:db8:2::2/64'],
    pairs: {
      global: { ipv6: '2001:db8:1::10', ipv4: '198.51.100.10', choice: 'ipv6' },
      ula: { ipv6: 'fd42:0:0:1::10', ipv4: '10.0.1.10', choice: 'ipv6' },
      '6to4': { ipv6: '2002:c633:6401::10', ipv4: '198.51.100.10', choice: 'ipv6' },
      teredo: { ipv6: '2001:0:4136:e378::10', ipv4: '198.51.100.10', choice: 'ipv6' },
      nat64: { ipv6: '64:ff9b::c633:640a', ipv4: '198.51.100.10', choice: 'ipv6' },
      loopback: { ipv6: '::1', ipv4: '127.0.0.1', choice: 'ipv6' },
    },
  },
};
