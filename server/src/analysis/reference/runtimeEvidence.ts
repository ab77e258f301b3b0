/**
 * Where each claim of the runtime table (runtimes.ts) comes from and the versions it holds for. A
 * claim proven here by test/oracle/runtimes.test.ts with the real runtime is `measured` (the test
 * reads the expected families from this table, so a wrong entry fails it); a claim that cannot be
 * run on this machine is `documented`, with the document named.
 */

import { RuntimeId } from './runtimes';

export type Family = 4 | 6;

/**
 * The measurement, in a network namespace where a name has one IPv4 and one IPv6 address, both
 * local and listening: the family the runtime's ordinary client connects to first under a
 * gai.conf that prefers IPv4 and under one that prefers IPv6 (an empty file: the built-in tables).
 * `ulaHost` is the seed scenario (host fd42::2/64 + 10.0.0.2/24, name with 2001:db8:1::10 and
 * 198.51.100.10): the family first in the runtime's own lookup order under the stock (empty) file
 * and under the RFC 3484 label fix, for runtimes whose lookup order the test can print.
 * `fallsBack`: Happy Eyeballs, measured with the address of the family it tries first silent (its
 * SYN unanswered) beside a listening one of the other family: connected to the other within 2.5 s.
 */
export interface Measured {
  kind: 'measured';
  measuredWith: string;
  firstFamily: { preferIPv4File: Family; preferIPv6File: Family };
  fallsBack: boolean;
  ulaHost?: { stockFile: Family; ulaFixFile: Family };
}

/**
 * A server, measured in the same namespace: the families four requests through it reached, under
 * the prefer-IPv4 and the prefer-IPv6 file, the upstream being the name with both addresses.
 */
export interface MeasuredServer {
  kind: 'measuredServer';
  measuredWith: string;
  requestFamilies: { preferIPv4File: Family[]; preferIPv6File: Family[] };
}

export interface Documented {
  kind: 'documented';
  document: string;
}

export interface RuntimeEvidence {
  versions: string;
  source: string;
  evidence: Measured | MeasuredServer | Documented;
}

const CONNECTS_AS_FILE_SAYS = { preferIPv4File: 4, preferIPv6File: 6 } as const;
const ALWAYS_IPV4 = { preferIPv4File: 4, preferIPv6File: 4 } as const;
const ALWAYS_IPV6 = { preferIPv4File: 6, preferIPv6File: 6 } as const;

