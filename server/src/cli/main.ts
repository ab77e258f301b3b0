/**
 * The gai-conf command: check, table, order, explain, who-follows and containers, over the same analysis as the editor.
 * Exit codes: 0 clean, 1 findings at the --fail-on level (warning) or above (check), 2 usage or I/O errors.
 */

import { DEFAULT_FILE, InputError, Output, parseArguments, UsageError } from './arguments';
import { check } from './commands/check';

const USAGE = `Usage:
  gai-conf check [FILE...] [--format text|json|gnu|sarif|github] [--json]
                 [--fail-on error|warning|information|hint|none] [--template] [--kernel-labels] [--glibc VERSION]
                 [--kind gai.conf|dockerfile|shell|cloud-init|ansible|nixos] [--base FILE]
  gai-conf table [FILE] [--json | --format text|json|gai.conf] [--output FILE] [--kernel-labels] [--glibc VERSION]
  gai-conf preset prefer-ipv6|prefer-ipv4|rfc6724|glibc|auto [--source ADDR/LEN]... [--output FILE [--force]]
  gai-conf reset [FILE] [--write] [--glibc VERSION]
  gai-conf order [--config FILE] [--source ADDR/LEN[,deprecated][,home][,dev=NAME][,tunnel]]...
                 [--no-default-route 4|6] DEST... [--json] [--glibc VERSION]
  gai-conf explain [--config FILE] [--source ...]... [--no-default-route 4|6]
                 NAME|ADDR... [--json] [--glibc VERSION]
  gai-conf who-follows [--json]
  gai-conf connections [--json] [--watch DURATION [--interval DURATION]] [--save FILE]
                 [--compare FILE] [--resolve]
  gai-conf containers [--format text|json|gnu|sarif|github] [--json]
                 [--fail-on error|warning|information|hint|none] [--sudo]

FILE defaults to ${DEFAULT_FILE}; a Dockerfile, shell script, cloud-init file, Ansible task
file or NixOS module is read for the gai.conf it writes (--kind says which; --base names the file
its appends and edits start from, by default the stock ${DEFAULT_FILE} of this machine). VERSION is a glibc version such as 2.36 or 2.41; by default the
glibc this runs on. Without --source, "order" and "explain" use this machine's addresses and
routes. "explain" resolves NAME in DNS (A and AAAA), explains every step of glibc's order under
FILE, and compares it with what this system's getaddrinfo() returns now. "who-follows" lists
the installed runtimes (asking each its version) and the running processes (read from /proc)
that do not follow /etc/gai.conf, and those started before it last changed. "table --format
gai.conf" prints the tables in effect as a gai.conf glibc reads into the same tables;
"--kernel-labels" adds the kernel's address labels (it runs "ip -6 addrlabel list"). "preset"
prints a whole policy as a gai.conf ("auto": chosen from this machine's addresses, or --source);
--output writes it (atomically, keeping mode and owner). "reset" shows the diff that comments out
every active line; --write writes it. "connections"
counts this host's and every container's TCP connections and connected UDP sockets by family
(from /proc and the host's ss), with the IPv6 share and a reason for every IPv4 connection;
DURATION is e.g. 30s, 2m or 500ms; --resolve looks up the IPv4 peers' names in DNS. "containers" finds
every container of this host (LXD, Incus, LXC, Docker, Podman, systemd-nspawn, Kubernetes, other
namespaces) from /proc and judges each by its own gai.conf, libc, addresses and routes; --sudo
scans as root through sudo.`;

function reportError(error: unknown, output: Output): number {
  if (error instanceof UsageError) {
    if (error.message) output.err(`gai-conf: ${error.message}`);
    output.err(USAGE);
    return 2;
  }
  if (error instanceof InputError) {
    output.err(`gai-conf: ${error.message}`);
    return 2;
  }
  output.err(`gai-conf: internal error: ${(error as Error).message}`);
  return 2;
}

export async function run(argv: string[], output: Output): Promise<number> {
  try {
    const args = parseArguments(argv);
    if (args.command === 'check') return await check(args, output);
    // The other commands' modules are loaded when one of them runs (commands/otherCommands.ts).
    const commands = await import('./commands/otherCommands.js');
    switch (args.command) {
      case 'table':
        return commands.table(args, output);
      case 'preset':
        return commands.preset(args, output);
      case 'reset':
        return commands.reset(args, output);
      case 'order':
        return commands.order(args, output);
      case 'explain':
        return await commands.explain(args, output);
      case 'who-follows':
        return commands.whoFollows(args, output);
      case 'connections':
        return await commands.connections(args, output);
      case 'containers':
        return await commands.containers(args, output, argv.slice(1));
      default:
        throw new UsageError(`unknown command "${args.command}"`);
    }
  } catch (error) {
    return reportError(error, output);
  }
}
