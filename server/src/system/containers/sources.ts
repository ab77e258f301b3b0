/**
 * Every way this host's containers are found, in the order their findings are kept: /proc first
 * (as root it reads everything), then the runtimes' own APIs for what an ordinary user may ask.
 * The CLI, the editor's Containers view and its root helper scan with the same list.
 */

import { dockerSource, podmanSource } from './engineSource';
import { lxdSource } from './lxdSource';
import type { DiscoverySource } from './model';
import { procSource } from './procSource';

export function hostContainerSources(): DiscoverySource[] {
  return [procSource(), lxdSource(), podmanSource(), dockerSource()];
}
