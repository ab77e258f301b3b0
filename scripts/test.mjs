// The whole suite: type-check and compile with tsc, run every *.test.js under node:test, then the
// integration suite inside a real VS Code (code-server's remote extension host), then the UI tests
// (the packaged VSIX in code-server, driven in Chromium; then Save as Root as an ordinary user with
// sudo). Ends with one "N passed, M failed" line that totals them all.
//   node scripts/test.mjs --fast    type check, unit, protocol and grammar tests only (development)
//   node scripts/test.mjs WORD...   only the node:test files whose path contains a WORD
import { execFileSync, spawn } from 'child_process';
import { readdirSync, rmSync, statSync } from 'fs';
import { join } from 'path';

rmSync('out', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

/** Runs a command, echoing its output, and returns its exit code and the counts its output reports. */
function run(args, patterns) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('close', (code) => {
      const count = (pattern) => Number([...output.matchAll(pattern)].at(-1)?.[1] ?? 0);
      resolve({ code: code ?? 1, passed: count(patterns.passed), failed: count(patterns.failed) });
    });
  });
}

const fast = process.argv.includes('--fast');
const FAST_TIERS = ['unit', 'protocol', 'grammar'].map((tier) => join('out', 'test', tier));
const only = process.argv.slice(2).filter((a) => a !== '--fast');
const files = testFiles('out/test')
  .filter((f) => !fast || FAST_TIERS.some((tier) => f.startsWith(tier)))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
const unit = await run(['--test', '--test-concurrency=2', ...files], { passed: /^# pass (\d+)$/gm, failed: /^# fail (\d+)$/gm });
const results = [unit];
if (only.length === 0 && !fast) {
  const counts = { passed: /^(\d+) passed, \d+ failed$/gm, failed: /^\d+ passed, (\d+) failed$/gm };
  results.push(await run(['scripts/test-remote.mjs'], counts));
  results.push(await run(['test/ui/run.mjs'], counts));
  results.push(await run(['test/ui/saveAsRoot.mjs'], counts));
}
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
