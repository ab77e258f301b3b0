/**
 * The layers, enforced from the source: what each folder may import (other folders, npm packages,
 * Node's built-in modules) and which Node globals it may touch. Only server/src/system reaches
 * the machine; the glibc model imports nothing but itself.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../support/repository';

const ROOT = repoRoot();

interface LayerRule {
  /** Folders of the repository this layer may import from, its own included. */
  readonly folders: readonly string[];
  /** Folders or files it may import types from (`import type`), and nothing else. */
  readonly typesFrom?: readonly string[];
  /** npm packages it may import. */
  readonly packages: readonly string[];
  readonly nodeModules: boolean;
  /** Node globals that reach the machine (process, __dirname, require, Buffer...) it may use. */
  readonly machineGlobals: boolean;
}

const SERVER = 'server/src';
const LAYERS: Readonly<Record<string, LayerRule>> = {
  [`${SERVER}/glibc`]: { folders: [`${SERVER}/glibc`], packages: [], nodeModules: false, machineGlobals: false },
  [`${SERVER}/analysis`]: {
    folders: [`${SERVER}/glibc`, `${SERVER}/analysis`],
    packages: [],
    nodeModules: false,
    machineGlobals: false,
  },
  [`${SERVER}/features`]: {
    folders: [`${SERVER}/glibc`, `${SERVER}/analysis`, `${SERVER}/features`],
    packages: [],
    nodeModules: false,
    machineGlobals: false,
  },
  [`${SERVER}/system`]: {
    folders: [`${SERVER}/glibc`, `${SERVER}/analysis`, `${SERVER}/features`, `${SERVER}/system`],
    packages: [],
    nodeModules: true,
    machineGlobals: true,
  },
  [`${SERVER}/lsp`]: {
    folders: [`${SERVER}/glibc`, `${SERVER}/analysis`, `${SERVER}/features`, `${SERVER}/system`, `${SERVER}/lsp`],
    packages: ['vscode-languageserver', 'vscode-languageserver-textdocument'],
    nodeModules: false,
    machineGlobals: false,
  },
  [`${SERVER}/cli`]: {
    folders: [`${SERVER}/glibc`, `${SERVER}/analysis`, `${SERVER}/features`, `${SERVER}/system`, `${SERVER}/cli`],
    packages: [],
    nodeModules: false,
    machineGlobals: false,
  },
  // The client's bundle holds no server code: of the server, it knows the protocol's types alone.
  'client/src': {
    folders: ['client/src'],
    typesFrom: [`${SERVER}/lsp/protocol.ts`],
    packages: ['vscode', 'vscode-languageclient'],
    nodeModules: true,
    machineGlobals: true,
  },
};

/** The entry points own the process they start: arguments, standard streams, the exit code. */
const ENTRY_POINTS = new Set([`${SERVER}/cli/index.ts`, `${SERVER}/lsp/index.ts`]);

