/**
 * The gai-conf command: check, table and order, over the same analysis core as the editor.
 * Exit codes: 0 clean, 1 findings at warning level or above (check), 2 usage or I/O errors.
 */

import { readFileSync } from 'fs';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { parseIpAddress } from '../glibc/addresses';
import { documentationAnchor, SEVERITY_RANK, severityOf } from '../analysis/catalogue';
import { GlibcVersion, glibcVersionText } from '../glibc/versions';
import { describeGlibcVersion } from '../analysis/glibcDescription';
import { resolveGlibcVersion, runtimeLibc } from '../system/cLibrary';
import { ExplainReport, explainReport, Explanation, scopeText } from '../features/explain';
import { isLiveGaiConf, LIVE_GAI_CONF } from '../system/liveFile';
import { Analysis, analyzeGaiConf } from '../analysis/analysis';
import { Decision, DestinationFacts, RULE_NAMES, simulateOrder } from '../glibc/sort';
import { Host, HostAddress } from '../glibc/sourceSelection';
import { EffectiveTable, rowPrefixText } from '../glibc/tables';
import { TextLocator } from '../features/positions';
import { systemHost } from '../system/host';
import { QueryError, resolveQuery } from '../system/resolve';
import { addressText } from '../glibc/addresses';

const DEFAULT_FILE = LIVE_GAI_CONF;

/** The README that ships beside the bundle documents every code under a heading of its own. */
function documentationLink(code: Parameters<typeof documentationAnchor>[0]): string {
  return pathToFileURL(join(__dirname, '..', 'README.md')).href + documentationAnchor(code);
}

const USAGE = `Usage:
  gai-conf check [FILE] [--json] [--glibc VERSION]
  gai-conf table [FILE] [--json] [--glibc VERSION]
  gai-conf order [--config FILE] [--source ADDR/LEN[,deprecated][,home][,dev=NAME][,tunnel]]...
                 [--no-default-route 4|6] DEST... [--json] [--glibc VERSION]
  gai-conf explain [--config FILE] [--source ...]... [--no-default-route 4|6]
                 NAME|ADDR... [--json] [--glibc VERSION]

FILE defaults to ${DEFAULT_FILE}. VERSION is a glibc version such as 2.36 or 2.41; by default the
glibc this runs on. Without --source, "order" and "explain" use this machine's addresses and
routes. "explain" resolves NAME in DNS (A and AAAA), explains every step of glibc's order under
FILE, and compares it with what this system's getaddrinfo() returns now.`;

class UsageError extends Error {}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

interface ParsedArguments {
  readonly command: string;
  readonly positional: string[];
  readonly json: boolean;
  readonly glibc?: string;
  readonly config?: string;
  readonly sources: string[];
  readonly noDefaultRoute: string[];
}

function parseArguments(argv: string[]): ParsedArguments {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') throw new UsageError('');
  const result: ParsedArguments = { command, positional: [], json: false, sources: [], noDefaultRoute: [] };
  const mutable = result as { -readonly [K in keyof ParsedArguments]: ParsedArguments[K] };
  for (let i = 0; i < rest.length; i++) {
    const argument = rest[i];
    const [flag, inlineValue] = argument.startsWith('--') && argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    const value = (): string => {
      const v = inlineValue ?? rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--json': mutable.json = true; break;
      case '--glibc': mutable.glibc = value(); break;
      case '--config': mutable.config = value(); break;
      case '--source': mutable.sources.push(value()); break;
      case '--no-default-route': mutable.noDefaultRoute.push(value()); break;
      case '--help': case '-h': throw new UsageError('');
      default:
        if (argument.startsWith('--')) throw new UsageError(`unknown option ${argument}`);
        mutable.positional.push(argument);
    }
  }
  return result;
}

function glibcFor(args: ParsedArguments): GlibcVersion {
  const version = resolveGlibcVersion(args.glibc);
  if (!version) throw new UsageError(`--glibc takes a version such as 2.36 or 2.41, not "${args.glibc}"`);
  return version;
}

class InputError extends Error {}

function readConfig(path: string): string {
  try {
    const bytes = readFileSync(path);
    // Keep a byte order mark: glibc reads it as part of the first word.
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new InputError(`cannot read ${path}: ${why}`);
  }
}

function check(args: ParsedArguments, output: Output): number {
  if (args.positional.length > 1) throw new UsageError('check takes one file');
  const file = args.positional[0] ?? DEFAULT_FILE;
  const glibc = glibcFor(args);
  const text = readConfig(file);
  const analysis = analyzeGaiConf(text, { glibc, hostLibc: runtimeLibc() });
  const locator = new TextLocator(text);
  const findings = analysis.findings.map((finding) => {
    const range = locator.rangeOf(finding);
    return {
      file,
      line: range.start.line + 1,
      column: range.start.character + 1,
      endLine: range.end.line + 1,
      endColumn: range.end.character + 1,
      code: finding.code,
      severity: severityOf(finding.code),
      message: finding.message,
      documentation: documentationLink(finding.code),
    };
  });
  if (args.json) {
    output.out(JSON.stringify({ glibc: glibcVersionText(glibc), file, findings, suppressed: analysis.suppressed.length }, null, 2));
  } else {
    output.out(`${file}: read as ${describeGlibcVersion(glibc)}`);
    for (const f of findings) output.out(`${f.file}:${f.line}:${f.column}: ${f.severity} [${f.code}] ${f.message}`);
    const counts = (['error', 'warning', 'information', 'hint'] as const).map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
    output.out(findings.length === 0 ? 'No findings: glibc reads every line as written.' : `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${counts.map(([s, n]) => `${n} ${s}${n === 1 || s === 'information' ? '' : 's'}`).join(', ')}.`);
    const silenced = analysis.suppressed.length;
    if (silenced > 0) output.out(`${silenced} more finding${silenced === 1 ? ' is' : 's are'} silenced by "# gai-conf: ignore" comments.`);
  }
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning) ? 1 : 0;
}

