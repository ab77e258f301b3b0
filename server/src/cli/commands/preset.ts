/** gai-conf preset NAME: a whole policy as a complete gai.conf, printed or written safely. */

import { analyzeGaiConf } from '../../analysis/analysis';
import { choosePreset } from '../../analysis/presetChoice';
import { Preset, presetById, PRESETS } from '../../analysis/reference/presets';
import { activeLines } from '../../features/codeActions/resetToDefaults';
import { presetFile } from '../../features/tablesFile';
import { FileReadError, readGaiConfFile } from '../../system/files';
import { WriteError, writeFileAtomically } from '../../system/writeFile';
import { glibcFor, hostFor, InputError, Output, ParsedArguments, UsageError } from '../arguments';

const PRESET_NAMES = [...PRESETS.map((p) => p.id), 'auto'];

/** Refuses to replace a file glibc reads rows from unless --force: its rows would be lost. */
function guardActiveLines(args: ParsedArguments, file: string, glibc: ReturnType<typeof glibcFor>): void {
  let text: string;
  try {
    text = readGaiConfFile(file);
  } catch (error) {
    if (error instanceof FileReadError && !/ENOENT|no such file/i.test(error.message))
      throw new InputError(error.message);
    return;
  }
  const active = activeLines(analyzeGaiConf(text, { glibc }));
  if (active.length > 0 && !args.force) {
    throw new InputError(
      `${file} has ${active.length} active line${active.length === 1 ? '' : 's'} (first: line ${active[0].index + 1}), which this would replace; \`gai-conf table --format gai.conf ${file}\` exports what they do, --force replaces them`,
    );
  }
}

export function writeOrPrint(args: ParsedArguments, output: Output, text: string, what: string): number {
  if (args.output === undefined) {
    output.out(text.replace(/\n$/, ''));
    return 0;
  }
  try {
    writeFileAtomically(args.output, text);
  } catch (error) {
    throw error instanceof WriteError ? new InputError(error.message) : error;
  }
  output.err(
    `gai-conf: wrote ${what} to ${args.output}; programs already running keep the tables they read until restarted.`,
  );
  return 0;
}

export function preset(args: ParsedArguments, output: Output): number {
  const [name, ...rest] = args.positional;
  if (name === undefined || rest.length > 0) throw new UsageError(`preset takes one name: ${PRESET_NAMES.join(', ')}`);
  const glibc = glibcFor(args);
  let chosen: Preset | undefined = presetById(name);
  let reason: string | undefined;
  if (name === 'auto') {
    const choice = choosePreset(hostFor(args), glibc);
    chosen = choice.preset;
    reason = choice.reason;
    output.err(`gai-conf: auto chose ${chosen.id}: ${reason}`);
  }
  if (!chosen) throw new UsageError(`unknown preset "${name}" (${PRESET_NAMES.join(', ')})`);
  if (args.sources.length > 0 && name !== 'auto')
    throw new UsageError('--source describes the host for "preset auto" only');
  if (args.output !== undefined) guardActiveLines(args, args.output, glibc);
  return writeOrPrint(args, output, presetFile(chosen, glibc, reason), `the ${chosen.id} preset`);
}
