/**
 * `gai-conf check --format sarif`, judged by the SARIF 2.1.0 JSON schema that Microsoft's SARIF SDK
 * ships (with ajv) and by that SDK's own validator (`Sarif.Multitool validate`, which also checks
 * SARIF's rules beyond the schema), both from the @microsoft/sarif-multitool-linux package.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import { CATALOGUE, DIAGNOSTIC_CODES } from '../../server/src/analysis/catalogue';
import { artifactUri } from '../../server/src/cli/formats/sarif';
import { repoRoot } from '../support/repository';

const CLI = join(repoRoot(), 'dist', 'cli.js');
const MULTITOOL = dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json'));
const dir = mkdtempSync(join(tmpdir(), 'gai-conf-sarif-'));

/** Findings of every severity, one silenced, a finding that spans a lone CR, in a file whose name needs escaping. */
const NAME = 'roles/net #1/gai.conf';
const TEXT = [
  '# gai-conf: ignore reload-enabled',
  'reload yes',
  'Label ::1/128 5',
  'label fec0::/10 5',
  'precedence ::/0 +40',
  'scopev4 ::ffff:169.254.0.0 2',
  'label ::1/128 0\rlabel ::/0 1',
  '',
].join('\n');

function checkSarif(): { log: any; json: any; status: number | null } {
  mkdirSync(join(dir, 'roles', 'net #1'), { recursive: true });
  writeFileSync(join(dir, NAME), TEXT);
  const run = (format: string) =>
    spawnSync(process.execPath, [CLI, 'check', NAME, '--format', format, '--glibc', '2.36'], {
      cwd: dir,
      encoding: 'utf8',
    });
  const sarif = run('sarif');
  assert.equal(sarif.stderr, '');
  return { log: JSON.parse(sarif.stdout), json: JSON.parse(run('json').stdout), status: sarif.status };
}

const { log, json, status } = checkSarif();

function schemaValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(MULTITOOL, 'sarif-2.1.0.json'), 'utf8')));
}

test('the SARIF log is valid against the SARIF 2.1.0 JSON schema, and a broken one is not', () => {
  const validate = schemaValidator();
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const broken = JSON.parse(JSON.stringify(log));
  broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
  broken.runs[0].results[0].level = 'information';
  assert.equal(validate(broken), false, 'the schema refuses line 0 and an unknown level');
});

/** The validator binary; a copy made executable where npm did not run the package's postinstall chmod (npm's allowScripts). */
function executableMultitool(): string {
  const shipped = join(MULTITOOL, 'Sarif.Multitool');
  try {
    accessSync(shipped, constants.X_OK);
    return shipped;
  } catch {
    const copy = join(dir, 'Sarif.Multitool');
    copyFileSync(shipped, copy);
    chmodSync(copy, 0o755);
    return copy;
  }
}

test('the SARIF SDK validator finds nothing to object to', (t) => {
  const tool = executableMultitool();
  const input = join(dir, 'log.sarif');
  const output = join(dir, 'validation.sarif');
  writeFileSync(input, JSON.stringify(log, null, 2));
  const run = spawnSync(tool, ['validate', input, '--output', output], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const problems = JSON.parse(readFileSync(output, 'utf8')).runs[0].results as {
    ruleId: string;
    level?: string;
    message: unknown;
  }[];
  t.diagnostic(`validator results: ${problems.map((p) => `${p.ruleId} ${p.level ?? 'warning'}`).join(', ') || 'none'}`);
  assert.deepEqual(
    problems.map((p) => `${p.ruleId} ${JSON.stringify(p.message)}`),
    [],
  );
});

test('rules are the catalogue; results are the findings of check --json, silenced ones marked', () => {
  const run = log.runs[0];
  assert.equal(status, 1);
  assert.deepEqual(
    run.tool.driver.rules.map((r: { id: string }) => r.id),
    DIAGNOSTIC_CODES,
  );
  for (const rule of run.tool.driver.rules) {
    const { severity, summary } = CATALOGUE[rule.id as keyof typeof CATALOGUE];
    assert.equal(rule.shortDescription.text, summary);
    assert.equal(
      rule.defaultConfiguration.level,
      { error: 'error', warning: 'warning', information: 'note', hint: 'note' }[severity],
    );
    assert.match(rule.helpUri, new RegExp(`README\\.md#${rule.id}$`));
  }
  const active = run.results.filter((r: { suppressions?: unknown }) => !r.suppressions);
  assert.deepEqual(
    active.map((r: any) => [r.ruleId, r.locations[0].physicalLocation.region]),
    json.findings.map((f: any) => [
      f.code,
      { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
    ]),
  );
  assert.ok(active.every((r: any) => run.tool.driver.rules[r.ruleIndex].id === r.ruleId));
  assert.deepEqual(new Set(active.map((r: any) => r.level)), new Set(['error', 'warning', 'note']));
  const silenced = run.results.filter((r: { suppressions?: unknown }) => r.suppressions);
  assert.deepEqual(
    silenced.map((r: any) => [r.ruleId, r.suppressions]),
    [['reload-enabled', [{ kind: 'inSource' }]]],
  );
  assert.ok(
    active.some(
      (r: any) => r.locations[0].physicalLocation.region.endLine > r.locations[0].physicalLocation.region.startLine,
    ),
    'a finding across a lone CR',
  );
  assert.equal(active[0].locations[0].physicalLocation.artifactLocation.uri, 'roles/net%20%231/gai.conf');
});

test('file names become URI references: relative stays relative, absolute becomes file:', () => {
  assert.equal(artifactUri('templates/gai.conf.j2'), 'templates/gai.conf.j2');
  assert.equal(artifactUri('/etc/gai.conf'), 'file:///etc/gai.conf');
  assert.equal(artifactUri('a b/c?d#e%f'), 'a%20b/c%3Fd%23e%25f');
});