const MACHINE_GLOBALS = /\b(process|__dirname|__filename|require|Buffer|globalThis)\b\s*[.(]/;

export interface Violation {
  readonly file: string;
  readonly problem: string;
}

function stripComments(source: string): string {
  return source.replace(/\/\*[^]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every rule a source file breaks, given its repository-relative path. */
export function violations(file: string, source: string): Violation[] {
  const layer = Object.keys(LAYERS).find((folder) => file.startsWith(`${folder}/`));
  if (!layer) return [];
  const rule = LAYERS[layer];
  const code = stripComments(source);
  const found: Violation[] = [];
  const imports = [
    ...code.matchAll(
      /\b(?:import|export)(\s+type\b)?[^;'"]*?\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|\brequire\s*\(\s*'([^']+)'\s*\)/g,
    ),
  ].map((m) => ({ specifier: m[2] ?? m[3] ?? m[4], typesOnly: m[1] !== undefined }));
  const within = (target: string, folders: readonly string[]) =>
    folders.some((folder) => target === folder.replace(/\.ts$/, '') || target.startsWith(`${folder}/`));
  for (const { specifier, typesOnly } of imports) {
    if (specifier.startsWith('.')) {
      const target = relative(ROOT, resolve(ROOT, file, '..', specifier));
      if (within(target, rule.folders)) continue;
      if (!within(target, rule.typesFrom ?? []))
        found.push({
          file,
          problem: `imports ${target}, outside ${[...rule.folders, ...(rule.typesFrom ?? [])].join(', ')}`,
        });
      else if (!typesOnly) found.push({ file, problem: `imports ${target} for more than types (import type only)` });
    } else if (builtinModules.includes(specifier.replace(/^node:/, '').split('/')[0])) {
      if (!rule.nodeModules)
        found.push({ file, problem: `imports Node's ${specifier}: only server/src/system may touch the machine` });
    } else {
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      if (!rule.packages.includes(name)) found.push({ file, problem: `imports the package ${specifier}` });
    }
  }
  // Strings may name what the code may not use ("once per process").
  const global = MACHINE_GLOBALS.exec(code.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''"));
  if (global && !rule.machineGlobals && !ENTRY_POINTS.has(file))
    found.push({ file, problem: `uses ${global[1]}: only server/src/system may touch the machine` });
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

test('every source file keeps to its layer', () => {
  const files = [...sourceFiles(SERVER), ...sourceFiles('client/src')];
  assert.ok(files.length > 40, `found only ${files.length} source files`);
  assert.ok(
    files.every((file) => Object.keys(LAYERS).some((layer) => file.startsWith(`${layer}/`))),
    'a source folder outside the known layers',
  );
  assert.deepEqual(
    files.flatMap((file) => violations(file, readFileSync(join(ROOT, file), 'utf8'))),
    [],
  );
});

test('the rules catch what they forbid', () => {
  assert.deepEqual(
    violations(`${SERVER}/glibc/sort.ts`, "import { Analysis } from '../analysis/analysis';\n").map((v) => v.problem),
    [`imports ${SERVER}/analysis/analysis, outside ${SERVER}/glibc`],
  );
  assert.equal(violations(`${SERVER}/features/hover.ts`, "import { readFileSync } from 'fs';\n").length, 1);
  assert.equal(
    violations(`${SERVER}/analysis/effects.ts`, "const { execFile } = await import('child_process');\n").length,
    1,
  );
  assert.equal(violations(`${SERVER}/analysis/effects.ts`, 'const home = process.env.HOME;\n').length, 1);
  assert.equal(violations(`${SERVER}/features/outline.ts`, "import { LspThing } from '../lsp/protocol';\n").length, 1);
  assert.equal(violations(`${SERVER}/lsp/server.ts`, "import { homedir } from 'os';\n").length, 1);
  assert.equal(
    violations(`${SERVER}/glibc/reader.ts`, "import { createConnection } from 'vscode-languageserver/node';\n").length,
    1,
  );
  // A comment may name what the code may not use.
  assert.deepEqual(
    violations(
      `${SERVER}/glibc/reader.ts`,
      "// glibc reads the file once per process.\nconst x = 'once per process.';\n",
    ),
    [],
  );
  assert.deepEqual(
    violations(`${SERVER}/system/host.ts`, "import { readFileSync } from 'fs';\nconst p = process.platform;\n"),
    [],
  );
});

test("the client imports the server's protocol for types only, and nothing else of the server", () => {
  const client = 'client/src/views/explain.ts';
  assert.deepEqual(violations(client, "import type { ExplainResult } from '../../../server/src/lsp/protocol';\n"), []);
  assert.deepEqual(
    violations(
      client,
      "import type {\n  ExplainParams,\n  ExplainResult,\n} from '../../../server/src/lsp/protocol';\n",
    ),
    [],
  );
  assert.deepEqual(
    violations(client, "import { ExplainRequest } from '../../../server/src/lsp/protocol';\n").map((v) => v.problem),
    [`imports ${SERVER}/lsp/protocol for more than types (import type only)`],
  );
  assert.deepEqual(
    violations(client, "import type { Explanation } from '../../../server/src/features/explain';\n").map(
      (v) => v.problem,
    ),
    [`imports ${SERVER}/features/explain, outside client/src, ${SERVER}/lsp/protocol.ts`],
  );
  assert.equal(violations(client, "import { LSPErrorCodes } from 'vscode-languageserver/node';\n").length, 1);
});

/** Test tiers share code only through test/support. */
test('test tiers import each other only through test/support', () => {
  const problems: string[] = [];
  for (const file of sourceFiles('test')) {
    const tier = file.split('/')[1];
    for (const match of readFileSync(join(ROOT, file), 'utf8').matchAll(
      /^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gm,
    )) {
      const target = relative(ROOT, resolve(ROOT, file, '..', match[1]));
      const targetTier = target.startsWith('test/') ? target.split('/')[1] : undefined;
      if (targetTier && targetTier !== tier && targetTier !== 'support') problems.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(problems, []);
});
