/**
 * The server's custom requests and client commands as the client uses them. The server's
 * lsp/protocol.ts is imported for types only (the client's bundle holds no server code): each
 * request here is built from its type, which names the one method the compiler accepts.
 */

import { NotificationType, RequestType, RequestType0 } from 'vscode-languageclient';

import type {
  AnalysisPublishedNotification as AnalysisPublishedNotificationType,
  ClientCommands,
  ConnectionsRequest as ConnectionsRequestType,
  ContainerScheme,
  ContainersProgressNotification as ContainersProgressNotificationType,
  ContainersRequest as ContainersRequestType,
  ExplainRequest as ExplainRequestType,
  ExportTablesRequest as ExportTablesRequestType,
  KernelLabelsRequest as KernelLabelsRequestType,
  PolicyTablesRequest as PolicyTablesRequestType,
  PresetsRequest as PresetsRequestType,
  ReadContainerFileRequest as ReadContainerFileRequestType,
  ResetToDefaultsRequest as ResetToDefaultsRequestType,
  SaveCheckRequest as SaveCheckRequestType,
  StatusChangedNotification as StatusChangedNotificationType,
  StatusRequest as StatusRequestType,
  WhoFollowsRequest as WhoFollowsRequestType,
  WriteContainerFileRequest as WriteContainerFileRequestType,
  WritePresetRequest as WritePresetRequestType,
} from '../../server/src/lsp/protocol';

function request<Typed extends { readonly method: string }>(method: Typed['method']): Typed {
  return new RequestType(method) as unknown as Typed;
}

function request0<Typed extends { readonly method: string }>(method: Typed['method']): Typed {
  return new RequestType0(method) as unknown as Typed;
}

function notification<Typed extends { readonly method: string }>(method: Typed['method']): Typed {
  return new NotificationType(method) as unknown as Typed;
}

export const ExplainRequest = request<typeof ExplainRequestType>('gaiConf/explain');
export const PolicyTablesRequest = request<typeof PolicyTablesRequestType>('gaiConf/policyTables');
export const WhoFollowsRequest = request0<typeof WhoFollowsRequestType>('gaiConf/whoFollows');
export const StatusRequest = request0<typeof StatusRequestType>('gaiConf/status');
export const StatusChangedNotification = notification<typeof StatusChangedNotificationType>('gaiConf/statusChanged');
export const SaveCheckRequest = request<typeof SaveCheckRequestType>('gaiConf/saveCheck');
export const AnalysisPublishedNotification =
  notification<typeof AnalysisPublishedNotificationType>('gaiConf/analysisPublished');

export const ResetToDefaultsRequest = request<typeof ResetToDefaultsRequestType>('gaiConf/resetToDefaults');
export const PresetsRequest = request0<typeof PresetsRequestType>('gaiConf/presets');
export const WritePresetRequest = request<typeof WritePresetRequestType>('gaiConf/writePreset');
export const ExportTablesRequest = request<typeof ExportTablesRequestType>('gaiConf/exportTables');
export const KernelLabelsRequest = request0<typeof KernelLabelsRequestType>('gaiConf/kernelLabels');

/** Commands of the client alone (no lens names them): whole policies and the kernel's labels. */
export const POLICY_COMMANDS = {
  resetToDefaults: 'gaiconf.resetToDefaults',
  writePreset: 'gaiconf.writePreset',
  exportTables: 'gaiconf.exportTables',
  kernelLabels: 'gaiconf.showKernelLabels',
} as const;
export const ConnectionsRequest = request<typeof ConnectionsRequestType>('gaiConf/connections');

export const CLIENT_COMMANDS: ClientCommands = {
  explain: 'gaiconf.explainAddressOrder',
  policyTables: 'gaiconf.showEffectivePolicyTable',
  documentation: 'gaiconf.showDocumentation',
  whoFollows: 'gaiconf.whoFollows',
  fixAllReport: 'gaiconf.fixAllReport',
  measureIpv6Share: 'gaiconf.measureIpv6Share',
};

export const ContainersRequest = request<typeof ContainersRequestType>('gaiConf/containers');
export const ContainersProgressNotification =
  notification<typeof ContainersProgressNotificationType>('gaiConf/containersProgress');
export const ReadContainerFileRequest = request<typeof ReadContainerFileRequestType>('gaiConf/readContainerFile');
export const WriteContainerFileRequest = request<typeof WriteContainerFileRequestType>('gaiConf/writeContainerFile');
export const CONTAINER_SCHEME: ContainerScheme = 'gai-conf-container';
