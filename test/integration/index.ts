/**
 * Entry point of the integration suite inside a VS Code extension host: the `run()` that
 * @vscode/test-electron's `extensionTestsPath` and code-server's `payload` parameter both call.
 * It runs mocha over every *.itest.js next to it and writes the results as JSON, because under
 * code-server the outer runner cannot see the extension host exit: it waits for this file.
 *
 * The file is $GAI_CONF_TEST_RESULT, else .gai-conf-test-result.json in the workspace folder.
 * `<file>.started` is written first, so a runner can tell "never started" from "did not finish".
 */

import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import * as vscode from 'vscode';

export interface TestOutcome {
  readonly title: string;
  readonly fullTitle: string;
  readonly state: 'passed' | 'failed' | 'pending';
  readonly durationMs?: number;
  readonly error?: string;
}

export interface SuiteResult {
  readonly vscodeVersion: string;
  readonly remoteName: string | null;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly tests: readonly TestOutcome[];
  /** Set when the suite could not run at all (a file failed to load, ...). */
  readonly error?: string;
}

function resultFile(): string {
  if (process.env.GAI_CONF_TEST_RESULT) return process.env.GAI_CONF_TEST_RESULT;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || (folder.uri.scheme !== 'file' && folder.uri.scheme !== 'vscode-remote')) {
    throw new Error('set GAI_CONF_TEST_RESULT or open a workspace folder: the results need a place');
  }
  return path.join(folder.uri.fsPath, '.gai-conf-test-result.json');
}

function writeAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

export async function run(): Promise<void> {
  const file = resultFile();
  writeAtomically(
    `${file}.started`,
    JSON.stringify({ pid: process.pid, vscodeVersion: vscode.version, at: new Date().toISOString() }),
  );

  const tests: TestOutcome[] = [];
  let loadError: string | undefined;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  try {
    for (const name of fs
      .readdirSync(__dirname)
      .filter((n) => n.endsWith('.itest.js'))
      .sort()) {
      mocha.addFile(path.join(__dirname, name));
    }
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test) =>
        tests.push({ title: test.title, fullTitle: test.fullTitle(), state: 'passed', durationMs: test.duration }),
      );
      runner.on('fail', (test, error) =>
        tests.push({
          title: test.title,
          fullTitle: test.fullTitle(),
          state: 'failed',
          durationMs: test.duration,
          error: describeError(error),
        }),
      );
      runner.on('pending', (test) => tests.push({ title: test.title, fullTitle: test.fullTitle(), state: 'pending' }));
    });
  } catch (error) {
    loadError = describeError(error);
  }

  const count = (state: TestOutcome['state']): number => tests.filter((t) => t.state === state).length;
  const result: SuiteResult = {
    vscodeVersion: vscode.version,
    remoteName: vscode.env.remoteName ?? null,
    passed: count('passed'),
    failed: count('failed') + (loadError ? 1 : 0),
    pending: count('pending'),
    tests,
    ...(loadError ? { error: loadError } : {}),
  };
  writeAtomically(file, `${JSON.stringify(result, null, 2)}\n`);
  if (result.failed > 0 || tests.length === 0) {
    throw new Error(
      loadError ?? (tests.length === 0 ? 'no integration test ran' : `${result.failed} integration test(s) failed`),
    );
  }
}
