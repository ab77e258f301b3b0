/**
 * The effects model's entries for a set of files, each judged by real glibc in network namespaces
 * set up as the entry's host, with each address listed first.
 */
import { FamilyChoice } from '../../server/src/analysis/effects';
import { addressText } from '../../server/src/glibc/addresses';
import { analyze, GLIBC_2_36 } from './glibc';
import { OracleHost, OracleScenario, resolveWithGlibc } from './namespaceResolver';

/** "ipv6" / "ipv4" when glibc returns that family first with either listed first, else "dns-order". */
export function firstFamily(ipv6: string, ipv6Listed: readonly string[], ipv4Listed: readonly string[]): FamilyChoice {
  const first6 = (order: readonly string[]) => order[0] === ipv6;
  return first6(ipv6Listed) && first6(ipv4Listed)
    ? 'ipv6'
    : !first6(ipv6Listed) && !first6(ipv4Listed)
      ? 'ipv4'
      : 'dns-order';
}

/** Every effects entry of every file against real glibc: the mismatches, and how many entries were judged. */
export async function judgeEffects(
  files: readonly { name: string; text: string }[],
): Promise<{ mismatches: string[]; judged: number }> {
  const scenarios: OracleScenario[] = [];
  const expectations: { name: string; ours: FamilyChoice; ipv6: string }[] = [];
  for (const file of files) {
    for (const effect of analyze(file.text, GLIBC_2_36).effects) {
      const host: OracleHost = {
        addresses: effect.host.host.addresses.map((a) => ({
          address: addressText(a.address),
          prefixLength: a.prefixLength,
        })),
        ...(effect.host.host.defaultRoutes ? { defaultRoutes: effect.host.host.defaultRoutes } : {}),
      };
      expectations.push({
        name: `${file.name} / ${effect.host.id} / ${effect.pair.id}`,
        ours: effect.file,
        ipv6: effect.ipv6,
      });
      scenarios.push(
        { host, config: file.text, destinations: [effect.ipv6, effect.ipv4] },
        { host, config: file.text, destinations: [effect.ipv4, effect.ipv6] },
      );
    }
  }
  const real = await resolveWithGlibc(scenarios);
  const mismatches = expectations.flatMap((expected, i) => {
    const glibc = firstFamily(expected.ipv6, real[2 * i], real[2 * i + 1]);
    return glibc === expected.ours ? [] : [`${expected.name}: glibc ${glibc}, ours ${expected.ours}`];
  });
  return { mismatches, judged: expectations.length };
}
