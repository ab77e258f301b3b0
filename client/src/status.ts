/** The language status item showing the glibc the analysis assumes, and the picker that changes it. */

import {
  commands,
  ConfigurationTarget,
  ExtensionContext,
  languages,
  LanguageStatusSeverity,
  QuickPickItem,
  window,
  workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import type { StatusResult } from '../../server/src/lsp/protocol';
import { LANGUAGE_ID } from './documents';
import { StatusRequest } from './protocol';

const SELECT_GLIBC_COMMAND = 'gaiconf.selectGlibcVersion';

/** Versions worth offering by name, with the systems that ship them. */
const KNOWN_GLIBC_VERSIONS: readonly { readonly version: string; readonly systems: string }[] = [
  { version: '2.17', systems: 'CentOS 7' },
  { version: '2.28', systems: 'Debian 10, RHEL 8' },
  { version: '2.31', systems: 'Debian 11, Ubuntu 20.04' },
  { version: '2.34', systems: 'RHEL 9' },
  { version: '2.35', systems: 'Ubuntu 22.04' },
  { version: '2.36', systems: 'Debian 12' },
  { version: '2.39', systems: 'Ubuntu 24.04' },
  { version: '2.41', systems: 'Debian 13; the parser fixed by BZ #32465' },
];

const LIBC_WARNINGS: Readonly<Partial<Record<StatusResult['hostLibc'], string>>> = {
  musl: 'This machine runs musl: gai.conf has no effect here.',
  'other-linux': 'This machine does not run glibc: gai.conf has no effect here.',
};

const ORIGINS: Readonly<Record<StatusResult['origin'], string>> = {
  option: 'set by gaiconf.glibcVersion',
  runtime: 'the glibc of this machine',
  container: "the container's glibc",
  fallback: 'no glibc here; newest parser assumed',
};

async function selectGlibcVersion(client: LanguageClient): Promise<void> {
  const status = await client.sendRequest(StatusRequest).catch(() => undefined);
  const items: (QuickPickItem & { value: string })[] = [
    {
      label: 'auto',
      description: 'the glibc where the extension runs',
      detail: status?.origin === 'runtime' ? `This machine: glibc ${status.glibc}` : undefined,
      value: 'auto',
    },
    ...KNOWN_GLIBC_VERSIONS.map((v) => ({ label: v.version, description: v.systems, value: v.version })),
    { label: 'Other version…', value: '' },
  ];
  const picked = await window.showQuickPick(items, {
    title: 'glibc version the gai.conf analysis imitates',
    placeHolder: status ? `Now: ${status.description}` : undefined,
  });
  if (!picked) return;
  const value =
    picked.value ||
    (await window.showInputBox({
      title: 'glibc version',
      placeHolder: '2.38',
      validateInput: (v) => (/^2\.\d+$/.test(v.trim()) ? undefined : 'A version such as 2.38'),
    }));
  if (!value) return;
  const setting = workspace.getConfiguration('gaiconf').inspect<string>('glibcVersion');
  const target = setting?.workspaceValue !== undefined ? ConfigurationTarget.Workspace : ConfigurationTarget.Global;
  await workspace.getConfiguration('gaiconf').update('glibcVersion', value.trim(), target);
}

/** Registers the item and the picker; returns what shows a new status in the item. */
export function registerGlibcStatus(context: ExtensionContext, client: LanguageClient): (status: StatusResult) => void {
  const item = languages.createLanguageStatusItem('gaiconf.glibc', { language: LANGUAGE_ID });
  item.name = 'gai.conf: glibc version';
  item.command = {
    title: 'Change',
    command: SELECT_GLIBC_COMMAND,
    tooltip: 'Choose the glibc version the analysis imitates',
  };
  context.subscriptions.push(
    item,
    commands.registerCommand(SELECT_GLIBC_COMMAND, () => selectGlibcVersion(client)),
  );
  return (status) => {
    item.text = `glibc ${status.glibc}`;
    const warning = LIBC_WARNINGS[status.hostLibc];
    const origin = ORIGINS[status.origin];
    item.detail =
      warning ?? (status.prefixLengthFix ? `${origin}, with the 2.41 parser fix backported (BZ #32465)` : origin);
    item.severity = warning ? LanguageStatusSeverity.Warning : LanguageStatusSeverity.Information;
  };
}
