/**
 * The one place that says how a gai.conf is analysed on this machine, for the editor's documents
 * and the CLI's files alike: the glibc to imitate, this machine's C library, a template by its
 * name, and for the live /etc/gai.conf this machine's own addresses and routes (read locally, no
 * traffic), since the live file is judged for this machine too.
 */

import { AnalysisOptions } from '../analysis/analysis';
import { isTemplateName } from '../analysis/templates';
import { GlibcVersion } from '../glibc/versions';
import { withKernelLabels } from './addressLabels';
import { runtimeLibc } from './cLibrary';
import { isLiveDocument } from './files';
import { systemHost } from './host';
import { isLiveGaiConf } from './liveFile';

export interface FileFacts {
  /** Whether it is the live /etc/gai.conf; found out from `name` when not given. */
  readonly live?: boolean;
  /** Read as a template even when its name does not say so (the CLI's --template). */
  readonly template?: boolean;
  /** For the live file: this machine's sources follow its own `ip addrlabel` table (starts `ip`). */
  readonly kernelLabels?: boolean;
}

/** The options for the file `name`: a path, or a document's uri (`file:` for a local file). */
export function analysisOptionsFor(name: string, glibc: GlibcVersion, facts: FileFacts = {}): AnalysisOptions {
  const live = facts.live ?? (name.startsWith('file:') ? isLiveDocument(name) : isLiveGaiConf(name));
  const thisMachine = live ? (facts.kernelLabels ? withKernelLabels(systemHost()).host : systemHost()) : undefined;
  return {
    glibc,
    hostLibc: runtimeLibc(),
    template: facts.template || isTemplateName(name),
    ...(thisMachine ? { thisMachine } : {}),
  };
}
