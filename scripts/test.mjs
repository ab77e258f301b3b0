// The whole suite (npm test): first what it needs (scripts/install-test-tools.sh, which installs
// what is missing when run as root), then the format check (prettier) and the linter (eslint),
// then type-check and compile with tsc, run every *.test.js
// under node:test, then the integration suite inside a real VS Code (code-server's remote
// extension host), then the UI tests (the packaged VSIX in code-server, driven in Chromium; then
// Save as Root as an ordinary user with sudo). Ends with the time each part took and one
// "N passed, M failed" line that totals them all; each node:test test's time goes to
// .test-times.json, to compare runs.
//
// Nothing is skipped silently: where a tool is missing the run stops before testing, naming it and
// the command that installs it, and a test that skips anyway fails the run. GAI_CONF_PARTIAL=1
// runs without what is missing; the tests that need it are skipped, each naming it, and the
// closing line says the run was partial and what it lacked.
//   node scripts/test.mjs --fast    format, lint, type check, unit, protocol and grammar tests only (development)
//   node scripts/test.mjs WORD...   only the node:test files whose path contains a WORD (no format or lint check)
import { execFileSync, spawn, spawnSync } from 'child_process';
import { readdirSync, rmSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';

const started = performance.now();
const fast = process.argv.includes('--fast');
const only = process.argv.slice(2).filter((a) => a !== '--fast');
const whole = !fast && only.length === 0;
const partial = process.env.GAI_CONF_PARTIAL === '1';

/** What the whole suite needs and this machine lacks, after installing what it can (as root). */
function prerequisitesMissing() {
  // As root its progress shows (apt, the glibc builds); as anyone else it only checks, and the
  // message below says what to do.
  const root = process.getuid?.() === 0;
  const run = spawnSync('bash', ['scripts/install-test-tools.sh'], {
    stdio: ['ignore', 'pipe', root ? 'inherit' : 'ignore'],
    encoding: 'utf8',
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('missing: '));
  const missing = line
    ? line.slice('missing: '.length).split(', ')
    : run.status === 0
      ? []
      : ['scripts/install-test-tools.sh failed'];
  // The oracles make network namespaces, the Save as Root tests a user with sudo: only root can.
  if (!root) missing.unshift('root');
  return missing;
}

const missing = whole ? prerequisitesMissing() : [];
if (missing.length > 0 && !partial) {
  console.error(
    `\nnpm test needs ${missing.join(', ')}, and would otherwise skip the tests that use ${missing.length === 1 ? 'it' : 'them'}.`,
  );
  console.error(
    process.getuid?.() === 0
      ? 'Install them with: bash scripts/install-test-tools.sh (see above for what failed)'
      : 'Run the whole suite as root, which installs them first: sudo npm test',
  );
  console.error('Or run without them, skipping what needs them: GAI_CONF_PARTIAL=1 npm test');
  process.exit(1);
}

/** Prettier's check and eslint, side by side: both must pass before any test runs. */
async function styleProblems() {
  const check = (name, args) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('close', (code) => resolve(code === 0 ? [] : [`${name}:\n${output.trim()}`]));
    });
  const found = await Promise.all([
    check('prettier --check (npm run format writes the fixes)', [
      'node_modules/prettier/bin/prettier.cjs',
      '--check',
      '--log-level',
      'warn',
      '.',
    ]),
    check('eslint (npm run lint -- --fix fixes what it can)', ['node_modules/eslint/bin/eslint.js', '.']),
  ]);
  return found.flat();
}

if (only.length === 0) {
  const problems = await styleProblems();
  if (problems.length > 0) {
    console.error(`\n${problems.join('\n\n')}\n\nThe format or lint check failed: no test ran.`);
    process.exit(1);
  }
}

rmSync('out', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

/**
 * Runs a command, echoing its output, and returns its exit code, the counts its output reports,
 * how long it took and its output.
 */
function run(name, args, patterns) {
  const begun = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('close', (code) => {
      const count = (pattern) => Number([...output.matchAll(pattern)].at(-1)?.[1] ?? 0);
      resolve({
        name,
        seconds: (performance.now() - begun) / 1000,
        output,
        code: code ?? 1,
        passed: count(patterns.passed),
        failed: count(patterns.failed),
        skipped: count(patterns.skipped),
      });
    });
  });
}

const FAST_TIERS = ['unit', 'protocol', 'grammar'].map((tier) => join('out', 'test', tier));
const files = testFiles('out/test')
  .filter((f) => !fast || FAST_TIERS.some((tier) => f.startsWith(tier)))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
const nodeTest = { passed: /^# pass (\d+)$/gm, failed: /^# fail (\d+)$/gm, skipped: /^# skipped (\d+)$/gm };
const prepared = (performance.now() - started) / 1000;
const results = [await run('node:test', ['--test', '--test-concurrency=2', ...files], nodeTest)];
if (whole) {
  // Each suite's last line: "N passed, M failed", with ", K skipped" where it skipped any.
  const counts = {
    passed: /^(\d+) passed, \d+ failed(?:, \d+ skipped)?$/gm,
    failed: /^\d+ passed, (\d+) failed(?:, \d+ skipped)?$/gm,
    skipped: /^\d+ passed, \d+ failed, (\d+) skipped$/gm,
  };
  results.push(await run('VS Code integration', ['scripts/test-remote.mjs'], counts));
  results.push(await run('UI', ['test/ui/run.mjs'], counts));
  results.push(await run('Save as Root', ['test/ui/saveAsRoot.mjs'], counts));
  results.push(await run('UI containers', ['test/ui/containers.mjs'], counts));
  results.push(await run('UI measure', ['test/ui/measure.mjs'], counts));
}
const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
const [passed, failed, skipped] = [total('passed'), total('failed'), total('skipped')];
// Outside a partial run, a skip is a test that checked nothing while the run claims it did.
const silentSkips = skipped > 0 && !partial;
const notes = [
  ...(skipped > 0 ? [`${skipped} skipped`] : []),
  ...(partial
    ? [`partial run (GAI_CONF_PARTIAL=1)${missing.length > 0 ? `: without ${missing.join(', ')}` : ''}`]
    : []),
  ...(silentSkips ? ['a test skipped outside a partial run: that fails the run'] : []),
];
// node:test's TAP output gives each top-level test's time.
const testSeconds = Object.fromEntries(
  [...results[0].output.matchAll(/^(?:not )?ok \d+ - (.+)\n {2}---\n {2}duration_ms: ([\d.]+)/gm)].map((m) => [
    m[1],
    Number(m[2]) / 1000,
  ]),
);
writeFileSync(
  '.test-times.json',
  `${JSON.stringify({ preparation: prepared, suites: Object.fromEntries(results.map((r) => [r.name, r.seconds])), tests: testSeconds }, null, 1)}\n`,
);
const clock = (seconds) => `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
console.log(
  `\ntime: ${clock((performance.now() - started) / 1000)} (${[['preparation', prepared], ...results.map((r) => [r.name, r.seconds])].map(([name, seconds]) => `${name} ${clock(seconds)}`).join(', ')}; each test's in .test-times.json)`,
);
console.log(`\n${passed} passed, ${failed} failed${notes.map((n) => `, ${n}`).join('')}`);
process.exit(results.every((r) => r.code === 0) && !silentSkips ? 0 : 1);
