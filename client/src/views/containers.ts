/**
 * "gai.conf: Containers": the containers of the machine where the extension runs, grouped by what
 * they try first for dual-stacked destinations, each with its runtime, libc and addresses, the
 * verdict's reason in its tooltip. It scans only when asked (the refresh button), with progress
 * and a cancel; "Scan as root…" appears when something could not be read and runs sudo only when
 * clicked. A click opens the container's gai.conf, analysed for that container; a container
 * without one is offered a new file, from the stock text or with the ULA fix.
 */

import {
  CancellationTokenSource,
  commands,
  EventEmitter,
  ExtensionContext,
  MarkdownString,
  ProgressLocation,
  ThemeIcon,
  TreeDataProvider,
  TreeItem,
  TreeItemCollapsibleState,
  Uri,
  window,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import type {
  ContainerGroup,
  ContainerListEntry,
  ContainersParams,
  ContainersResult,
  UnreadableContainer,
} from '../../../server/src/lsp/protocol';
import type { ContainerFileSystem } from '../containerFileSystem';
import { scanAsRoot } from '../containerSudo';
import { ContainersProgressNotification, ContainersRequest } from '../protocol';

const CONTAINER_COMMANDS = {
  refresh: 'gaiconf.refreshContainers',
  scanAsRoot: 'gaiconf.scanContainersAsRoot',
  open: 'gaiconf.openContainerFile',
} as const;

const VIEW_ID = 'gaiconf.containers';

const GROUPS: readonly { readonly group: ContainerGroup; readonly title: string; readonly icon: string }[] = [
  { group: 'ipv4-first', title: 'IPv4 first', icon: 'arrow-down' },
  { group: 'ipv6-first', title: 'IPv6 first', icon: 'arrow-up' },
  { group: 'dns-order', title: 'in the order DNS answers', icon: 'arrow-swap' },
  { group: 'one-family', title: 'one family only', icon: 'dash' },
  { group: 'ignored', title: 'file ignored (musl, no C library)', icon: 'circle-slash' },
  { group: 'unreadable', title: 'not readable', icon: 'lock' },
];

type Node =
  | { readonly kind: 'group'; readonly group: ContainerGroup }
  | { readonly kind: 'container'; readonly entry: ContainerListEntry }
  | { readonly kind: 'unseen'; readonly entry: UnreadableContainer }
  | { readonly kind: 'scan-as-root' };

function containerItem(entry: ContainerListEntry): TreeItem {
  const item = new TreeItem(entry.name, TreeItemCollapsibleState.None);
  item.id = entry.id;
  item.description = [entry.runtime, entry.libc, entry.addresses.join(' ') || 'no addresses'].join(' · ');
  const tooltip = new MarkdownString();
  tooltip.appendMarkdown(
    `**${entry.name}** (${[entry.runtime, entry.project, entry.image].filter(Boolean).join(', ')})\n\n`,
  );
  tooltip.appendText(`${entry.choice}\n\n`);
  if (entry.reason) tooltip.appendText(`Why: ${entry.reason}.\n\n`);
  tooltip.appendText(`${entry.libc}; ${entry.addresses.join(', ') || 'no addresses'}\n\n`);
  const file =
    entry.file === 'present'
      ? entry.hostPath
      : entry.file === 'absent'
        ? `no /etc/gai.conf (built-in tables): click to create one`
        : `${entry.hostPath}: ${entry.fileProblem ?? entry.file}`;
  tooltip.appendText(`${file}\n\n`);
  if (entry.findings.length > 0) tooltip.appendText(`Findings: ${entry.findings.join(', ')}`);
  item.tooltip = tooltip;
  item.iconPath = new ThemeIcon(entry.file === 'absent' ? 'new-file' : 'file');
  item.contextValue = entry.ulaFix ? 'gaiconf.container.ulaFix' : 'gaiconf.container';
  item.command = { title: 'Open gai.conf', command: CONTAINER_COMMANDS.open, arguments: [entry] };
  return item;
}

function unseenItem(entry: UnreadableContainer): TreeItem {
  const item = new TreeItem(entry.name ?? entry.what, TreeItemCollapsibleState.None);
  item.description = entry.reason;
  item.tooltip = new MarkdownString().appendText(`${entry.what}: ${entry.reason}.\n\nWhat to do: ${entry.remedy}.`);
  item.iconPath = new ThemeIcon('eye-closed');
  return item;
}

export interface ContainersView {
  /** The last list: the batch fix picks from it. */
  readonly current: () => ContainersResult | undefined;
  /** Lists again: a new scan, or the last one's containers with the files as saved since (after a scan as root, which only sudo could repeat). */
  readonly refresh: () => Promise<void>;
}

export function registerContainersView(
  context: ExtensionContext,
  client: LanguageClient,
  fileSystem: ContainerFileSystem,
): ContainersView {
  let result: ContainersResult | undefined;
  const changed = new EventEmitter<Node | undefined>();

  const entriesIn = (group: ContainerGroup) => (result?.containers ?? []).filter((c) => c.group === group);

  const provider: TreeDataProvider<Node> = {
    onDidChangeTreeData: changed.event,
    getChildren(node?: Node): Node[] {
      if (!result) return [];
      if (!node) {
        return GROUPS.filter(
          ({ group }) => entriesIn(group).length > 0 || (group === 'unreadable' && result!.unreadable.length > 0),
        ).map(({ group }) => ({ kind: 'group', group }));
      }
      if (node.kind !== 'group') return [];
      const nodes: Node[] = entriesIn(node.group).map((entry) => ({ kind: 'container', entry }));
      if (node.group === 'unreadable') {
        nodes.push(...result.unreadable.map((entry): Node => ({ kind: 'unseen', entry })));
        if (!result.asRoot) nodes.push({ kind: 'scan-as-root' });
      }
      return nodes;
    },
    getTreeItem(node: Node): TreeItem {
      switch (node.kind) {
        case 'group': {
          const { title, icon } = GROUPS.find((g) => g.group === node.group)!;
          const count =
            entriesIn(node.group).length + (node.group === 'unreadable' ? (result?.unreadable.length ?? 0) : 0);
          const item = new TreeItem(title, TreeItemCollapsibleState.Expanded);
          item.id = `group:${node.group}`;
          item.description = String(count);
          item.iconPath = new ThemeIcon(icon);
          return item;
        }
        case 'container':
          return containerItem(node.entry);
        case 'unseen':
          return unseenItem(node.entry);
        case 'scan-as-root': {
          const item = new TreeItem('Scan as root…', TreeItemCollapsibleState.None);
          item.iconPath = new ThemeIcon('shield');
          item.tooltip =
            "Scans as root through sudo (your password is asked if sudo wants it): the extension's own language server reads /proc and the runtimes' APIs, nothing else runs.";
          item.command = { title: 'Scan as root…', command: CONTAINER_COMMANDS.scanAsRoot };
          return item;
        }
      }
    },
  };

  const view = window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });

  function show(next: ContainersResult): void {
    result = next;
    const unseen = next.unreadable.length;
    view.message =
      unseen > 0
        ? `${next.summary} ${unseen} not seen: see "not readable" below${next.asRoot ? '' : ', or Scan as root'}.`
        : next.summary;
    void commands.executeCommand('setContext', 'gaiconf.containersUnreadable', unseen > 0 && !next.asRoot);
    void commands.executeCommand(
      'setContext',
      'gaiconf.containersUlaFix',
      next.containers.some((c) => c.ulaFix),
    );
    changed.fire(undefined);
  }

  /** One request with progress in the view and a notification with Cancel. */
  async function list(params: ContainersParams, title: string): Promise<void> {
    const cancel = new CancellationTokenSource();
    try {
      const next = await window.withProgress(
        { location: ProgressLocation.Notification, title, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => cancel.cancel());
          const listening = client.onNotification(ContainersProgressNotification, (p) =>
            progress.report({ message: `${p.source}: ${p.done}${p.total !== undefined ? ` of ${p.total}` : ''}` }),
          );
          try {
            return await window.withProgress({ location: { viewId: VIEW_ID } }, () =>
              client.sendRequest(ContainersRequest, params, cancel.token),
            );
          } finally {
            listening.dispose();
          }
        },
      );
      show(next);
    } catch (error) {
      if (!cancel.token.isCancellationRequested)
        void window.showErrorMessage(`gai.conf: Containers: ${(error as Error).message}`);
    } finally {
      cancel.dispose();
    }
  }

  const refresh = () =>
    list({ mode: result?.asRoot && !isRootHere() ? 'known' : 'scan' }, 'gai.conf: scanning the containers');

  async function rootScan(): Promise<void> {
    try {
      const report = await scanAsRoot(context.asAbsolutePath('dist/server.js'));
      if (report === undefined) return;
      await list({ mode: 'report', report }, 'gai.conf: reading the scan as root');
    } catch (error) {
      void window.showErrorMessage(`gai.conf: Scan as root: ${(error as Error).message}`);
    }
  }

  async function open(entry?: ContainerListEntry): Promise<void> {
    if (!entry) return;
    const uri = Uri.parse(entry.uri);
    if (entry.file === 'refused' || entry.file === 'unreadable') {
      void window.showErrorMessage(`${entry.name}: ${entry.hostPath}: ${entry.fileProblem ?? entry.file}`);
      return;
    }
    if (entry.file === 'absent') {
      const file = await fileSystem.fetch(uri);
      if (file.text === null) {
        const choices = [
          ...(file.ulaFixed !== null ? ['Create with the ULA Fix'] : []),
          ...(file.stock !== null ? ['Create from the Stock File'] : []),
          'Create Empty',
        ];
        const answer = await window.showInformationMessage(
          `${entry.name} has no /etc/gai.conf: its glibc uses the built-in tables (${entry.choice}). Create one?`,
          { modal: true },
          ...choices,
        );
        if (!answer) return;
        const text =
          answer === choices[0] && file.ulaFixed !== null ? file.ulaFixed : answer.includes('Stock') ? file.stock! : '';
        const outcome = await fileSystem.save(uri, text);
        if (outcome?.kind !== 'written') {
          if (outcome)
            void window.showErrorMessage(
              `${entry.name}: not created: ${outcome.kind === 'refused' ? outcome.message : outcome.kind}`,
            );
          return;
        }
        await refresh();
      }
    }
    await window.showTextDocument(uri, { preview: false });
  }

  context.subscriptions.push(
    view,
    changed,
    commands.registerCommand(CONTAINER_COMMANDS.refresh, () =>
      list({ mode: 'scan' }, 'gai.conf: scanning the containers'),
    ),
    commands.registerCommand(CONTAINER_COMMANDS.scanAsRoot, rootScan),
    commands.registerCommand(CONTAINER_COMMANDS.open, open),
  );
  return { current: () => result, refresh };
}

function isRootHere(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
