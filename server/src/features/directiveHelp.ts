/** What each directive does, in the words hover and completion show. */

import { Directive } from '../glibc/reader';

export const DIRECTIVE_HELP: Readonly<Record<Directive, { syntax: string; text: string }>> = {
  label: {
    syntax: 'label <ipv6-prefix>/<bits> <value>',
    text: 'Adds a row to the label table. getaddrinfo() prefers a destination whose label equals the label of the source address the kernel would use (rule 5), so labels decide which source family goes with which destination family.',
  },
  precedence: {
    syntax: 'precedence <ipv6-prefix>/<bits> <value>',
    text: 'Adds a row to the precedence table. Between otherwise equal destinations, the higher precedence is tried first (rule 6). IPv4 addresses are looked up as ::ffff:a.b.c.d.',
  },
  scopev4: {
    syntax: 'scopev4 <a.b.c.d>/<0-32> <scope>  or  scopev4 ::ffff:<a.b.c.d>/<96-128> <scope>',
    text: 'Adds a row to the IPv4 scope table. Scopes feed rule 2 (prefer a source of the same scope) and rule 8 (prefer the smaller scope): 2 is link-local, 5 site-local, 14 global.',
  },
  reload: {
    syntax: 'reload yes|no',
    text: "With `yes`, every lookup with several answers checks whether this file changed and re-reads it. Only a lowercase `yes` enables it; the last reload line wins. glibc's documentation advises against it.",
  },
};
