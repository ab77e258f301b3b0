/**
 * What a source does to /etc/gai.conf, step by step, in a form every kind of source shares: the
 * Dockerfile's RUN lines, a script's commands, cloud-init's write_files, Ansible's tasks and
 * NixOS's option all come down to replacing the file, appending to it, editing it, removing it,
 * or writing it from something gai-conf cannot see.
 */

import { MappedText } from './mappedText';

export const GAI_CONF_PATH = '/etc/gai.conf';

/** Offsets into the source. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** An edit of the file as it stands (sed -i, lineinfile, blockinfile). */
export interface FileEdit {
  /** The file after the edit, and whether the edit found what it looks for. */
  apply(current: MappedText): { readonly text: MappedText; readonly matched: boolean };
  /** What the edit looks for, in words, for the message when it finds nothing. */
  readonly looksFor: string;
}

export type GaiConfWrite =
  | { readonly kind: 'replace'; readonly content: MappedText }
  | { readonly kind: 'append'; readonly content: MappedText }
  | { readonly kind: 'edit'; readonly edit: FileEdit }
  | { readonly kind: 'remove' }
  /** Written from a file, a command's output or a template: the content is not in this source. */
  | { readonly kind: 'opaque'; readonly from: string };

export interface WriteStep {
  readonly write: GaiConfWrite;
  /** Where the source does it (the RUN line, the task, the command). */
  readonly at: Span;
  /** How, in a few words: "echo >> /etc/gai.conf", "lineinfile". */
  readonly how: string;
}

/** The steps that make one file: a script, one stage of a Dockerfile, one cloud-config. */
export interface WriteSequence {
  /** "stage build (line 12)" where a source makes more than one. */
  readonly name?: string;
  readonly steps: readonly WriteStep[];
  /** The C library of the system the file ends up on, where the source says (an Alpine image: musl). */
  readonly libc?: 'musl';
  /** Why the file this sequence starts from is what it is, when not the distribution's stock file. */
  readonly startsFrom?: { readonly sequence: string };
}

/** A source of the kind given, and what it was recognised by. */
export interface Extraction {
  readonly sequences: readonly WriteSequence[];
  /** Writes the extractor saw but cannot follow (a sed it cannot run, a dynamic file name). */
  readonly notes: readonly { readonly at: Span; readonly message: string }[];
}
