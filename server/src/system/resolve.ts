/**
 * The machine-facing half of "explain": what a name resolves to in DNS (A and AAAA, answer order
 * kept) and what the system's own getaddrinfo() returns for it right now. Runs only when a user
 * asks for an explanation.
 */

import type { Resolver } from 'dns/promises';

import { ResolvedQuery, resolverInputOrder } from '../features/explain';
import { parseIpAddress } from '../glibc/addresses';

export class QueryError extends Error {}

/** "example.org", or addresses separated by spaces or commas. */
export function splitQuery(query: string): { name: string } | { addresses: string[] } {
  const words = query.split(/[\s,]+/).filter((w) => w.length > 0);
  if (words.length === 0) throw new QueryError('Give a host name or one or more IPv4/IPv6 addresses.');
  const bad = words.filter((w) => !parseIpAddress(w));
  if (bad.length === 0) return { addresses: words };
  if (words.length === 1 && /^[A-Za-z0-9_.-]{1,253}$/.test(words[0]))
    return { name: words[0].replace(/\.$/, '') || words[0] };
  throw new QueryError(
    words.length === 1
      ? `"${words[0]}" is neither a host name nor an IPv4/IPv6 address.`
      : `Not an IPv4 or IPv6 address: ${bad.map((w) => `"${w}"`).join(', ')}.`,
  );
}

/** Answers of one record type; a name without records of that type is an empty list, not an error. */
async function answers(resolver: Resolver, type: 'A' | 'AAAA', name: string, notes: string[]): Promise<string[]> {
  try {
    return type === 'A' ? await resolver.resolve4(name) : await resolver.resolve6(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENODATA' && code !== 'ENOTFOUND')
      notes.push(`The ${type} query failed: ${code ?? (error as Error).message}.`);
    return [];
  }
}

// A fresh process, because glibc reads gai.conf once per process (unless `reload yes`): a
// long-running server would keep answering with the file as it was at its first lookup.
const LOOKUP_SCRIPT = `require('dns').lookup(process.argv[1], { all: true, verbatim: true }, (error, list) => {
  process.stdout.write(JSON.stringify(error ? { error: error.code || error.message } : { order: list.map((entry) => entry.address) }));
});`;

const LOOKUP_TIMEOUT_MS = 15_000;

// Only PATH, so that nothing of the editor's environment changes the lookup; and
// ELECTRON_RUN_AS_NODE, because in desktop VS Code process.execPath is Electron (the server is
// forked from it), which acts as Node only with that variable. Node ignores it.
const LOOKUP_ENV = { PATH: process.env.PATH ?? '', ELECTRON_RUN_AS_NODE: '1' };

/** getaddrinfo(name) with the system's configuration, run in a new Node process (no shell). */
export async function systemResolverOrder(name: string): Promise<{ order: string[] } | { error: string }> {
  // Loaded here, not at start: only an explanation needs it, and loading it slows every start-up.
  const { execFile } = await import('child_process');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', LOOKUP_SCRIPT, name],
      { timeout: LOOKUP_TIMEOUT_MS, env: LOOKUP_ENV, windowsHide: true },
      (error, stdout) => {
        if (error && !stdout) {
          resolve({
            error: (error as { killed?: boolean }).killed
              ? `no answer within ${LOOKUP_TIMEOUT_MS / 1000} s`
              : error.message,
          });
          return;
        }
        try {
          const parsed = JSON.parse(stdout) as { order?: string[]; error?: string };
          resolve(
            parsed.order
              ? { order: parsed.order }
              : {
                  error:
                    parsed.error === 'ENOTFOUND'
                      ? 'the system resolver does not know this name'
                      : `the system resolver failed: ${parsed.error}`,
                },
          );
        } catch {
          resolve({ error: 'the system resolver gave no readable answer' });
        }
      },
    );
  });
}

export async function resolveQuery(query: string): Promise<ResolvedQuery> {
  const split = splitQuery(query);
  if ('addresses' in split) {
    return {
      query,
      origin: 'addresses',
      destinations: split.addresses,
      notes: [
        'Addresses given literally, in this order: no DNS lookup, and the system resolver would return each one alone.',
      ],
    };
  }
  const notes: string[] = [];
  const { Resolver: DnsResolver } = await import('dns/promises');
  const resolver = new DnsResolver();
  const [ipv4, ipv6, system] = await Promise.all([
    answers(resolver, 'A', split.name, notes),
    answers(resolver, 'AAAA', split.name, notes),
    systemResolverOrder(split.name),
  ]);
  if (ipv4.length + ipv6.length > 0) {
    notes.push(
      `DNS answered ${ipv4.length} A and ${ipv6.length} AAAA record${ipv4.length + ipv6.length === 1 ? '' : 's'}; glibc lists the A answers first, then the AAAA answers, before sorting.`,
    );
    return { query: split.name, origin: 'dns', destinations: resolverInputOrder(ipv4, ipv6), notes, system };
  }
  if ('order' in system && system.order.length > 0) {
    notes.push(
      'DNS has no A or AAAA record for this name; the system resolver found it elsewhere (such as /etc/hosts), so the list below is its answer and the order before sorting is not known.',
    );
    return { query: split.name, origin: 'system', destinations: system.order, notes, system };
  }
  throw new QueryError(`"${split.name}" has no A or AAAA record${'error' in system ? `, and ${system.error}` : ''}.`);
}
