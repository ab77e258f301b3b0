/**
 * "gai.conf: Apply the ULA Fix to Containers…": the containers that try IPv4 first because of
 * glibc's ULA label, picked in a quick pick (all of them pre-selected), each one's diff on request,
 * then the fix written into each picked container alone (with a backup, owner, group, mode and
 * inode kept), with progress and a cancel, and a result per container. The view lists again
 * afterwards; the Measure view is offered to see the traffic move.
 */

import {
  commands,
  ExtensionContext,
  OutputChannel,
  ProgressLocation,
  QuickPickItem,
  Uri,
  window,
  workspace,
} from 'vscode';

import type { ContainerListEntry } from '../../server/src/lsp/protocol';
import type { ContainerFileSystem } from './containerFileSystem';
import { CLIENT_COMMANDS } from './protocol';
import type { ContainersView } from './views/containers';

const APPLY_ULA_FIX_COMMAND = 'gaiconf.applyUlaFixToContainers';
const FIXED_SCHEME = 'gai-conf-container-fixed';
const APPLY = 'Apply';
const SHOW_DIFFS = 'Show Diffs';
const MEASURE = 'Measure IPv6 Share…';
const SHOW_RESULTS = 'Show Results';

interface Planned {
  readonly entry: ContainerListEntry;
  readonly before: string | null;
  readonly after: string;
}

type Result = { readonly entry: ContainerListEntry; readonly line: string; readonly written: boolean };

export function registerContainerUlaFix(
  context: ExtensionContext,
  fileSystem: ContainerFileSystem,
  view: ContainersView,
): void {
  const fixedTexts = new Map<string, string>();
  let output: OutputChannel | undefined;

  async function plan(entries: readonly ContainerListEntry[]): Promise<Planned[]> {
    const planned: Planned[] = [];
    for (const entry of entries) {
      const file = await fileSystem.fetch(Uri.parse(entry.uri));
      if (file.ulaFixed !== null) planned.push({ entry, before: file.text, after: file.ulaFixed });
    }
    return planned;
  }

  async function showDiffs(planned: readonly Planned[]): Promise<void> {
    for (const { entry, before, after } of planned) {
      const fixed = Uri.from({ scheme: FIXED_SCHEME, path: Uri.parse(entry.uri).path });
      fixedTexts.set(fixed.toString(), after);
      // The file as read for this fix, not the live one: the diff still shows the change once applied.
      const left = Uri.from({ scheme: FIXED_SCHEME, path: `${fixed.path}.before` });
      fixedTexts.set(left.toString(), before ?? '');
      await commands.executeCommand('vscode.diff', left, fixed, `${entry.name}: gai.conf ↔ with the ULA fix`, {
        preview: false,
      });
    }
  }

  async function apply(planned: readonly Planned[]): Promise<Result[]> {
    return window.withProgress(
      { location: ProgressLocation.Notification, title: 'gai.conf: applying the ULA fix', cancellable: true },
      async (progress, token) => {
        const results: Result[] = [];
        for (const [index, { entry, after }] of planned.entries()) {
          if (token.isCancellationRequested) {
            results.push({ entry, line: `${entry.name}: not changed (cancelled)`, written: false });
            continue;
          }
          progress.report({
            message: `${entry.name} (${index + 1} of ${planned.length})`,
            increment: 100 / planned.length,
          });
          try {
            const outcome = await fileSystem.save(Uri.parse(entry.uri), after);
            const line = !outcome
              ? 'not changed: no password for sudo'
              : outcome.kind === 'written'
                ? `fixed${outcome.backup ? `; the previous version is in ${outcome.backup}` : ' (created)'}`
                : outcome.kind === 'changed'
                  ? 'not changed: its file changed since it was read'
                  : outcome.kind === 'refused'
                    ? `not changed: ${outcome.message}`
                    : 'not changed: needs root';
            results.push({ entry, line: `${entry.name}: ${line}`, written: outcome?.kind === 'written' });
          } catch (error) {
            results.push({ entry, line: `${entry.name}: not changed: ${(error as Error).message}`, written: false });
          }
        }
        return results;
      },
    );
  }

  async function run(): Promise<void> {
    if (!view.current()) await view.refresh();
    const candidates = (view.current()?.containers ?? []).filter((c) => c.ulaFix);
    if (candidates.length === 0) {
      void window.showInformationMessage(
        'No container tries IPv4 first because of the ULA label (refresh the Containers view to scan again).',
      );
      return;
    }
    const items = candidates.map((entry): QuickPickItem & { entry: ContainerListEntry } => ({
      label: entry.name,
      description: `${entry.runtime} · ${entry.libc} · ${entry.addresses.join(' ')}`,
      detail:
        entry.file === 'absent' ? `no gai.conf yet: one is created with the fix; ${entry.reason ?? ''}` : entry.reason,
      picked: true,
      entry,
    }));
    const picked = await window.showQuickPick(items, {
      canPickMany: true,
      title: 'gai.conf: Apply the ULA Fix to Containers',
      placeHolder: 'The containers to fix (they try IPv4 first because of the ULA label)',
    });
    if (!picked || picked.length === 0) return;
    const planned = await plan(picked.map((p) => p.entry));
    let answer: string | undefined;
    do {
      answer = await window.showWarningMessage(
        `Apply the ULA fix to ${planned.length} container${planned.length === 1 ? '' : 's'} (${planned.map((p) => p.entry.name).join(', ')})? Each file is backed up first; no other container changes.`,
        { modal: true },
        APPLY,
        SHOW_DIFFS,
      );
      if (answer === SHOW_DIFFS) await showDiffs(planned);
    } while (answer === SHOW_DIFFS);
    if (answer !== APPLY) return;
    const results = await apply(planned);
    output ??= window.createOutputChannel('gai.conf: Containers');
    output.appendLine(`The ULA fix, ${new Date().toISOString()}:`);
    for (const result of results) output.appendLine(`  ${result.line}`);
    await view.refresh();
    const written = results.filter((r) => r.written).length;
    const actions = [
      SHOW_RESULTS,
      ...((await commands.getCommands(true)).includes(CLIENT_COMMANDS.measureIpv6Share) ? [MEASURE] : []),
    ];
    const message = `The ULA fix: ${written} of ${results.length} container${results.length === 1 ? '' : 's'} fixed. ${results
      .filter((r) => !r.written)
      .map((r) => r.line)
      .join('; ')}${written > 0 ? ' Programs already running in them keep the tables they read: restart them.' : ''}`;
    const choice = await window.showInformationMessage(message, ...actions);
    if (choice === SHOW_RESULTS) output.show(true);
    if (choice === MEASURE) void commands.executeCommand(CLIENT_COMMANDS.measureIpv6Share);
  }

  context.subscriptions.push(
    workspace.registerTextDocumentContentProvider(FIXED_SCHEME, {
      provideTextDocumentContent: (uri) => fixedTexts.get(uri.toString()) ?? '',
    }),
    commands.registerCommand(APPLY_ULA_FIX_COMMAND, run),
  );
}
