/**
 * "Who follows this file?" on this machine, only when the user asks: the installed runtimes (each
 * asked its version, which starts it), the processes in /proc, and the live /etc/gai.conf's
 * modification time and `reload` setting. No network, nothing written, no privilege asked for.
 */

import { analyzeGaiConf } from '../analysis/analysis';
import { WhoFollowsReport, whoFollowsReport } from '../features/whoFollows';
import { resolveGlibcVersion } from './cLibrary';
import { FileReadError, readGaiConfFile } from './files';
import { installedPrograms } from './installedRuntimes';
import { LIVE_GAI_CONF } from './liveFile';
import { modifiedAtMs, scanProcesses } from './processes';

export function whoFollowsThisMachine(): WhoFollowsReport {
  let text = '';
  try {
    text = readGaiConfFile(LIVE_GAI_CONF);
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
  }
  const reload = analyzeGaiConf(text, { glibc: resolveGlibcVersion()! }).tables.reload;
  return whoFollowsReport({
    liveFile: { path: LIVE_GAI_CONF, modifiedAtMs: modifiedAtMs(LIVE_GAI_CONF), reload },
    installed: installedPrograms(),
    scan: scanProcesses(),
    modifiedAtMs,
  });
}