export const RUNTIME_EVIDENCE: Readonly<Record<RuntimeId, RuntimeEvidence>> = {
  'glibc-dynamic': {
    versions: 'glibc 2.5 and later (gai.conf exists since 2.5)',
    source: 'glibc sysdeps/posix/getaddrinfo.c (nss/getaddrinfo.c from 2.39)',
    evidence: {
      kind: 'measured',
      measuredWith: 'glibc 2.36, a C program calling getaddrinfo() and connect(); names from /etc/hosts and DNS',
      firstFamily: CONNECTS_AS_FILE_SAYS,
      fallsBack: false,
      ulaHost: { stockFile: 4, ulaFixFile: 6 },
    },
  },
  'glibc-static': {
    versions: 'glibc 2.5 and later',
    source: 'glibc getaddrinfo.c (GAICONF_FNAME)',
    evidence: {
      kind: 'measured',
      measuredWith: 'glibc 2.36 (gcc -static)',
      firstFamily: CONNECTS_AS_FILE_SAYS,
      fallsBack: false,
      ulaHost: { stockFile: 4, ulaFixFile: 6 },
    },
  },
  python: {
    versions: 'Python 3 on glibc',
    source: 'Python documentation: socket.create_connection, asyncio loop.create_connection',
    evidence: {
      kind: 'measured',
      measuredWith: 'Python 3.11.2, socket.create_connection and asyncio.open_connection',
      firstFamily: CONNECTS_AS_FILE_SAYS,
      fallsBack: false,
    },
  },
  curl: {
    versions: 'curl up to 8.9 (the 200 ms head start is CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS, since 7.59.0)',
    source: 'curl man page CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS(3); curl lib/connect.c',
    evidence: { kind: 'measured', measuredWith: 'curl 7.88.1', firstFamily: CONNECTS_AS_FILE_SAYS, fallsBack: true },
  },
  'curl-ipv6-first': {
    versions: 'curl 8.10.0 and later',
    source:
      'curl commit 81a3342877 "connect: always prefer ipv6 in IP eyeballing" (pull request #14768), first released in curl 8.10.0',
    evidence: {
      kind: 'documented',
      document:
        "curl's git history (commit 81a3342877, first tag curl-8_10_0) and the current CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS(3)",
    },
  },
  ruby: {
    versions: 'Ruby up to 3.3',
    source: 'Ruby ext/socket (rsock_init_inetsock)',
    evidence: { kind: 'measured', measuredWith: 'Ruby 3.1.2', firstFamily: CONNECTS_AS_FILE_SAYS, fallsBack: false },
  },
  'ruby-happy-eyeballs': {
    versions: 'Ruby 3.4 and later',
    source: 'Ruby 3.4 NEWS (socket: Happy Eyeballs Version 2 in TCPSocket.new)',
    evidence: { kind: 'documented', document: 'Ruby 3.4.0 NEWS.md, socket section' },
  },
  'go-pure': {
    versions:
      'Go 1.x on Linux whenever the pure-Go resolver is chosen: an nsswitch.conf hosts line of files, dns, mdns*, myhostname (measured with both the plain and the mDNS line), or GODEBUG=netdns=go (measured beside LOCALDOMAIN)',
    source: 'Go net package documentation (Name Resolution); src/net/addrselect.go',
    evidence: {
      kind: 'measured',
      measuredWith:
        'Go 1.19.8; /etc/hosts under nsswitch "hosts: files" and "files mdns4_minimal [NOTFOUND=return] dns myhostname", and DNS',
      firstFamily: ALWAYS_IPV6,
      fallsBack: true,
      ulaHost: { stockFile: 4, ulaFixFile: 4 },
    },
  },
  'go-cgo': {
    versions: 'Go 1.x with cgo: GODEBUG=netdns=cgo, -tags netcgo, or an nsswitch.conf the pure resolver cannot serve',
    source: 'Go net package documentation (Name Resolution); src/net/dial.go (fallbackDelay)',
    evidence: {
      kind: 'measured',
      measuredWith: 'Go 1.19.8, GODEBUG=netdns=cgo',
      firstFamily: CONNECTS_AS_FILE_SAYS,
      fallsBack: true,
      ulaHost: { stockFile: 4, ulaFixFile: 6 },
    },
  },
  'go-cgo-fallback': {
    versions: 'Go 1.19 rules (src/net/conf.go); the list of sources Go serves itself differs between Go versions',
    source: 'Go net package documentation (Name Resolution); src/net/conf.go hostLookupOrder',
    evidence: {
      kind: 'measured',
      measuredWith: 'Go 1.19.8 (LOCALDOMAIN=, and nsswitch.conf "hosts: files resolve [!UNAVAIL=return] dns")',
      firstFamily: CONNECTS_AS_FILE_SAYS,
      fallsBack: true,
    },
  },
  'go-static': {
    versions: 'Go 1.x',
    source: 'Go net package documentation (Name Resolution)',
    evidence: {
      kind: 'measured',
      measuredWith:
        'Go 1.19.8, CGO_ENABLED=0, run with GODEBUG=netdns=cgo, and with LOCALDOMAIN= under a resolve nsswitch.conf',
      firstFamily: ALWAYS_IPV6,
      fallsBack: true,
    },
  },
  musl: {
    versions: 'musl 1.1.3 and later (the RFC 6724 sort in lookup_name.c)',
    source: 'musl src/network/lookup_name.c',
    evidence: {
      kind: 'measured',
      measuredWith: 'musl 1.2.3 (musl-gcc -static); /etc/hosts and DNS',
      firstFamily: ALWAYS_IPV6,
      fallsBack: false,
      ulaHost: { stockFile: 4, ulaFixFile: 4 },
    },
  },
  'c-ares': {
    versions: 'c-ares 1.16 and later (ares_getaddrinfo with address sorting)',
    source: 'c-ares src/lib/ares__sortaddrinfo.c',
    evidence: { kind: 'documented', document: 'c-ares source, ares__sortaddrinfo.c (RFC 6724 destination sort)' },
  },
  'java-default': {
    versions: 'all Java versions (the default is false)',
    source: 'java.net Networking Properties (java.net.preferIPv6Addresses)',
    evidence: {
      kind: 'measured',
      measuredWith: 'OpenJDK 17.0.15; /etc/hosts and DNS',
      firstFamily: ALWAYS_IPV4,
      fallsBack: false,
    },
  },
  'java-system': {
    versions: 'Java 9 and later',
    source: 'java.net Networking Properties (java.net.preferIPv6Addresses); java.net.InetAddress',
    evidence: {
      kind: 'measured',
      measuredWith: 'OpenJDK 17.0.15 (on the command line and in JAVA_TOOL_OPTIONS)',
      firstFamily: CONNECTS_AS_FILE_SAYS,
      fallsBack: false,
    },
  },
  'java-prefer-ipv6': {
    versions: 'all Java versions',
    source: 'java.net Networking Properties (java.net.preferIPv6Addresses)',
    evidence: { kind: 'measured', measuredWith: 'OpenJDK 17.0.15', firstFamily: ALWAYS_IPV6, fallsBack: false },
  },
  node: {
    versions: 'Node.js 17 and later',
    source:
      'Node.js documentation: dns.lookup (verbatim default changed in v17.0.0), net.setDefaultAutoSelectFamily (default true from v20.0.0)',
    evidence: {
      kind: 'measured',
      measuredWith: 'Node.js 20.20.2',
      firstFamily: CONNECTS_AS_FILE_SAYS,
      fallsBack: true,
    },
  },
  'node-ipv4first': {
    versions: 'Node.js up to 16 by default; any version with ipv4first',
    source: 'Node.js documentation: --dns-result-order, dns.setDefaultResultOrder',
    evidence: {
      kind: 'measured',
      measuredWith: 'Node.js 20.20.2, --dns-result-order=ipv4first on the command line and in NODE_OPTIONS',
      firstFamily: ALWAYS_IPV4,
      fallsBack: true,
    },
  },
  'node-ipv6first': {
    versions: 'Node.js 20.13, 22.1 and later',
    source: 'Node.js documentation: dns.setDefaultResultOrder (ipv6first added in v22.1.0, v20.13.0)',
    evidence: {
      kind: 'measured',
      measuredWith: 'Node.js 20.20.2, --dns-result-order=ipv6first',
      firstFamily: ALWAYS_IPV6,
      fallsBack: true,
    },
  },
  nginx: {
    versions: 'nginx 1.x',
    source: 'nginx documentation: ngx_http_upstream_module (server), ngx_http_core_module (resolver)',
    evidence: {
      kind: 'measuredServer',
      measuredWith: "nginx 1.22.1, proxy_pass to an upstream name: the file only picks the first request's family",
      requestFamilies: { preferIPv4File: [4, 6, 4, 6], preferIPv6File: [6, 4, 6, 4] },
    },
  },
  postfix: {
    versions: 'Postfix 2.8 and later (smtp_address_preference)',
    source: 'postconf(5): smtp_address_preference, inet_protocols',
    evidence: { kind: 'documented', document: 'postconf(5), smtp_address_preference and inet_protocols' },
  },
  exim: {
    versions: 'Exim 4',
    source: 'Exim specification, chapter "The dnslookup router"; main options dns_ipv4_lookup, disable_ipv6',
    evidence: { kind: 'documented', document: 'Exim specification, chapter 17 "The dnslookup router"' },
  },
  chromium: {
    versions: 'Chromium 156 (measured); the built-in DNS client is on by default on Linux (AsyncDns)',
    source:
      'Chromium: net/base/features.cc (kAsyncDns), net/dns/address_sorter_posix.cc (its policy table), net/dns/dns_config_service_linux.cc (IsNsswitchConfigCompatible), net/socket/tcp_connect_job.h (kIPv6FallbackTime, 300 ms)',
    evidence: {
      kind: 'measured',
      measuredWith:
        'Debian\'s Chromium 156, headless, with getaddrinfo() (nsswitch "hosts: files") and with its own DNS client ("hosts: files dns")',
      firstFamily: ALWAYS_IPV6,
      fallsBack: true,
    },
  },
  electron: {
    versions: 'Electron 15 and later (app.configureHostResolver)',
    source:
      "Electron documentation: app.configureHostResolver (enableBuiltInResolver: on by default on macOS only); its network stack is Chromium's",
    evidence: {
      kind: 'documented',
      document:
        'Electron documentation, app.configureHostResolver(options), enableBuiltInResolver; Chromium as measured above',
    },
  },
};
