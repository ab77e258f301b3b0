/** The kernel's address-label table as the `table` command and the policy table view show it. */

import { ipv6TextForPeople } from '../glibc/addresses';
import { isKernelDefaultLabels, KernelLabelsReading } from '../glibc/sourceSelection';

export interface KernelLabelRow {
  /** "fc00::/7". */
  readonly prefix: string;
  readonly label: number;
  /** The row applies only on this interface (`dev NAME`). */
  readonly interface: string | null;
}

export type KernelLabelsReport =
  | { readonly rows: readonly KernelLabelRow[]; readonly isDefault: boolean; readonly command: string }
  | { readonly error: string };

export function kernelLabelsReport(reading: KernelLabelsReading): KernelLabelsReport {
  if (!reading.ok) return { error: reading.reason };
  return {
    rows: reading.labels.map((row) => ({
      prefix: `${ipv6TextForPeople(row.bytes)}/${row.bits}`,
      label: row.value,
      interface: row.interface ?? null,
    })),
    isDefault: isKernelDefaultLabels(reading.labels),
    command: reading.command,
  };
}