function tableJson(table: EffectiveTable) {
  return {
    source: table.source,
    rows: table.rows.map((row) => ({
      prefix: rowPrefixText(row),
      value: row.value,
      line: row.origin.kind === 'file' ? row.origin.line.index + 1 : null,
      origin: row.origin.kind,
    })),
  };
}

function tablesJson(analysis: Analysis, glibc: GlibcVersion) {
  const { tables } = analysis;
  return {
    glibc: glibcVersionText(glibc),
    label: tableJson(tables.label),
    precedence: tableJson(tables.precedence),
    scopev4: tableJson(tables.scopev4),
    reload: tables.reload,
    crash: tables.crash ? { line: tables.crash.index + 1 } : null,
  };
}

function table(args: ParsedArguments, output: Output): number {
  if (args.positional.length > 1) throw new UsageError('table takes one file');
  const file = args.positional[0] ?? DEFAULT_FILE;
  const glibc = glibcFor(args);
  const analysis = analyzeGaiConf(readConfig(file), { glibc });
  if (args.json) {
    output.out(JSON.stringify(tablesJson(analysis, glibc), null, 2));
    return 0;
  }
  output.out(`${file}: tables as ${describeGlibcVersion(glibc)} holds them, in lookup order`);
  if (analysis.tables.crash) output.out(`Every program crashes at its first lookup with several answers, because of line ${analysis.tables.crash.index + 1}.`);
  for (const kind of ['label', 'precedence', 'scopev4'] as const) {
    const t = analysis.tables[kind];
    output.out('');
    output.out(`${kind} (${t.source === 'builtin' ? "glibc's built-in table" : 'replaced by this file'})`);
    for (const row of t.rows) {
      const origin = row.origin.kind === 'file' ? `line ${row.origin.line.index + 1}` : row.origin.kind === 'implicit' ? 'implicit catch-all' : 'built-in';
      output.out(`  ${rowPrefixText(row).padEnd(24)} ${String(row.value).padStart(10)}   ${origin}`);
    }
  }
  output.out('');
  output.out(`reload: ${analysis.tables.reload ? 'yes' : 'no'}`);
  return 0;
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

function hostFor(args: ParsedArguments): Host {
  const base = args.sources.length > 0 ? { addresses: args.sources.map(parseSource) } : systemHost();
  for (const family of args.noDefaultRoute) {
    if (family !== '4' && family !== '6') throw new UsageError(`--no-default-route takes 4 or 6, not "${family}"`);
  }
  if (args.noDefaultRoute.length === 0) return base;
  const has = (f: 4 | 6) => base.addresses.some((a) => a.address.family === f);
  const routes = base.defaultRoutes ?? { ipv4: has(4), ipv6: has(6) };
  return { ...base, defaultRoutes: { ipv4: routes.ipv4 && !args.noDefaultRoute.includes('4'), ipv6: routes.ipv6 && !args.noDefaultRoute.includes('6') } };
}

function describeDecision(decision: Decision, texts: readonly string[]): string {
  const winner = texts[decision.winner];
  const loser = texts[decision.winner === decision.a ? decision.b : decision.a];
  const aIsWinner = decision.winner === decision.a;
  const values = Object.entries(decision.values)
    .map(([name, [a, b]]) => `${name} ${aIsWinner ? a : b} vs ${aIsWinner ? b : a}`)
    .join(', ');
  return `${winner} before ${loser}: rule ${decision.rule}, ${RULE_NAMES[decision.rule]} (${values})`;
}

function sourceDescription(d: DestinationFacts): string {
  return d.source ? `from ${addressText(d.source.address)}` : 'unreachable: no route or source address';
}

function order(args: ParsedArguments, output: Output): number {
  if (args.positional.length === 0) throw new UsageError('order needs at least one destination address');
  for (const dest of args.positional) {
    if (!parseIpAddress(dest)) throw new UsageError(`"${dest}" is not an IPv4 or IPv6 address`);
  }
  const glibc = glibcFor(args);
  const configFile = args.config ?? DEFAULT_FILE;
  let text = '';
  let configNote = configFile;
  try {
    text = readConfig(configFile);
  } catch (error) {
    if (args.config !== undefined) throw error;
    configNote = `${configFile} (absent: built-in tables)`;
  }
  const analysis = analyzeGaiConf(text, { glibc });
  const host = hostFor(args);
  const result = simulateOrder(analysis.tables, host, args.positional);
  const texts = result.destinations.map((d) => d.text);
  if (args.json) {
    output.out(JSON.stringify({
      glibc: glibcVersionText(glibc),
      order: result.order.map((d) => d.text),
      decisions: result.decisions.map((d) => ({ a: texts[d.a], b: texts[d.b], winner: texts[d.winner], rule: d.rule, ruleName: RULE_NAMES[d.rule], values: d.values })),
      destinations: result.destinations.map((d) => ({
        destination: d.text,
        source: d.source ? addressText(d.source.address) : null,
        label: d.label,
        sourceLabel: d.sourceLabel ?? null,
        precedence: d.precedence,
        scope: d.scope,
        sourceScope: d.sourceScope ?? null,
      })),
      crash: analysis.tables.crash ? { line: analysis.tables.crash.index + 1 } : null,
    }, null, 2));
    return 0;
  }
  output.out(`Order under ${configNote}, as ${describeGlibcVersion(glibc)} sorts it:`);
  if (analysis.tables.crash) output.out(`Warning: line ${analysis.tables.crash.index + 1} makes every program crash before sorting.`);
  result.order.forEach((d, i) => output.out(`  ${i + 1}. ${d.text}  (${sourceDescription(d)}; label ${d.label}${d.sourceLabel !== undefined ? `/${d.sourceLabel}` : ''}, precedence ${d.precedence})`));
  output.out('Why:');
  for (const decision of result.decisions) output.out(`  ${describeDecision(decision, texts)}`);
  return 0;
}

function explanationLines(explanation: Explanation): string[] {
  const lines: string[] = [];
  if (explanation.crashLine !== undefined) lines.push(`  Line ${explanation.crashLine} makes every program crash before sorting.`);
  explanation.order.forEach((d, i) => {
    const route = d.source ? `from ${d.source.address} on ${d.source.interface}` : `unreachable: ${d.unreachable}`;
    const labels = d.sourceLabel !== undefined ? `label ${d.label}, source label ${d.sourceLabel}` : `label ${d.label}`;
    const scopes = d.sourceScope !== undefined ? `scope ${scopeText(d.scope)}, source scope ${scopeText(d.sourceScope)}` : `scope ${scopeText(d.scope)}`;
    lines.push(`  ${i + 1}. ${d.text}  ${d.kind}; ${route}`);
    lines.push(`       ${labels}; precedence ${d.precedence}; ${scopes}${d.note ? `; ${d.note}` : ''}`);
  });
  if (explanation.steps.length > 0) lines.push('  Why:');
  for (const step of explanation.steps) lines.push(`    ${step.first} before ${step.second}: rule ${step.rule}, ${step.ruleName}. ${step.reason}`);
  return lines;
}

function explainTextLines(report: ExplainReport, file: string, glibc: GlibcVersion): string[] {
  const lines = [`Explaining ${report.query} as ${describeGlibcVersion(glibc)}.`, ...report.notes];
  lines.push(`This host: ${report.host.map((a) => `${a.address}/${a.prefixLength} (${[a.interface, ...a.flags].join(', ')})`).join(', ') || 'no addresses but loopback'}; default routes: IPv4 ${report.defaultRoutes.ipv4 ? 'yes' : 'no'}, IPv6 ${report.defaultRoutes.ipv6 ? 'yes' : 'no'}.`);
  lines.push('', `Order under ${file}:`, ...explanationLines(report.buffer));
  const system = report.system;
  if (system) {
    lines.push('');
    if ('error' in system) lines.push(`System resolver: ${system.error}.`);
    else lines.push(`System resolver now: ${system.order.join(', ')}`, `  ${system.comment}`);
  }
  return lines;
}

async function explain(args: ParsedArguments, output: Output): Promise<number> {
  if (args.positional.length === 0) throw new UsageError('explain needs a host name or addresses');
  const glibc = glibcFor(args);
  const file = args.config ?? DEFAULT_FILE;
  let text = '';
  try {
    text = readConfig(file);
  } catch (error) {
    if (args.config !== undefined) throw error;
  }
  const resolved = await resolveQuery(args.positional.join(' ')).catch((error: unknown) => {
    throw error instanceof QueryError ? new InputError(error.message) : error;
  });
  const tables = analyzeGaiConf(text, { glibc }).tables;
  const report = explainReport({ ...resolved, host: hostFor(args), buffer: tables, saved: tables, live: isLiveGaiConf(file), hostIsThisMachine: args.sources.length === 0 && args.noDefaultRoute.length === 0 });
  if (args.json) output.out(JSON.stringify({ glibc: glibcVersionText(glibc), file, ...report }, null, 2));
  else for (const line of explainTextLines(report, file, glibc)) output.out(line);
  return 0;
}

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
    switch (args.command) {
      case 'check': return check(args, output);
      case 'table': return table(args, output);
      case 'order': return order(args, output);
      case 'explain': return await explain(args, output);
      default: throw new UsageError(`unknown command "${args.command}"`);
    }
  } catch (error) {
    return reportError(error, output);
  }
}
