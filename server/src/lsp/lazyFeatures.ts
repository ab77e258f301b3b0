/**
 * What the server loads at the first request that needs it rather than at its start: the first
 * diagnostics need only the analysis, and the rest (hover, completion, formatting, explanations,
 * who-follows, the census, the containers, the readers of Dockerfiles, scripts, YAML and Nix) is
 * most of the code. One module, so that the bundle puts it in one chunk (and a few shared with
 * the start) instead of dozens of small files each read at start.
 */

export { completionsAt } from '../features/completion';
export { compareCensuses } from '../features/connections/report';
export { checkDiagnostics, embeddedCheckOf } from '../features/embeddedDiagnostics';
export { embeddedFixes } from '../features/embeddedFixes';
export { explainReport } from '../features/explain';
export { formatEdits } from '../features/formatting';
export { hoverAt } from '../features/hover';
export { kernelLabelsReport } from '../features/kernelLabels';
export { policyTables } from '../features/policyTables';
export { readKernelAddressLabels, withKernelLabels } from '../system/addressLabels';
export { censusNow } from '../system/connections/read';
export { readGaiConfAgain, saveContainerGaiConf } from '../system/containers/containerAccess';
export { discoverContainers } from '../system/containers/discovery';
export { hostContainerSources } from '../system/containers/sources';
export { QueryError, resolveQuery } from '../system/resolve';
export { whoFollowsThisMachine } from '../system/whoFollows';
