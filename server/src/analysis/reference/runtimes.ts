/**
 * Who follows /etc/gai.conf: the resolvers, runtimes and servers that decide a connection's
 * address family, what each does with glibc's order, and how to make it follow the file or prefer
 * IPv6. Where each claim comes from, and for which versions it holds, is runtimeEvidence.ts (kept
 * apart so that the editor's bundle carries only what the report shows).
 */

export type RuntimeId =
  | 'glibc-dynamic'
  | 'glibc-static'
  | 'python'
  | 'curl'
  | 'curl-ipv6-first'
  | 'ruby'
  | 'ruby-happy-eyeballs'
  | 'go-pure'
  | 'go-cgo'
  | 'go-cgo-fallback'
  | 'go-static'
  | 'musl'
  | 'c-ares'
  | 'java-default'
  | 'java-system'
  | 'java-prefer-ipv6'
  | 'node'
  | 'node-ipv4first'
  | 'node-ipv6first'
  | 'nginx'
  | 'postfix'
  | 'exim'
  | 'chromium'
  | 'electron';

export interface RuntimeEntry {
  id: RuntimeId;
  name: string;
  /** 'yes': the file's order decides; 'no': it never does; 'partly': it decides only something minor. */
  followsFile: 'yes' | 'no' | 'partly';
  behaviour: string;
  /** How to make this program follow the file; null when nothing can. */
  toFollowFile: string | null;
  toPreferIPv6: string;
}

