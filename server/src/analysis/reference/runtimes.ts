/**
 * Who follows /etc/gai.conf: the resolvers, runtimes and servers that decide a connection's
 * address family, what each does with glibc's order, and how to make it follow the file or prefer
 * IPv6. A claim proven here by test/oracle/runtimes.test.ts with the real runtime is `measured`
 * (the test reads the expected families from this table, so a wrong entry fails it); a claim that
 * cannot be run on this machine is `documented`, with the document named.
 */

export type Family = 4 | 6;

export type RuntimeId =
  | 'glibc-dynamic' | 'glibc-static' | 'python' | 'curl' | 'curl-ipv6-first' | 'ruby' | 'ruby-happy-eyeballs'
  | 'go-pure' | 'go-cgo' | 'go-cgo-fallback' | 'go-static' | 'musl' | 'c-ares'
  | 'java-default' | 'java-system' | 'java-prefer-ipv6'
  | 'node' | 'node-ipv4first' | 'node-ipv6first'
  | 'nginx' | 'postfix' | 'exim';

/**
 * The measurement, in a network namespace where a name has one IPv4 and one IPv6 address, both
 * local and listening: the family the runtime's ordinary client connects to first under a
 * gai.conf that prefers IPv4 and under one that prefers IPv6 (an empty file: the built-in tables).
 * `ulaHost` is the seed scenario (host fd42::2/64 + 10.0.0.2/24, name with 2001:db8:1::10 and
 * 198.51.100.10): the family first in the runtime's own lookup order under the stock (empty) file
 * and under the RFC 3484 label fix, for runtimes whose lookup order the test can print.
 */
export interface Measured {
  kind: 'measured';
  measuredWith: string;
  firstFamily: { preferIPv4File: Family; preferIPv6File: Family };
  ulaHost?: { stockFile: Family; ulaFixFile: Family };
}

export interface Documented {
  kind: 'documented';
  document: string;
}

export interface RuntimeEntry {
  id: RuntimeId;
  name: string;
  /** 'yes': the file's order decides; 'no': it never does; 'partly': it decides only something minor. */
  followsFile: 'yes' | 'no' | 'partly';
  behaviour: string;
  /** How to make this program follow the file; null when nothing can. */
  toFollowFile: string | null;
  toPreferIPv6: string;
  versions: string;
  source: string;
  evidence: Measured | Documented;
}

const CONNECTS_AS_FILE_SAYS = { preferIPv4File: 4, preferIPv6File: 6 } as const;
const ALWAYS_IPV4 = { preferIPv4File: 4, preferIPv6File: 4 } as const;
const ALWAYS_IPV6 = { preferIPv4File: 6, preferIPv6File: 6 } as const;

