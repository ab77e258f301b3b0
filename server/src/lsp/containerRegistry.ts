/**
 * The containers of the last scan, by the path of their document, so that a container's gai.conf
 * opened in the editor is analysed for that container (its glibc, libc, addresses and routes) and
 * saved back into it. A scan as root through sudo (the client's "Scan as root…") is kept with
 * what it read: this server cannot read those files again without root.
 */

import { AnalysisOptions } from '../analysis/analysis';
import type { ContainerGaiConf, ContainerScan, DiscoveredContainer } from '../analysis/containerModel';
import { containerDocumentPath, containerDocumentPathOf } from '../features/containerList';
import { containerAnalysisOptions } from '../features/containerVerdict';

export class ContainerRegistry {
  private byPath = new Map<string, DiscoveredContainer>();
  private last: ContainerScan = { containers: [], unreadable: [], asRoot: false };
  /** Whether the last scan ran as root through sudo, not as this server's user. */
  fromSudo = false;

  replace(scan: ContainerScan, fromSudo: boolean): void {
    this.last = scan;
    this.fromSudo = fromSudo;
    this.byPath = new Map(scan.containers.map((c) => [containerDocumentPath(c), c]));
  }

  get scan(): ContainerScan {
    return { ...this.last, containers: [...this.byPath.values()] };
  }

  find(uri: string): DiscoveredContainer | undefined {
    const path = containerDocumentPathOf(uri);
    return path === undefined ? undefined : this.byPath.get(path);
  }

  isContainerDocument(uri: string): boolean {
    return containerDocumentPathOf(uri) !== undefined;
  }

  /** The file as read again or saved: later lists and verdicts use it. */
  updateFile(container: DiscoveredContainer, gaiConf: ContainerGaiConf): DiscoveredContainer {
    const updated = { ...container, gaiConf };
    this.byPath.set(containerDocumentPath(container), updated);
    return updated;
  }

  /** How a container's document is analysed; undefined for a document that is no container's. */
  optionsFor(uri: string): AnalysisOptions | undefined {
    const container = this.find(uri);
    return container && containerAnalysisOptions(container);
  }
}
