/**
 * Which editor languages are sources that may write a gai.conf (Dockerfiles, scripts, YAML, Nix):
 * asked of every document the editor opens, apart from their readers (embeddedDiagnostics.ts),
 * which are loaded only when such a document is open.
 */

import type { SourceKindName } from '../analysis/embedded/embedded';

/**
 * The kinds of source each editor language may be, the fallback last: VS Code's ids (and the
 * Ansible and Nix extensions'), and the filetypes Neovim and Helix send.
 */
export const LANGUAGE_SOURCES: Readonly<Record<string, readonly SourceKindName[]>> = {
  dockerfile: ['dockerfile'],
  containerfile: ['dockerfile'],
  shellscript: ['shell'],
  sh: ['shell'],
  bash: ['shell'],
  zsh: ['shell'],
  ksh: ['shell'],
  yaml: ['cloud-init', 'ansible'],
  ansible: ['cloud-init', 'ansible'],
  'yaml.ansible': ['cloud-init', 'ansible'],
  nix: ['nixos'],
};

/** Whether documents of this language are read for the gai.conf they write, never as a gai.conf. */
export function isEmbeddedSourceLanguage(languageId: string): boolean {
  return Object.prototype.hasOwnProperty.call(LANGUAGE_SOURCES, languageId);
}
