/** The command line as the commands read it: options, the glibc to assume, files and hosts. */

import { parseIpAddress } from '../glibc/addresses';
import { Host, HostAddress } from '../glibc/sourceSelection';
import { GlibcVersion } from '../glibc/versions';
import { withKernelLabels } from '../system/addressLabels';
import { resolveGlibcVersion } from '../system/cLibrary';
import { FileReadError, readGaiConfFile } from '../system/files';
import { systemHost } from '../system/host';
import { LIVE_GAI_CONF } from '../system/liveFile';

export const DEFAULT_FILE = LIVE_GAI_CONF;

/** Wrong use of the command: the usage follows the message. */
export class UsageError extends Error {}

/** Input that cannot be used (a file that cannot be read, a name that does not resolve). */
export class InputError extends Error {}

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** A progress line for long work, shown only where someone watches (standard error is a terminal). */
  progress?(text: string): void;
}

export interface ParsedArguments {
  readonly command: string;
  readonly positional: string[];
  readonly json: boolean;
  /** check: --format (text, json, gnu, sarif, github) and --fail-on (a severity or none). */
  readonly format?: string;
  readonly failOn?: string;
  /** check: --template, to read FILE as a template whatever its name. */
  readonly template: boolean;
  /** check: --kind (gai.conf, dockerfile, shell, cloud-init, ansible, nixos) and --base FILE. */
  readonly kind?: string;
  readonly base?: string;
  readonly glibc?: string;
  readonly config?: string;
  readonly sources: string[];
  readonly noDefaultRoute: string[];
  /** preset, reset: --output FILE (preset) or --write (reset), and --force to replace active lines. */
  readonly output?: string;
  readonly write: boolean;
  readonly force: boolean;
  /** table: --kernel-labels, to read this machine's `ip addrlabel` table beside glibc's. */
  readonly kernelLabels: boolean;
  /** connections: --watch DURATION, --interval DURATION, --save FILE, --compare FILE, --resolve. */
  readonly watch?: string;
  readonly interval?: string;
  readonly save?: string;
  readonly compare?: string;
  readonly resolve: boolean;
  /** containers: scan as root through sudo (only when asked). */
  readonly sudo: boolean;
}

export function parseArguments(argv: string[]): ParsedArguments {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') throw new UsageError('');
  const result: ParsedArguments = {
    command,
    positional: [],
    json: false,
    template: false,
    sources: [],
    noDefaultRoute: [],
    write: false,
    force: false,
    kernelLabels: false,
    resolve: false,
    sudo: false,
  };
  const mutable = result as { -readonly [K in keyof ParsedArguments]: ParsedArguments[K] };
  for (let i = 0; i < rest.length; i++) {
    const argument = rest[i];
    const [flag, inlineValue] =
      argument.startsWith('--') && argument.includes('=')
        ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)]
        : [argument, undefined];
    const value = (): string => {
      const v = inlineValue ?? rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--json':
        mutable.json = true;
        break;
      case '--format':
        mutable.format = value();
        break;
      case '--fail-on':
        mutable.failOn = value();
        break;
      case '--template':
        mutable.template = true;
        break;
      case '--kind':
        mutable.kind = value();
        break;
      case '--base':
        mutable.base = value();
        break;
      case '--sudo':
        mutable.sudo = true;
        break;
      case '--glibc':
        mutable.glibc = value();
        break;
      case '--config':
        mutable.config = value();
        break;
      case '--source':
        mutable.sources.push(value());
        break;
      case '--no-default-route':
        mutable.noDefaultRoute.push(value());
        break;
      case '--output':
      case '-o':
        mutable.output = value();
        break;
      case '--write':
        mutable.write = true;
        break;
      case '--force':
        mutable.force = true;
        break;
      case '--kernel-labels':
        mutable.kernelLabels = true;
        break;
      case '--watch':
        mutable.watch = value();
        break;
      case '--interval':
        mutable.interval = value();
        break;
      case '--save':
        mutable.save = value();
        break;
      case '--compare':
        mutable.compare = value();
        break;
      case '--resolve':
        mutable.resolve = true;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        if (argument.startsWith('--')) throw new UsageError(`unknown option ${argument}`);
        mutable.positional.push(argument);
    }
  }
  return result;
}

export function glibcFor(args: ParsedArguments): GlibcVersion {
  const version = resolveGlibcVersion(args.glibc);
  if (!version) throw new UsageError(`--glibc takes a version such as 2.36 or 2.41, not "${args.glibc}"`);
  return version;
}

/** The file named on the command line, read as glibc reads it. */
export function readConfig(path: string): string {
  try {
    return readGaiConfFile(path);
  } catch (error) {
    throw error instanceof FileReadError ? new InputError(error.message) : error;
  }
}

/**
 * The gai.conf for order and explain: --config, else the live file, which may be absent (the
 * built-in tables then apply, as for glibc).
 */
export function configOf(args: ParsedArguments): {
  readonly file: string;
  readonly text: string;
  readonly absent: boolean;
} {
  const file = args.config ?? DEFAULT_FILE;
  try {
    return { file, text: readConfig(file), absent: false };
  } catch (error) {
    if (args.config !== undefined) throw error;
    return { file, text: '', absent: true };
  }
}

function parseSource(spec: string): HostAddress {
  const [addressPart, ...flags] = spec.split(',');
  const [addressText, lengthText] = addressPart.split('/');
  const address = parseIpAddress(addressText ?? '');
  const prefixLength = Number(lengthText);
  const max = address?.family === 4 ? 32 : 128;
  if (!address || lengthText === undefined || !/^\d+$/.test(lengthText) || prefixLength > max) {
    throw new UsageError(`--source takes ADDRESS/LENGTH (e.g. fd42::2/64 or 10.0.0.2/24), not "${spec}"`);
  }
  const source: { -readonly [K in keyof HostAddress]: HostAddress[K] } = { address, prefixLength };
  for (const flag of flags) {
    if (flag === 'deprecated') source.deprecated = true;
    else if (flag === 'home') source.homeAddress = true;
    else if (flag === 'tunnel') source.tunnel = true;
    else if (flag.startsWith('dev=') && flag.length > 4) source.interface = flag.slice(4);
    else throw new UsageError(`unknown --source flag "${flag}" (deprecated, home, tunnel, dev=NAME)`);
  }
  return source;
}

export function hostFor(args: ParsedArguments): Host {
  const base = args.sources.length > 0 ? { addresses: args.sources.map(parseSource) } : systemHost();
  for (const family of args.noDefaultRoute) {
    if (family !== '4' && family !== '6') throw new UsageError(`--no-default-route takes 4 or 6, not "${family}"`);
  }
  if (args.noDefaultRoute.length === 0) return base;
  const has = (f: 4 | 6) => base.addresses.some((a) => a.address.family === f);
  const routes = base.defaultRoutes ?? { ipv4: has(4), ipv6: has(6) };
  return {
    ...base,
    defaultRoutes: {
      ipv4: routes.ipv4 && !args.noDefaultRoute.includes('4'),
      ipv6: routes.ipv6 && !args.noDefaultRoute.includes('6'),
    },
  };
}

/**
 * The host for order and explain: with --source as given (Linux's default address labels); else
 * this machine with the kernel's address labels, which `ip -6 addrlabel list` reads.
 */
export function hostWithKernelLabels(args: ParsedArguments): { readonly host: Host; readonly note?: string } {
  const host = hostFor(args);
  return args.sources.length > 0 ? { host } : withKernelLabels(host);
}