export const RUNTIMES: readonly RuntimeEntry[] = [
  {
    id: 'glibc-dynamic',
    name: 'Programs linked against glibc (C, C++, Rust std, Perl, PHP, ...)',
    followsFile: 'yes',
    behaviour: "getaddrinfo() sorts with the file's tables; a client that connects to the addresses in the order returned follows the file.",
    toFollowFile: 'Nothing to change; a program that was already running must be restarted (glibc reads the file once per process, unless `reload yes`).',
    toPreferIPv6: 'Edit /etc/gai.conf (for ULA hosts: the RFC 3484 label rows), then restart the program.',
    versions: 'glibc 2.5 and later (gai.conf exists since 2.5)',
    source: 'glibc sysdeps/posix/getaddrinfo.c (nss/getaddrinfo.c from 2.39)',
    evidence: { kind: 'measured', measuredWith: 'glibc 2.36, a C program calling getaddrinfo() and connect()', firstFamily: CONNECTS_AS_FILE_SAYS, ulaHost: { stockFile: 4, ulaFixFile: 6 } },
  },
  {
    id: 'glibc-static',
    name: 'Statically linked glibc programs',
    followsFile: 'yes',
    behaviour: "The static libc carries the same getaddrinfo() and reads /etc/gai.conf (its binary contains the string '/etc/gai.conf').",
    toFollowFile: 'Nothing to change; restart it after editing the file.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the program.',
    versions: 'glibc 2.5 and later',
    source: 'glibc getaddrinfo.c (GAICONF_FNAME)',
    evidence: { kind: 'measured', measuredWith: 'glibc 2.36 (gcc -static)', firstFamily: CONNECTS_AS_FILE_SAYS, ulaHost: { stockFile: 4, ulaFixFile: 6 } },
  },
  {
    id: 'python',
    name: 'Python (socket.create_connection, urllib, requests)',
    followsFile: 'yes',
    behaviour: "create_connection() tries getaddrinfo()'s addresses one after another, in glibc's order. asyncio's create_connection() does the same unless happy_eyeballs_delay is set.",
    toFollowFile: 'Nothing to change; restart long-running interpreters after editing the file.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the program.',
    versions: 'Python 3 on glibc',
    source: 'Python documentation: socket.create_connection, asyncio loop.create_connection',
    evidence: { kind: 'measured', measuredWith: 'Python 3.11.2', firstFamily: CONNECTS_AS_FILE_SAYS },
  },
  {
    id: 'curl',
    name: 'curl / libcurl with the threaded (getaddrinfo) resolver',
    followsFile: 'yes',
    behaviour: "Happy Eyeballs: the family of getaddrinfo()'s first address is tried first, the other family 200 ms later if no connection is up by then.",
    toFollowFile: 'Nothing to change.',
    toPreferIPv6: 'Edit /etc/gai.conf; `curl -6` forces IPv6 for one transfer.',
    versions: 'curl up to 8.9 (the 200 ms head start is CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS, since 7.59.0)',
    source: 'curl man page CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS(3); curl lib/connect.c',
    evidence: { kind: 'measured', measuredWith: 'curl 7.88.1', firstFamily: CONNECTS_AS_FILE_SAYS },
  },
  {
    id: 'curl-ipv6-first',
    name: 'curl / libcurl after the Happy Eyeballs rework',
    followsFile: 'no',
    behaviour: 'Tries an IPv6 address first whatever order getaddrinfo() returned, then IPv4 after the Happy Eyeballs delay.',
    toFollowFile: null,
    toPreferIPv6: 'Already prefers IPv6; `curl -4` forces IPv4.',
    versions: 'curl 8.10.0 and later',
    source: 'curl commit 81a3342877 "connect: always prefer ipv6 in IP eyeballing" (pull request #14768), first released in curl 8.10.0',
    evidence: { kind: 'documented', document: "curl's git history (commit 81a3342877, first tag curl-8_10_0) and the current CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS(3)" },
  },
  {
    id: 'ruby',
    name: 'Ruby (TCPSocket.new, Net::HTTP)',
    followsFile: 'yes',
    behaviour: "TCPSocket.new tries getaddrinfo()'s addresses in glibc's order.",
    toFollowFile: 'Nothing to change.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the program.',
    versions: 'Ruby up to 3.3',
    source: 'Ruby ext/socket (rsock_init_inetsock)',
    evidence: { kind: 'measured', measuredWith: 'Ruby 3.1.2', firstFamily: CONNECTS_AS_FILE_SAYS },
  },
  {
    id: 'ruby-happy-eyeballs',
    name: 'Ruby 3.4+ (TCPSocket.new with fast_fallback)',
    followsFile: 'no',
    behaviour: 'Happy Eyeballs version 2: AAAA and A are resolved separately and IPv6 is tried first, so the cross-family order of gai.conf never applies.',
    toFollowFile: 'TCPSocket.new(host, port, fast_fallback: false), or Socket.tcp_fast_fallback = false.',
    toPreferIPv6: 'Already prefers IPv6.',
    versions: 'Ruby 3.4 and later',
    source: 'Ruby 3.4 NEWS (socket: Happy Eyeballs Version 2 in TCPSocket.new)',
    evidence: { kind: 'documented', document: 'Ruby 3.4.0 NEWS.md, socket section' },
  },
  {
    id: 'go-pure',
    name: 'Go programs using the pure-Go resolver (the default on Linux)',
    followsFile: 'no',
    behaviour: "Reads /etc/hosts and DNS itself and sorts with its own RFC 6724 table (net/addrselect.go); gai.conf is never read. ULA sources get label 13 and precedence 3, so ULA hosts (containers) reach dual-stacked names over IPv4 whatever the file says.",
    toFollowFile: 'GODEBUG=netdns=cgo in its environment (only for a binary built with cgo, i.e. dynamically linked against libc), or build it with `-tags netcgo`.',
    toPreferIPv6: 'Give the host a global IPv6 address (the RFC 6724 table prefers IPv6 then), or make it follow the file as above.',
    versions: 'Go 1.x on Linux whenever the pure-Go resolver is chosen: an nsswitch.conf hosts line of files, dns, mdns*, myhostname (measured with both the plain and the mDNS line), or GODEBUG=netdns=go (measured beside LOCALDOMAIN)',
    source: 'Go net package documentation (Name Resolution); src/net/addrselect.go',
    evidence: { kind: 'measured', measuredWith: 'Go 1.19.8 (nsswitch.conf "hosts: files" and "hosts: files mdns4_minimal [NOTFOUND=return] dns myhostname")', firstFamily: ALWAYS_IPV6, ulaHost: { stockFile: 4, ulaFixFile: 4 } },
  },
  {
    id: 'go-cgo',
    name: 'Go programs using the cgo resolver',
    followsFile: 'yes',
    behaviour: "Calls getaddrinfo(); Go's dialer then tries the family of the first address, the other 300 ms later.",
    toFollowFile: 'Nothing more to change.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the program.',
    versions: 'Go 1.x with cgo: GODEBUG=netdns=cgo, -tags netcgo, or an nsswitch.conf the pure resolver cannot serve',
    source: 'Go net package documentation (Name Resolution); src/net/dial.go (fallbackDelay)',
    evidence: { kind: 'measured', measuredWith: 'Go 1.19.8, GODEBUG=netdns=cgo', firstFamily: CONNECTS_AS_FILE_SAYS, ulaHost: { stockFile: 4, ulaFixFile: 6 } },
  },
  {
    id: 'go-cgo-fallback',
    name: 'Go programs built with cgo, where the pure-Go resolver steps aside',
    followsFile: 'yes',
    behaviour: "Go falls back to the cgo resolver (getaddrinfo) by itself when LOCALDOMAIN is set (even empty), RES_OPTIONS or HOSTALIASES is non-empty, or /etc/nsswitch.conf's hosts line names a source it does not implement (resolve, sss, ...; files, dns, mdns* and myhostname it handles itself) or gives files or dns criteria, or /etc/resolv.conf has an option it does not know; it then follows the file. GODEBUG=netdns=go overrides all of these.",
    toFollowFile: 'Nothing more to change.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the program.',
    versions: 'Go 1.19 rules (src/net/conf.go); the list of sources Go serves itself differs between Go versions',
    source: 'Go net package documentation (Name Resolution); src/net/conf.go hostLookupOrder',
    evidence: { kind: 'measured', measuredWith: 'Go 1.19.8 (LOCALDOMAIN=, and nsswitch.conf "hosts: files resolve [!UNAVAIL=return] dns")', firstFamily: CONNECTS_AS_FILE_SAYS },
  },
  {
    id: 'go-static',
    name: 'Go programs built without cgo (CGO_ENABLED=0, static)',
    followsFile: 'no',
    behaviour: 'Only the pure-Go resolver is linked in: GODEBUG=netdns=cgo, LOCALDOMAIN and nsswitch.conf change nothing.',
    toFollowFile: null,
    toPreferIPv6: 'Rebuild with cgo, or give the host a global IPv6 address.',
    versions: 'Go 1.x',
    source: 'Go net package documentation (Name Resolution)',
    evidence: { kind: 'measured', measuredWith: 'Go 1.19.8, CGO_ENABLED=0, run with GODEBUG=netdns=cgo, and with LOCALDOMAIN= under a resolve nsswitch.conf', firstFamily: ALWAYS_IPV6 },
  },
  {
    id: 'musl',
    name: 'musl libc programs (Alpine Linux images, musl-static binaries)',
    followsFile: 'no',
    behaviour: "getaddrinfo() sorts with musl's built-in RFC 6724 table; there is no gai.conf to change it. ULA hosts reach dual-stacked names over IPv4.",
    toFollowFile: null,
    toPreferIPv6: 'Give the host or container a global IPv6 address; nothing in a file can change the order.',
    versions: 'musl 1.1.3 and later (the RFC 6724 sort in lookup_name.c)',
    source: 'musl src/network/lookup_name.c',
    evidence: { kind: 'measured', measuredWith: 'musl 1.2.3 (musl-gcc -static)', firstFamily: ALWAYS_IPV6, ulaHost: { stockFile: 4, ulaFixFile: 4 } },
  },
  {
    id: 'c-ares',
    name: 'c-ares (Node dns.resolve*, curl built with c-ares, gRPC)',
    followsFile: 'no',
    behaviour: "ares_getaddrinfo() sorts with c-ares's own RFC 6724 table; gai.conf is never read.",
    toFollowFile: null,
    toPreferIPv6: 'Configure the program (most let you pick the family), or give the host a global IPv6 address.',
    versions: 'c-ares 1.16 and later (ares_getaddrinfo with address sorting)',
    source: 'c-ares src/lib/ares__sortaddrinfo.c',
    evidence: { kind: 'documented', document: 'c-ares source, ares__sortaddrinfo.c (RFC 6724 destination sort)' },
  },
  {
    id: 'java-default',
    name: 'Java without java.net.preferIPv6Addresses',
    followsFile: 'no',
    behaviour: "InetAddress puts every IPv4 address before every IPv6 address, whatever glibc's order.",
    toFollowFile: '-Djava.net.preferIPv6Addresses=system, on the command line or in JAVA_TOOL_OPTIONS.',
    toPreferIPv6: '-Djava.net.preferIPv6Addresses=true (IPv6 first always) or =system (then edit /etc/gai.conf).',
    versions: 'all Java versions (the default is false)',
    source: 'java.net Networking Properties (java.net.preferIPv6Addresses)',
    evidence: { kind: 'measured', measuredWith: 'OpenJDK 17.0.15', firstFamily: ALWAYS_IPV4 },
  },
  {
    id: 'java-system',
    name: 'Java with -Djava.net.preferIPv6Addresses=system',
    followsFile: 'yes',
    behaviour: "Keeps the order getaddrinfo() returned.",
    toFollowFile: 'Nothing more to change.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the JVM.',
    versions: 'Java 9 and later',
    source: 'java.net Networking Properties (java.net.preferIPv6Addresses); java.net.InetAddress',
    evidence: { kind: 'measured', measuredWith: 'OpenJDK 17.0.15 (on the command line and in JAVA_TOOL_OPTIONS)', firstFamily: CONNECTS_AS_FILE_SAYS },
  },
  {
    id: 'java-prefer-ipv6',
    name: 'Java with -Djava.net.preferIPv6Addresses=true',
    followsFile: 'no',
    behaviour: 'Puts every IPv6 address before every IPv4 address, whatever the file says.',
    toFollowFile: 'Use =system instead of =true.',
    toPreferIPv6: 'Already prefers IPv6.',
    versions: 'all Java versions',
    source: 'java.net Networking Properties (java.net.preferIPv6Addresses)',
    evidence: { kind: 'measured', measuredWith: 'OpenJDK 17.0.15', firstFamily: ALWAYS_IPV6 },
  },
  {
    id: 'node',
    name: 'Node.js 17 and later (dns.lookup, net.connect, http)',
    followsFile: 'yes',
    behaviour: "dns.lookup() keeps getaddrinfo()'s order (verbatim, the default since v17). net.connect() (autoSelectFamily, the default since v20) tries the first address, then alternates families every 250 ms.",
    toFollowFile: 'Nothing to change, unless --dns-result-order=ipv4first / ipv6first or dns.setDefaultResultOrder() is used.',
    toPreferIPv6: 'Edit /etc/gai.conf, or run with --dns-result-order=ipv6first (v20.13, v22.1 and later).',
    versions: 'Node.js 17 and later',
    source: 'Node.js documentation: dns.lookup (verbatim default changed in v17.0.0), net.setDefaultAutoSelectFamily (default true from v20.0.0)',
    evidence: { kind: 'measured', measuredWith: 'Node.js 20.20.2', firstFamily: CONNECTS_AS_FILE_SAYS },
  },
  {
    id: 'node-ipv4first',
    name: 'Node.js before 17, or with --dns-result-order=ipv4first',
    followsFile: 'no',
    behaviour: 'dns.lookup() puts IPv4 addresses first.',
    toFollowFile: 'Node 17 or later without the option, or --dns-result-order=verbatim (v16.4 and later).',
    toPreferIPv6: '--dns-result-order=ipv6first (v20.13, v22.1 and later), or verbatim plus /etc/gai.conf.',
    versions: 'Node.js up to 16 by default; any version with ipv4first',
    source: 'Node.js documentation: --dns-result-order, dns.setDefaultResultOrder',
    evidence: { kind: 'measured', measuredWith: 'Node.js 20.20.2, --dns-result-order=ipv4first on the command line and in NODE_OPTIONS', firstFamily: ALWAYS_IPV4 },
  },
  {
    id: 'node-ipv6first',
    name: 'Node.js with --dns-result-order=ipv6first',
    followsFile: 'no',
    behaviour: 'dns.lookup() puts IPv6 addresses first, whatever the file says.',
    toFollowFile: '--dns-result-order=verbatim.',
    toPreferIPv6: 'Already prefers IPv6.',
    versions: 'Node.js 20.13, 22.1 and later',
    source: 'Node.js documentation: dns.setDefaultResultOrder (ipv6first added in v22.1.0, v20.13.0)',
    evidence: { kind: 'measured', measuredWith: 'Node.js 20.20.2, --dns-result-order=ipv6first', firstFamily: ALWAYS_IPV6 },
  },
  {
    id: 'nginx',
    name: 'nginx (proxy_pass / upstream host names)',
    followsFile: 'partly',
    behaviour: 'A host name in an upstream or proxy_pass is resolved once, at start or reload; every address becomes a server of its own and requests are spread over all of them, so both families carry traffic whatever the order. Names resolved at run time through the `resolver` directive use nginx\'s own DNS client, not gai.conf.',
    toFollowFile: null,
    toPreferIPv6: 'Write the IPv6 addresses in the upstream block (or mark the IPv4 ones `backup`), or use `resolver ... ipv4=off` (1.23.1 and later) for run-time resolution.',
    versions: 'nginx 1.x',
    source: 'nginx documentation: ngx_http_upstream_module (server), ngx_http_core_module (resolver)',
    evidence: { kind: 'documented', document: 'nginx.org docs: ngx_http_upstream_module "server" ("a domain name that resolves to several IP addresses defines multiple servers at once"), ngx_http_core_module "resolver"' },
  },
  {
    id: 'postfix',
    name: 'Postfix SMTP client',
    followsFile: 'no',
    behaviour: 'Looks up MX, A and AAAA records itself; the family tried first is smtp_address_preference (default `any`), limited by inet_protocols.',
    toFollowFile: null,
    toPreferIPv6: 'smtp_address_preference = ipv6 and inet_protocols = all in main.cf, then `postfix reload`.',
    versions: 'Postfix 2.8 and later (smtp_address_preference)',
    source: 'postconf(5): smtp_address_preference, inet_protocols',
    evidence: { kind: 'documented', document: 'postconf(5), smtp_address_preference and inet_protocols' },
  },
  {
    id: 'exim',
    name: 'Exim (dnslookup router)',
    followsFile: 'no',
    behaviour: 'Looks up addresses itself; a host\'s addresses are put in random order, except that IPv6 addresses come before IPv4 ones.',
    toFollowFile: null,
    toPreferIPv6: 'Already prefers IPv6; dns_ipv4_lookup (or disable_ipv6) is the switch the other way.',
    versions: 'Exim 4',
    source: 'Exim specification, chapter "The dnslookup router"; main options dns_ipv4_lookup, disable_ipv6',
    evidence: { kind: 'documented', document: 'Exim specification, chapter 17 "The dnslookup router"' },
  },
];

export function runtimeEntry(id: RuntimeId): RuntimeEntry {
  const entry = RUNTIMES.find((r) => r.id === id);
  if (!entry) throw new Error(`no runtime entry ${id}`);
  return entry;
}
