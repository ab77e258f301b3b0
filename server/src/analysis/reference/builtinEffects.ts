/**
 * What the effects model works out for the typical hosts under glibc's built-in tables, which no
 * glibc version changes: the probe address that stands for each role, and the family each host
 * profile tries first for each destination pair with either address listed first. The analysis of
 * a file that changes no table (Debian's stock file) reads these instead of running glibc's sort
 * 72 times at start-up. Written by scripts/builtinEffects.mjs from the model itself;
 * test/unit/builtinEffects.test.ts fails when the model's answer differs. Data only.
 */

import type { FamilyChoice } from '../effects';
import type { PairId, ProfileId, RoleName } from './hostProfiles';

export const BUILTIN_PROBES: Readonly<Record<RoleName, string>> = {
  ulaSource: 'fd42::2/64',
  globalSource: '2001:db8:2::2/64',
  linkLocalSource: 'fe80::2/64',
  privateIpv4Source: '10.0.0.2/24',
  globalDestination: '2001:db8:1::10',
  ulaDestination: 'fd42:0:0:1::10',
  sixToFourDestination: '2002:c633:6401::10',
  teredoDestination: '2001:0:4136:e378::10',
  nat64Destination: '64:ff9b::c633:640a',
  loopbackIpv6: '::1',
  publicIpv4Destination: '198.51.100.10',
  privateIpv4Destination: '10.0.1.10',
  loopbackIpv4: '127.0.0.1',
};

export const BUILTIN_CHOICES: Readonly<Record<ProfileId, Readonly<Record<PairId, FamilyChoice>>>> = {
  ula: { global: 'ipv4', ula: 'ipv6', '6to4': 'ipv4', teredo: 'ipv4', nat64: 'ipv4', loopback: 'ipv6' },
  global: { global: 'ipv6', ula: 'ipv4', '6to4': 'ipv4', teredo: 'ipv4', nat64: 'ipv6', loopback: 'ipv6' },
  'ula-global': { global: 'ipv6', ula: 'ipv6', '6to4': 'ipv4', teredo: 'ipv4', nat64: 'ipv6', loopback: 'ipv6' },
  'ipv4-only': { global: 'ipv4', ula: 'ipv4', '6to4': 'ipv4', teredo: 'ipv4', nat64: 'ipv4', loopback: 'ipv6' },
  'no-ipv6': { global: 'ipv4', ula: 'ipv4', '6to4': 'ipv4', teredo: 'ipv4', nat64: 'ipv4', loopback: 'ipv6' },
  'ipv6-only': { global: 'ipv6', ula: 'ipv6', '6to4': 'ipv6', teredo: 'ipv6', nat64: 'ipv6', loopback: 'ipv6' },
};
