// `npm run bench`: gai-conf's figures beside their floors, measured in one run and interleaved
// (floor, ours, floor, ours...) so that machine noise hits both alike; medians are reported.
// Prints a table and writes .bench/results.json (and appends to .bench/history.jsonl) for
// comparison across commits. GAI_CONF_BENCH_ROUNDS sets the rounds of the spawn-based figures.
//
// The floor server (test/bench/floorServer.ts) is a minimal vscode-languageserver server bundled
// as dist/server.js is (scripts/serverBundle.mjs); the CLI's floor is `node -e ''`.
import { execFileSync, spawn, spawnSync } from 'child_process';
import { build } from 'esbuild';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import { join, resolve } from 'path';

import { bundleSplit } from './serverBundle.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, '.bench');
const BUILD = join(OUT, 'build');
const ROUNDS = Number(process.env.GAI_CONF_BENCH_ROUNDS ?? 5);
const STOCK = '/etc/gai.conf';

mkdirSync(BUILD, { recursive: true });
execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
// Through the same two steps as dist/server.js (ES-module split, then CommonJS): the floor has no
// lazy features, so it stays one file, loaded as ours is.
await bundleSplit(join(ROOT, 'test/bench/floorServer.ts'), BUILD, 'floor-server');
/** test/bench/NAME.ts bundled and loaded: the subject of some figures, built from the sources as they are. */
async function benchModule(name) {
  await build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    entryPoints: [join(ROOT, `test/bench/${name}.ts`)],
    outfile: join(BUILD, `${name}.js`),
  });
  return createRequire(import.meta.url)(join(BUILD, `${name}.js`));
}
const core = await benchModule('core');

const SERVERS = { floor: join(BUILD, 'floor-server.js'), ours: join(ROOT, 'dist/server.js') };
if (!existsSync(STOCK)) throw new Error(`${STOCK} is missing: the benchmark reads the stock Debian file at run time`);
const FILES = {
  stock: readFileSync(STOCK, 'utf8'),
  '10k': core.generateGaiConf(10_000),
  '100k': core.generateGaiConf(100_000),
};

// ---------------------------------------------------------------------------------------------
// A bare LSP client over stdio: framing, requests, and waiting for a publication.

