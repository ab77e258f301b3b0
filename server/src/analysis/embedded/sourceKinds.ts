/**
 * The kinds of source that write a gai.conf, and how a file is recognised as one: by its name,
 * then its content. Apart from their readers (embedded.ts), so that checking a gai.conf, which is
 * none of them, does not load the Dockerfile, shell, YAML and Nix readers.
 */

export type SourceKindName = 'dockerfile' | 'shell' | 'cloud-init' | 'ansible' | 'nixos';

export interface SourceKindRecognizer {
  readonly name: SourceKindName;
  /** "a Dockerfile", for messages. */
  readonly description: string;
  readonly byName: (baseName: string) => boolean;
  readonly byContent: (text: string) => boolean;
}

const YAML_NAME = /\.ya?ml$/i;

/** Whether a YAML text looks like Ansible: a list of tasks or plays. */
function isAnsible(text: string): boolean {
  return /^\s*-\s+(name|hosts|import_tasks|include_tasks|block|(ansible\.(builtin|legacy)\.)?(copy|lineinfile|blockinfile|template|shell|command|apt|package|file|replace)):/m.test(
    text,
  );
}

function isCloudConfig(text: string): boolean {
  return /^#cloud-config\b/.test(text.replace(/^\uFEFF/, ''));
}

function isNixModule(text: string): boolean {
  return /networking\s*\.\s*getaddrinfo|getaddrinfo\s*=\s*(\{|lib\.mk)|environment\s*\.\s*etc\s*\.\s*"gai\.conf"|"gai\.conf"\s*(\.|=)/.test(
    text,
  );
}

/** In the order they are tried. */
export const SOURCE_KIND_RECOGNIZERS: readonly SourceKindRecognizer[] = [
  {
    name: 'dockerfile',
    description: 'a Dockerfile',
    byName: (n) => /^(docker|container)file([.-].*)?$/i.test(n) || /\.(docker|container)file$/i.test(n),
    byContent: (t) => /^(?:\s*(?:#.*|ARG\s.*)?\n)*\s*FROM\s+\S/i.test(t),
  },
  {
    name: 'cloud-init',
    description: 'a cloud-init file',
    byName: (n) => /^(user-data|cloud-config)(\.ya?ml)?$/i.test(n),
    byContent: isCloudConfig,
  },
  {
    name: 'ansible',
    description: 'an Ansible task file',
    byName: (n) => YAML_NAME.test(n),
    byContent: isAnsible,
  },
  {
    name: 'nixos',
    description: 'a NixOS module',
    byName: (n) => /\.nix$/i.test(n),
    byContent: isNixModule,
  },
  {
    name: 'shell',
    description: 'a shell script',
    byName: (n) => /\.(sh|bash|ksh|zsh)$/i.test(n),
    byContent: (t) => /^#!\s*\S*(?:\/|env\s+)(?:ba|da|k|z)?sh\b/.test(t),
  },
];

export function isSourceKindName(name: string): name is SourceKindName {
  return SOURCE_KIND_RECOGNIZERS.some((k) => k.name === name);
}

export function sourceKindRecognizer(name: SourceKindName): SourceKindRecognizer {
  return SOURCE_KIND_RECOGNIZERS.find((k) => k.name === name)!;
}

/**
 * The kind of source a file is, by its name, then its content (a YAML file by content: cloud-init
 * before Ansible); undefined for anything else, which is read as a gai.conf.
 */
export function recognizedSourceKind(baseName: string, text: string): SourceKindRecognizer | undefined {
  const byContent = SOURCE_KIND_RECOGNIZERS.find((k) => k.byContent(text));
  const byName = SOURCE_KIND_RECOGNIZERS.find((k) => k.byName(baseName));
  if (byName?.name === 'ansible' && byContent?.name === 'cloud-init') return byContent;
  return byName ?? byContent;
}
