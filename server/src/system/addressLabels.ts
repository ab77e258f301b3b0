/**
 * The kernel's address-label table (`ip addrlabel`), which decides the IPv6 source the kernel
 * gives a destination and so the source glibc sorts with. Only the kernel knows it (netlink
 * RTM_GETADDRLABEL, which Node cannot speak without a native module), so it is read by starting
 * `ip -6 addrlabel list`, and only when the user asks about this machine.
 */

import { existsSync } from 'fs';

import { parseIpv6Bytes } from '../glibc/addresses';
import { AddressLabel, Host, isKernelDefaultLabels, KernelLabelsReading } from '../glibc/sourceSelection';

export type { KernelLabelsReading };

const IP_CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];
const TIMEOUT_MS = 5000;

/** One line of `ip -6 addrlabel list`: "prefix 2001:db8::/32 dev eth0 label 9". */
export function parseAddressLabelLine(line: string): AddressLabel | undefined {
  const words = line.trim().split(/\s+/);
  const at = (key: string) => {
    const i = words.indexOf(key);
    return i >= 0 ? words[i + 1] : undefined;
  };
  const [prefixText, bitsText] = (at('prefix') ?? '').split('/');
  const labelText = at('label');
  const bytes = parseIpv6Bytes(prefixText ?? '');
  if (
    !bytes ||
    !bitsText ||
    !/^\d+$/.test(bitsText) ||
    Number(bitsText) > 128 ||
    !labelText ||
    !/^\d+$/.test(labelText)
  )
    return undefined;
  const device = at('dev');
  return { bytes, bits: Number(bitsText), value: Number(labelText), ...(device ? { interface: device } : {}) };
}

/** The rows in the kernel's lookup order (the order it lists them), or why they could not be read. */
export function readKernelAddressLabels(): KernelLabelsReading {
  const ip = IP_CANDIDATES.find((candidate) => existsSync(candidate));
  if (!ip)
    return {
      ok: false,
      reason:
        "`ip` (iproute2) is not installed, so the kernel's address labels cannot be read; Linux's defaults are assumed",
    };
  const command = `${ip} -6 addrlabel list`;
  // Loaded here, not with this module: child_process costs several milliseconds of every start of
  // the CLI, and only this reading (and the commands that start processes) needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const run = spawnSync(ip, ['-6', 'addrlabel', 'list'], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { LC_ALL: 'C' },
  });
  if (run.error || run.status !== 0) {
    const detail = run.error?.message ?? (run.stderr.trim() || `exit status ${run.status}`);
    return { ok: false, reason: `\`${command}\` failed (${detail}); Linux's default address labels are assumed` };
  }
  const lines = run.stdout.split('\n').filter((l) => l.trim() !== '');
  const labels = lines.map(parseAddressLabelLine);
  const unread = lines.filter((_, i) => labels[i] === undefined);
  if (unread.length > 0)
    return {
      ok: false,
      reason: `\`${command}\` printed lines gai-conf cannot read (${JSON.stringify(unread[0])}); Linux's default address labels are assumed`,
    };
  return { ok: true, labels: labels as AddressLabel[], command };
}

/**
 * This machine as the kernel sees it, with its address labels: a note when they are not Linux's
 * defaults (the sources follow them) or cannot be read (the defaults are assumed).
 */
export function withKernelLabels(host: Host): { readonly host: Host; readonly note?: string } {
  const reading = readKernelAddressLabels();
  if (!reading.ok) return { host, note: `Kernel address labels: ${reading.reason}.` };
  const note = isKernelDefaultLabels(reading.labels)
    ? undefined
    : "Kernel address labels: this machine's differ from Linux's defaults (`gai-conf table --kernel-labels` lists them); the sources below follow them.";
  return { host: { ...host, addressLabels: reading.labels }, ...(note ? { note } : {}) };
}