class Client {
  constructor(script) {
    this.started = performance.now();
    this.child = spawn(process.execPath, [script, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.child.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.child.stdin.on('error', () => undefined);
    this.buffer = Buffer.alloc(0);
    this.nextId = 1;
    this.pending = new Map();
    this.publications = [];
    this.waiters = [];
    this.child.stdout.on('data', (chunk) => this.receive(chunk));
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(message);
    }
  }

  dispatch(message) {
    if (message.id !== undefined && message.method) this.send({ jsonrpc: '2.0', id: message.id, result: null });
    else if (message.id !== undefined) {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    } else if (message.method === 'textDocument/publishDiagnostics') {
      this.publications.push({ at: performance.now(), ...message.params });
      this.waiters = this.waiters.filter((waiter) => !waiter());
    }
  }

  send(message) {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method, params) {
    this.send({ jsonrpc: '2.0', method, params });
  }

  publication(uri, version) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no diagnostics for ${uri} v${version}\n${this.stderr}`)),
        120_000,
      );
      const check = () => {
        const found = this.publications.find((p) => p.uri === uri && (version === undefined || p.version === version));
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
        return found !== undefined;
      };
      if (!check()) this.waiters.push(check);
    });
  }

  async initialize() {
    await this.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        textDocument: {
          publishDiagnostics: { versionSupport: true },
          hover: { contentFormat: ['markdown'] },
          codeAction: {
            isPreferredSupport: true,
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } },
          },
        },
      },
    });
    this.notify('initialized', {});
  }

  async open(uri, text) {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'gaiconf', version: 1, text } });
    return this.publication(uri, 1);
  }

  rss() {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))[1]) * 1024;
  }

  async stop() {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.request('shutdown', null);
    this.notify('exit', null);
    await exited;
  }
}

async function session(kind, text, uri = 'file:///bench/gai.conf') {
  const client = new Client(SERVERS[kind]);
  await client.initialize();
  const opened = await client.open(uri, text);
  return { client, uri, opened };
}

// ---------------------------------------------------------------------------------------------
// Statistics

const median = (values) => quantile(values, 0.5);
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (position - low);
}

/** Least-squares slope of log(time) over log(size): 1 is linear growth. */
function fittedExponent(points) {
  const xs = points.map((p) => Math.log(p.size));
  const ys = points.map((p) => Math.log(p.ms));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxy = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0);
  const sxx = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return sxy / sxx;
}

// ---------------------------------------------------------------------------------------------
// The figures

const figures = [];
function record(name, unit, floor, value, target) {
  const met = target ? target.check(value, floor) : undefined;
  figures.push({ name, unit, floor, value, ratio: floor ? value / floor : undefined, target: target?.text, met });
  process.stderr.write(
    `  ${name}: ${format(value, unit)}${floor !== undefined ? ` (floor ${format(floor, unit)})` : ''}\n`,
  );
}
const ratioAtMost = (limit) => ({ text: `<= ${limit}x floor`, check: (value, floor) => value <= floor * limit });
const atMost = (limit, unit) => ({ text: `< ${format(limit, unit)}`, check: (value) => value < limit });

async function timeToFirstDiagnostics(kind, text) {
  const client = new Client(SERVERS[kind]);
  await client.initialize();
  const opened = await client.open('file:///bench/gai.conf', text);
  const ms = opened.at - client.started;
  await client.stop();
  return ms;
}

process.stderr.write('Time to first diagnostics (spawn to the first publishDiagnostics)\n');
for (const [name, target] of [
  ['stock', ratioAtMost(1.1)],
  ['10k', ratioAtMost(1.5)],
  ['100k', undefined],
]) {
  const times = { floor: [], ours: [] };
  for (let round = 0; round < ROUNDS; round++)
    for (const kind of ['floor', 'ours']) times[kind].push(await timeToFirstDiagnostics(kind, FILES[name]));
  record(
    `first diagnostics, ${name === 'stock' ? `stock ${STOCK}` : `${name} lines`}`,
    'ms',
    median(times.floor),
    median(times.ours),
    target,
  );
}

process.stderr.write(
  'Scale: 200,000 label rows whose prefixes repeat after 65,535 (as many findings as rows; diagnostics capped)\n',
);
{
  const text = core.repeatingLabelRows(200_000);
  const times = { floor: [], ours: [] };
  for (const kind of ['floor', 'ours']) times[kind].push(await timeToFirstDiagnostics(kind, text));
  record('first diagnostics, 200k repeating label rows', 'ms', median(times.floor), median(times.ours));
}

/**
 * One-character edits in the 10k file that change the diagnostics: "label" <-> "Label" on a row
 * (the lines after it stay where they are), or with `moving`, "# " typed before the row and
 * deleted again (every line after it moves).
 */
async function editLatencies(kind, count, moving = false) {
  const { client, uri } = await session(kind, FILES['10k']);
  const line = FILES['10k'].split('\n').findIndex((l) => l.startsWith('label '));
  const latencies = [];
  for (let i = 0; i < count; i++) {
    const version = i + 2;
    const started = performance.now();
    const typed = i % 2 === 0;
    const change = moving
      ? { range: { start: { line, character: 0 }, end: { line, character: typed ? 0 : 2 } }, text: typed ? '# ' : '' }
      : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: typed ? 'L' : 'l' };
    client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    const publication = await client.publication(uri, version);
    latencies.push(publication.at - started);
  }
  await client.stop();
  return latencies;
}

process.stderr.write('Re-analysis after a one-character edit (10k lines)\n');
{
  const times = { floor: [], ours: [] };
  for (let round = 0; round < ROUNDS; round++)
    for (const kind of ['floor', 'ours']) times[kind].push(...(await editLatencies(kind, 10)));
  record('edit to new diagnostics, 10k lines, median', 'ms', median(times.floor), median(times.ours), atMost(5, 'ms'));
  const moving = { floor: [], ours: [] };
  for (let round = 0; round < Math.max(2, Math.ceil(ROUNDS / 2)); round++)
    for (const kind of ['floor', 'ours']) moving[kind].push(...(await editLatencies(kind, 10, true)));
  record('edit moving the lines after it, 10k lines, median', 'ms', median(moving.floor), median(moving.ours));
}

/** Hover at random words, and code actions on the lines ours reports a diagnostic for. */
async function requestLatencies(kind, diagnostics) {
  const { client, uri } = await session(kind, FILES['10k']);
  const lines = FILES['10k'].split('\n');
  const random = core.seededRandom(11);
  const hover = [];
  const action = [];
  for (let i = 0; i < 300; i++) {
    const line = Math.floor(random() * (lines.length - 1));
    const position = { line, character: Math.floor(random() * (lines[line].length + 1)) };
    const started = performance.now();
    await client.request('textDocument/hover', { textDocument: { uri }, position });
    if (i >= 20) hover.push(performance.now() - started);
  }
  for (let i = 0; i < 200; i++) {
    const diagnostic = diagnostics[Math.floor(random() * diagnostics.length)];
    const started = performance.now();
    await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    if (i >= 20) action.push(performance.now() - started);
  }
  await client.stop();
  return { hover, action };
}

process.stderr.write('Hover and code-action latency (10k lines)\n');
{
  const probe = await session('ours', FILES['10k']);
  const diagnostics = probe.opened.diagnostics;
  await probe.client.stop();
  const times = { floor: { hover: [], action: [] }, ours: { hover: [], action: [] } };
  for (let round = 0; round < Math.max(2, Math.ceil(ROUNDS / 2)); round++) {
    for (const kind of ['floor', 'ours']) {
      const { hover, action } = await requestLatencies(kind, diagnostics);
      times[kind].hover.push(...hover);
      times[kind].action.push(...action);
    }
  }
  for (const [name, key] of [
    ['hover', 'hover'],
    ['code action (on a diagnostic)', 'action'],
  ]) {
    record(`${name} p50, 10k lines`, 'ms', quantile(times.floor[key], 0.5), quantile(times.ours[key], 0.5));
    record(
      `${name} p99, 10k lines`,
      'ms',
      quantile(times.floor[key], 0.99),
      quantile(times.ours[key], 0.99),
      atMost(5, 'ms'),
    );
  }
}

process.stderr.write('Memory after opening the 100k-line file\n');
{
  const rss = { floor: [], ours: [] };
  for (let round = 0; round < Math.max(2, Math.ceil(ROUNDS / 2)); round++) {
    for (const kind of ['floor', 'ours']) {
      const { client } = await session(kind, FILES['100k']);
      await new Promise((resolve) => setTimeout(resolve, 200));
      rss[kind].push(client.rss());
      await client.stop();
    }
  }
  record(
    'server RSS, 100k lines open',
    'bytes',
    median(rss.floor),
    median(rss.ours),
    atMost(100 * 1024 * 1024, 'bytes'),
  );
}

process.stderr.write('Cost growth (analysis in-process)\n');
const growth = [];
{
  const glibc = core.parseGlibcVersion('2.36');
  const sizes = [1_000, 3_000, 10_000, 30_000, 100_000];
  const texts = new Map(sizes.map((size) => [size, core.generateGaiConf(size)]));
  const samples = new Map(sizes.map((size) => [size, []]));
  for (const size of sizes) core.analyzeGaiConf(texts.get(size), { glibc });
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of sizes) {
      const started = performance.now();
      core.analyzeGaiConf(texts.get(size), { glibc });
      samples.get(size).push(performance.now() - started);
    }
  }
  for (const size of sizes) growth.push({ size, ms: median(samples.get(size)) });
  for (const point of growth.filter((p) => [1_000, 10_000, 100_000].includes(p.size)))
    record(`analysis, ${point.size / 1000}k lines`, 'ms', undefined, point.ms);
  record('fitted exponent (time ~ lines^k), 1k..100k', '', undefined, fittedExponent(growth), {
    text: '<= 1.05 (linear)',
    check: (value) => value <= 1.05,
  });
}

process.stderr.write('Size\n');
{
  const vsix = join(OUT, 'gai-conf.vsix');
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/@vscode/vsce/vsce'),
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--no-rewrite-relative-links',
      '-o',
      vsix,
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  // dist/server.js and its chunks, the ones loaded at a first request included.
  const serverFiles = readdirSync(join(ROOT, 'dist')).filter((name) => /^server(-.*)?\.js$/.test(name));
  const serverBytes = serverFiles.reduce((sum, name) => sum + statSync(join(ROOT, 'dist', name)).size, 0);
  record('server bundle (all chunks)', 'bytes', statSync(SERVERS.floor).size, serverBytes);
  record('client bundle', 'bytes', undefined, statSync(join(ROOT, 'dist/extension.js')).size);
  record('VSIX', 'bytes', undefined, statSync(vsix).size, {
    text: "<= 448 KiB (the package test's budget)",
    check: (value) => value <= 448 * 1024,
  });
}

process.stderr.write('CLI\n');
{
  const times = { floor: [], ours: [] };
  const commands = { floor: ['-e', ''], ours: [join(ROOT, 'dist/cli.js'), 'check', STOCK] };
  for (let round = 0; round < ROUNDS * 3; round++) {
    for (const kind of ['floor', 'ours']) {
      const started = performance.now();
      spawnSync(process.execPath, commands[kind], { stdio: 'ignore' });
      times[kind].push(performance.now() - started);
    }
  }
  record(
    `gai-conf check ${STOCK} (floor: node -e '')`,
    'ms',
    median(times.floor),
    median(times.ours),
    ratioAtMost(1.15),
  );
}

process.stderr.write('Connections census\n');
{
  const census = await benchModule('census');
  const tree = census.fakeProc(100, 100);
  try {
    const times = [];
    const cpu = [];
    const floors = [];
    for (let round = 0; round < ROUNDS; round++) {
      const floor = census.timeFloor(tree);
      if (floor.links !== 10_000) throw new Error(`the floor read ${floor.links} socket links, not 10,000`);
      floors.push(floor.ms);
      const { ms, cpuMs, sockets } = await census.timeCensus(tree);
      if (sockets !== 10_000) throw new Error(`the census counted ${sockets} sockets, not 10,000`);
      times.push(ms);
      cpu.push(cpuMs);
    }
    record(
      'census of 10,000 sockets (100 processes; floor: reading them)',
      'ms',
      median(floors),
      median(times),
      atMost(500, 'ms'),
    );
    record('census of 10,000 sockets, CPU time', 'ms', undefined, median(cpu));
  } finally {
    tree.remove();
  }
}

process.stderr.write('Container scan\n');
if (process.getuid?.() !== 0) {
  process.stderr.write('  skipped: the 50 bare-namespace containers need root (run npm run bench as root)\n');
} else {
  const bench = await benchModule('containers');
  const made = await bench.startBenchContainers(50);
  try {
    const targets = await bench.scanTargets();
    const times = { floor: [], ours: [] };
    let scanned = 0;
    for (let round = 0; round < ROUNDS; round++) {
      times.floor.push(bench.timeFloor(targets));
      const { ms, containers } = await bench.timeScan();
      times.ours.push(ms);
      scanned = containers;
    }
    if (scanned < 50) throw new Error(`the scan found ${scanned} containers, not the 50 made`);
    record(
      `scan of ${scanned} containers as root from /proc, judged (floor: the same reads)`,
      'ms',
      median(times.floor),
      median(times.ours),
      atMost(1000, 'ms'),
    );
    const cli = { floor: [], ours: [] };
    const commands = {
      floor: ['-e', ''],
      ours: [join(ROOT, 'dist/cli.js'), 'containers', '--json', '--fail-on', 'none'],
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['floor', 'ours']) {
        const started = performance.now();
        spawnSync(process.execPath, commands[kind], { stdio: 'ignore' });
        cli[kind].push(performance.now() - started);
      }
    }
    record(
      `gai-conf containers --json, ${scanned} containers (floor: node -e '')`,
      'ms',
      median(cli.floor),
      median(cli.ours),
      atMost(1000, 'ms'),
    );
  } finally {
    for (const container of made) container.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function format(value, unit) {
  if (value === undefined) return '';
  if (unit === 'bytes')
    return value >= 1024 * 1024 ? `${(value / 1024 / 1024).toFixed(1)} MiB` : `${(value / 1024).toFixed(1)} KiB`;
  if (unit === 'ms') return `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
  return value.toFixed(2);
}

const rows = [
  ['figure', 'floor', 'gai-conf', 'ratio', 'target', 'met'],
  ...figures.map((f) => [
    f.name,
    format(f.floor, f.unit),
    format(f.value, f.unit),
    f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x`,
    f.target ?? '',
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  ]),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) =>
  r.map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
console.log(
  `\n${line(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.slice(1).map(line).join('\n')}`,
);

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
const result = { commit, date: new Date().toISOString(), node: process.version, rounds: ROUNDS, figures, growth };
writeFileSync(join(OUT, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
appendFileSync(join(OUT, 'history.jsonl'), `${JSON.stringify(result)}\n`);
console.log(`\nWritten to .bench/results.json (and appended to .bench/history.jsonl).`);
