/**
 * Every finding the analysis can report, in one place: stable code, default severity, a one-line
 * summary and the README section that documents it. Users search a code here and configure its
 * severity by code; findings carry a message specific to the line.
 */

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface CatalogueEntry {
  readonly severity: Severity;
  readonly summary: string;
}

export const CATALOGUE = {
  'byte-order-mark': {
    severity: 'warning',
    summary: 'A UTF-8 byte order mark glues onto the first word, so glibc ignores the first line.',
  },
  'carriage-return': {
    severity: 'warning',
    summary: 'A lone CR is not a line break for glibc: the next "line" is part of this one.',
  },
  'nul-byte': { severity: 'warning', summary: 'A NUL byte ends the line for glibc; the rest of the line is ignored.' },
  'unknown-directive': {
    severity: 'warning',
    summary: 'glibc ignores a line whose first word is not exactly label, precedence, scopev4 or reload.',
  },
  'comment-in-token': {
    severity: 'warning',
    summary: 'A # inside a word starts a comment there, cutting the word short.',
  },
  'extra-fields': { severity: 'warning', summary: 'glibc reads three fields; anything after them is ignored.' },
  'missing-address': { severity: 'warning', summary: 'The directive has no prefix, so glibc ignores the line.' },
  'invalid-address': {
    severity: 'warning',
    summary: 'The prefix is not IPv6 text glibc can read, so glibc ignores the line.',
  },
  'ipv4-prefix': {
    severity: 'warning',
    summary: 'label and precedence take IPv6 prefixes only; an IPv4 prefix is ignored.',
  },
  'zone-id': {
    severity: 'warning',
    summary: 'A zone id (%eth0) makes the address unreadable to glibc, so the line is ignored.',
  },
  'invalid-number': {
    severity: 'warning',
    summary: 'Only plain decimal numbers are read; hex, fractions or a tail make glibc ignore the line.',
  },
  'number-out-of-range': {
    severity: 'warning',
    summary: 'A prefix length or value outside what glibc allows makes it ignore the line.',
  },
  'unusual-number': { severity: 'hint', summary: 'glibc accepts a sign or leading zeros, but other tools may not.' },
  'empty-number': {
    severity: 'warning',
    summary: 'An empty number counts as 0 up to glibc 2.40 and makes the line ignored from 2.41.',
  },
  'missing-prefix-length': {
    severity: 'warning',
    summary:
      'A prefix without /bits is undefined behaviour up to glibc 2.40 (ignored, read as the full length or a crash, by build and leftover memory) and means a full-length prefix from 2.41.',
  },
  'scopev4-crash': {
    severity: 'error',
    summary:
      'A scopev4 prefix without /bits can crash programs at their first multi-address lookup up to glibc 2.40; the first one always does on Debian 12.',
  },
  'scopev4-not-mapped': {
    severity: 'warning',
    summary:
      'scopev4 takes an IPv4 prefix or a v4-mapped IPv6 prefix (::ffff:a.b.c.d/96..128); anything else is ignored.',
  },
  'reload-enabled': {
    severity: 'warning',
    summary:
      'reload yes makes getaddrinfo() check the file at every lookup with several answers; the man page advises against it.',
  },
  'reload-value': {
    severity: 'warning',
    summary: 'Only a lowercase "yes" enables reloading; any other value turns it off.',
  },
  'table-replaced': {
    severity: 'warning',
    summary: 'One valid line of a kind replaces the whole built-in table of that kind.',
  },
  'shadowed-row': {
    severity: 'warning',
    summary:
      'An earlier row with the same prefix gives another value; glibc stops at that one, so this row is never used.',
  },
  'duplicate-row': {
    severity: 'hint',
    summary: 'An earlier row already gives this prefix the same value: this one repeats it.',
  },
  'row-without-effect': {
    severity: 'information',
    summary: 'Without this row every address would get the same value from the next matching row: it changes nothing.',
  },
  'file-changes-nothing': {
    severity: 'warning',
    summary: "The file's active rows leave glibc with exactly its built-in tables: it changes no address order.",
  },
  'no-family-change': {
    severity: 'information',
    summary: "The file changes glibc's tables, but for no typical host which of IPv6 and IPv4 it tries first.",
  },
  'families-tie': {
    severity: 'warning',
    summary:
      "The file makes IPv6 and IPv4 tie for some hosts, so the resolver's order decides (for DNS names, IPv4 first), where the built-in tables pick a family.",
  },
  'scopev4-family-change': {
    severity: 'information',
    summary: 'A scopev4 row changes which family some hosts try first (rule 2 or 8).',
  },
  'not-text': {
    severity: 'warning',
    summary: 'The file is not ASCII or UTF-8 text (UTF-16, or binary): glibc reads none of its lines.',
  },
  'host-bits': {
    severity: 'information',
    summary: 'The prefix has bits set after its length; glibc compares only the first bits.',
  },
  'catch-all-value': {
    severity: 'information',
    summary: 'The ::/0 row gives every address without a more specific row a non-default value.',
  },
  'site-local': { severity: 'information', summary: 'Site-local fec0::/10 was deprecated by RFC 3879.' },
  'ula-demoted': {
    severity: 'information',
    summary:
      'Hosts whose IPv6 addresses are all ULAs prefer IPv4 over global IPv6, while hosts with global IPv6 prefer IPv6.',
  },
  'ula-destinations-demoted': { severity: 'information', summary: 'From a ULA host, ULA destinations lose to IPv4.' },
  'not-glibc-host': {
    severity: 'warning',
    summary: 'This Linux system does not run glibc (Alpine uses musl): getaddrinfo() here never reads gai.conf.',
  },
  'ipv4-preferred': { severity: 'information', summary: 'The file makes every host prefer IPv4 over global IPv6.' },
  'file-too-large': {
    severity: 'error',
    summary: 'The file is larger than 16 MiB, far beyond any real gai.conf: gai-conf does not analyse it.',
  },
  'too-many-findings': {
    severity: 'information',
    summary:
      'The file has more findings than an editor is sent (5,000): the first ones are shown, and the rest are counted.',
  },
  'unknown-suppression': {
    severity: 'warning',
    summary:
      'A "# gai-conf:" comment names no code, an unknown code or an unknown keyword, so it silences nothing under that name.',
  },
  'borrowed-address-space': {
    severity: 'information',
    summary:
      'This machine numbers a network from documentation space (2001:db8::/32, 3fff::/20) to look global; a ULA with fc00::/7 given the global label does that honestly.',
  },
  'embedded-edit-unmatched': {
    severity: 'warning',
    summary:
      'An edit of /etc/gai.conf in a Dockerfile, script or task (sed -i, replace) finds nothing to change, so the file stays as it was.',
  },
  'embedded-not-followed': {
    severity: 'information',
    summary:
      "A Dockerfile, script or task writes /etc/gai.conf from something it does not show (a copied file, a template, a command's output), or in a way gai-conf does not follow.",
  },
} as const satisfies Record<string, CatalogueEntry>;