export const RUNTIMES: readonly RuntimeEntry[] = [
  {
    id: 'glibc-dynamic',
    name: 'Programs linked against glibc (C, C++, Rust std, Perl, PHP, ...)',
    followsFile: 'yes',
    behaviour: "getaddrinfo() sorts with the file's tables; a client connecting in that order follows the file.",
    toFollowFile: 'Nothing to change; restart programs started before the edit (unless `reload yes`).',
    toPreferIPv6: 'Edit /etc/gai.conf (for ULA hosts: the RFC 3484 label rows), then restart the program.',
  },
  {
    id: 'glibc-static',
    name: 'Statically linked glibc programs',
    followsFile: 'yes',
    behaviour: 'The static libc carries the same getaddrinfo(), which reads /etc/gai.conf.',
    toFollowFile: 'Nothing to change; restart it after editing the file.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the program.',
  },
  {
    id: 'python',
    name: 'Python (socket.create_connection, urllib, requests)',
    followsFile: 'yes',
    behaviour:
      "create_connection() tries getaddrinfo()'s addresses in order (asyncio too, unless happy_eyeballs_delay is set).",
    toFollowFile: 'Nothing to change; restart long-running interpreters after editing the file.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the program.',
  },
  {
    id: 'curl',
    name: 'curl / libcurl with the threaded (getaddrinfo) resolver',
    followsFile: 'yes',
    behaviour:
      "Happy Eyeballs: the family of getaddrinfo()'s first address is tried first, the other family 200 ms later if no connection is up by then.",
    toFollowFile: 'Nothing to change.',
    toPreferIPv6: 'Edit /etc/gai.conf; `curl -6` forces IPv6 for one transfer.',
  },
  {
    id: 'curl-ipv6-first',
    name: 'curl / libcurl after the Happy Eyeballs rework',
    followsFile: 'no',
    behaviour:
      'Tries an IPv6 address first whatever order getaddrinfo() returned, then IPv4 after the Happy Eyeballs delay.',
    toFollowFile: null,
    toPreferIPv6: 'Already prefers IPv6; `curl -4` forces IPv4.',
  },
  {
    id: 'ruby',
    name: 'Ruby (TCPSocket.new, Net::HTTP)',
    followsFile: 'yes',
    behaviour: "TCPSocket.new tries getaddrinfo()'s addresses in glibc's order.",
    toFollowFile: 'Nothing to change.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the program.',
  },
  {
    id: 'ruby-happy-eyeballs',
    name: 'Ruby 3.4+ (TCPSocket.new with fast_fallback)',
    followsFile: 'no',
    behaviour: 'Happy Eyeballs v2: AAAA and A are resolved apart and IPv6 is tried first.',
    toFollowFile: 'TCPSocket.new(host, port, fast_fallback: false), or Socket.tcp_fast_fallback = false.',
    toPreferIPv6: 'Already prefers IPv6.',
  },
  {
    id: 'go-pure',
    name: 'Go programs using the pure-Go resolver (the default on Linux)',
    followsFile: 'no',
    behaviour:
      "Resolves by itself and sorts with RFC 6724's table; gai.conf is never read. That table ranks ULA sources below IPv4, so ULA hosts (containers) reach dual-stacked names over IPv4.",
    toFollowFile:
      'GODEBUG=netdns=cgo (for a binary built with cgo, i.e. dynamically linked), or build with -tags netcgo.',
    toPreferIPv6: 'Give the host a global IPv6 address, or make it follow the file.',
  },
  {
    id: 'go-cgo',
    name: 'Go programs using the cgo resolver',
    followsFile: 'yes',
    behaviour: "Calls getaddrinfo(); Go's dialer then tries the family of the first address, the other 300 ms later.",
    toFollowFile: 'Nothing more to change.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the program.',
  },
  {
    id: 'go-cgo-fallback',
    name: 'Go programs built with cgo, where the pure-Go resolver steps aside',
    followsFile: 'yes',
    behaviour:
      "Go uses getaddrinfo by itself when LOCALDOMAIN is set, RES_OPTIONS or HOSTALIASES is non-empty, nsswitch.conf's hosts line names a source other than files, dns, mdns* and myhostname or gives files or dns criteria, or resolv.conf has an option Go does not know. GODEBUG=netdns=go forbids it.",
    toFollowFile: 'Nothing more to change.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the program.',
  },
  {
    id: 'go-static',
    name: 'Go programs built without cgo (CGO_ENABLED=0, static)',
    followsFile: 'no',
    behaviour:
      'Only the pure-Go resolver is linked in: GODEBUG=netdns=cgo, LOCALDOMAIN and nsswitch.conf change nothing.',
    toFollowFile: null,
    toPreferIPv6: 'Rebuild with cgo, or give the host a global IPv6 address.',
  },
  {
    id: 'musl',
    name: 'musl libc programs (Alpine Linux images, musl-static binaries)',
    followsFile: 'no',
    behaviour:
      "getaddrinfo() sorts with musl's built-in RFC 6724 table; no file changes it. ULA hosts reach dual-stacked names over IPv4.",
    toFollowFile: null,
    toPreferIPv6: 'Give the host or container a global IPv6 address.',
  },
  {
    id: 'c-ares',
    name: 'c-ares (Node dns.resolve*, curl built with c-ares, gRPC)',
    followsFile: 'no',
    behaviour: "ares_getaddrinfo() sorts with c-ares's own RFC 6724 table; gai.conf is never read.",
    toFollowFile: null,
    toPreferIPv6: 'Configure the program (most let you pick the family), or give the host a global IPv6 address.',
  },
  {
    id: 'java-default',
    name: 'Java without java.net.preferIPv6Addresses',
    followsFile: 'no',
    behaviour: "InetAddress puts every IPv4 address before every IPv6 address, whatever glibc's order.",
    toFollowFile: '-Djava.net.preferIPv6Addresses=system, on the command line or in JAVA_TOOL_OPTIONS.',
    toPreferIPv6: '-Djava.net.preferIPv6Addresses=true (IPv6 first always) or =system (then edit /etc/gai.conf).',
  },
  {
    id: 'java-system',
    name: 'Java with -Djava.net.preferIPv6Addresses=system',
    followsFile: 'yes',
    behaviour: 'Keeps the order getaddrinfo() returned.',
    toFollowFile: 'Nothing more to change.',
    toPreferIPv6: 'Edit /etc/gai.conf, then restart the JVM.',
  },
  {
    id: 'java-prefer-ipv6',
    name: 'Java with -Djava.net.preferIPv6Addresses=true',
    followsFile: 'no',
    behaviour: 'Puts every IPv6 address before every IPv4 address, whatever the file says.',
    toFollowFile: 'Use =system instead of =true.',
    toPreferIPv6: 'Already prefers IPv6.',
  },
  {
    id: 'node',
    name: 'Node.js 17 and later (dns.lookup, net.connect, http)',
    followsFile: 'yes',
    behaviour:
      "dns.lookup() keeps getaddrinfo()'s order (verbatim, default since v17); net.connect() (autoSelectFamily, default since v20) tries the first address, then the other family 250 ms later.",
    toFollowFile:
      'Nothing to change, unless --dns-result-order=ipv4first / ipv6first or dns.setDefaultResultOrder() is used.',
    toPreferIPv6: 'Edit /etc/gai.conf, or run with --dns-result-order=ipv6first (v20.13, v22.1 and later).',
  },
  {
    id: 'node-ipv4first',
    name: 'Node.js before 17, or with --dns-result-order=ipv4first',
    followsFile: 'no',
    behaviour: 'dns.lookup() puts IPv4 addresses first.',
    toFollowFile: 'Node 17 or later without the option, or --dns-result-order=verbatim (v16.4 and later).',
    toPreferIPv6: '--dns-result-order=ipv6first (v20.13, v22.1 and later), or verbatim plus /etc/gai.conf.',
  },
  {
    id: 'node-ipv6first',
    name: 'Node.js with --dns-result-order=ipv6first',
    followsFile: 'no',
    behaviour: 'dns.lookup() puts IPv6 addresses first, whatever the file says.',
    toFollowFile: '--dns-result-order=verbatim.',
    toPreferIPv6: 'Already prefers IPv6.',
  },
  {
    id: 'nginx',
    name: 'nginx (proxy_pass / upstream host names)',
    followsFile: 'partly',
    behaviour:
      "An upstream or proxy_pass host name is resolved at start; every address becomes a server and requests are spread over all, so both families carry traffic. The `resolver` directive uses nginx's own DNS client.",
    toFollowFile: null,
    toPreferIPv6: 'Write the IPv6 addresses in the upstream block, or `resolver ... ipv4=off` (1.23.1+).',
  },
  {
    id: 'postfix',
    name: 'Postfix SMTP client',
    followsFile: 'no',
    behaviour:
      'Looks up MX, A and AAAA itself; smtp_address_preference (default `any`) picks the family, within inet_protocols.',
    toFollowFile: null,
    toPreferIPv6: 'smtp_address_preference = ipv6 and inet_protocols = all in main.cf, then `postfix reload`.',
  },
  {
    id: 'exim',
    name: 'Exim (dnslookup router)',
    followsFile: 'no',
    behaviour:
      "Looks up addresses itself; a host's addresses are put in random order, except that IPv6 addresses come before IPv4 ones.",
    toFollowFile: null,
    toPreferIPv6: 'Already prefers IPv6; dns_ipv4_lookup (or disable_ipv6) is the switch the other way.',
  },
  {
    id: 'chromium',
    name: 'Chrome, Chromium and other Chromium browsers',
    followsFile: 'no',
    behaviour:
      "Connects to an IPv6 address first whatever order its resolver returned, and to IPv4 300 ms later if IPv6 has not connected. Its resolver is its own DNS client, which sorts with Chromium's own RFC 3484 table and never reads gai.conf, unless nsswitch.conf's hosts line is more than files then dns (with mdns*_minimal or myhostname), resolv.conf has options it does not handle, the name ends in .local, or it runs with --disable-features=AsyncDns: then getaddrinfo(), whose order it does not follow either.",
    toFollowFile: null,
    toPreferIPv6: 'Already tries IPv6 first.',
  },
  {
    id: 'electron',
    name: 'Electron apps (VS Code, Slack, Discord, ...)',
    followsFile: 'partly',
    behaviour:
      "Requests from its Chromium side (windows, the net module) try IPv6 first as Chromium does (Electron also keeps Chromium's DNS client off on Linux unless the app calls app.configureHostResolver({ enableBuiltInResolver: true })); code in its Node.js main process (http, net) follows the file as Node.js does.",
    toFollowFile: 'Only the Node.js side follows it; the Chromium side cannot be made to.',
    toPreferIPv6: 'Already tries IPv6 first from its Chromium side; edit /etc/gai.conf for its Node.js side.',
  },
];

export function runtimeEntry(id: RuntimeId): RuntimeEntry {
  const entry = RUNTIMES.find((r) => r.id === id);
  if (!entry) throw new Error(`no runtime entry ${id}`);
  return entry;
}