export type DiagnosticCode = keyof typeof CATALOGUE;

export const DIAGNOSTIC_CODES = Object.keys(CATALOGUE) as DiagnosticCode[];

export function isDiagnosticCode(text: string): text is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, text);
}

/** The README section that explains a code; its heading is the code itself. */
export function documentationAnchor(code: DiagnosticCode): string {
  return `#${code}`;
}

export interface Finding {
  readonly code: DiagnosticCode;
  /** Offsets into the document text. */
  readonly start: number;
  readonly end: number;
  /** What glibc does and what to write, short enough for a problems list (about 160 characters). */
  readonly message: string;
  /** The mechanism behind the message, for the hover: how glibc gets there, the values compared. */
  readonly detail?: string;
  /**
   * Where who is affected sets the severity (a warning when the file affects the machine it is on
   * or fails at its evident intent, information otherwise); absent: the code's default.
   */
  readonly severity?: Severity;
}

/** A finding's severity before the user's settings. */
export function severityOf(finding: Pick<Finding, 'code' | 'severity'>): Severity {
  return finding.severity ?? CATALOGUE[finding.code].severity;
}

/** The length a finding's message keeps to, so that a problems list shows what to write. */
export const MESSAGE_BUDGET = 160;

/** User text quoted in a message, cut so that a long word cannot push the advice out of sight. */
export function quoted(text: string, limit = 40): string {
  return `"${text.length > limit ? `${text.slice(0, limit - 1)}…` : text}"`;
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, information: 1, hint: 0 };
