/**
 * The README's set-up for Emacs (eglot), run as written in `emacs --batch` against the bundled
 * server: the mode, diagnostics through flymake, imenu from the outline, completion, code actions
 * and formatting. Skipped, saying so, where Emacs or eglot is not installed.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, serverPath } from './lspClient';

/** The one fenced block of a language under an editor's bold heading in the README. */
function readmeBlock(editor: string, language: string): string {
  const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
  const match = new RegExp(`\\*\\*${editor}\\*\\*[^]*?\`\`\`${language}\\n([^]*?)\`\`\``).exec(readme);
  assert.ok(match, `README has a ${language} block for ${editor}`);
  return match[1];
}

const DRIVER = `
(load (expand-file-name "readme.el"))
(require 'eglot)
(find-file (expand-file-name "etc/gai.conf"))
(princ (format "MODE %s\\n" major-mode))
(run-hooks 'post-command-hook)
(let ((n 0)) (while (and (not (eglot-current-server)) (< n 200)) (accept-process-output nil 0.1) (setq n (1+ n))))
(flymake-mode 1)
(flymake-start)
(let ((n 0)) (while (and (null (flymake-diagnostics)) (< n 200)) (accept-process-output nil 0.1) (setq n (1+ n))))
(dolist (d (flymake-diagnostics)) (princ (format "DIAG %s\\n" (flymake-diagnostic-text d))))
(princ (format "IMENU %S\\n" (funcall imenu-create-index-function)))
(let* ((uri (eglot--path-to-uri buffer-file-name))
       (items (jsonrpc-request (eglot-current-server) :textDocument/completion (list :textDocument (list :uri uri) :position (list :line 0 :character 6))))
       (actions (jsonrpc-request (eglot-current-server) :textDocument/codeAction (list :textDocument (list :uri uri) :range (list :start (list :line 1 :character 0) :end (list :line 1 :character 5)) :context (list :diagnostics [])))))
  (mapc (lambda (i) (princ (format "COMPLETION %s\\n" (plist-get i :label)))) (if (vectorp items) items (plist-get items :items)))
  (mapc (lambda (a) (princ (format "ACTION %s\\n" (plist-get a :title)))) actions))
(eglot-format-buffer)
(princ (format "FORMATTED\\n%s" (buffer-string)))
(kill-emacs 0)
`;

test('Emacs with eglot, set up as the README says', (t) => {
  const probe = spawnSync('emacs', ['--batch', '--eval', "(progn (require 'eglot) (princ \"eglot ok\"))"], { encoding: 'utf8' });
  if (probe.error || !probe.stdout.includes('eglot ok')) {
    t.skip('emacs with eglot is not installed (Debian: apt-get install emacs-nox elpa-eglot)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gai-conf-eglot-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'etc'));
  symlinkSync(serverPath(), join(dir, 'bin', 'gai-conf-language-server'));
  writeFileSync(join(dir, 'readme.el'), readmeBlock('Emacs', 'elisp'));
  writeFileSync(join(dir, 'etc', 'gai.conf'), 'label\t::1/128   0\nLabel ::/0 1\nlabel fc00::/7 1   # ULA\nreload yes\n');
  writeFileSync(join(dir, 'driver.el'), DRIVER);
  const run = spawnSync('emacs', ['--batch', '-l', 'driver.el'], {
    cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, PATH: `${join(dir, 'bin')}${delimiter}${process.env.PATH ?? ''}` },
  });
  const out = run.stdout;
  const context = `${out}\n--- stderr ---\n${run.stderr}`;
  assert.equal(run.status, 0, context);
  assert.match(out, /^MODE gai-conf-mode$/m, context);
  assert.match(out, /^DIAG .*\[unknown-directive\]/m, context);
  assert.match(out, /^DIAG .*\[reload-enabled\]/m, context);
  assert.match(out, /"::1\/128 0"/, `imenu lists the rows: ${context}`);
  assert.match(out, /^COMPLETION fc00::\/7$/m, context);
  assert.match(out, /^ACTION Change "Label" to "label"$/m, context);
  assert.ok(out.endsWith('FORMATTED\nlabel  ::1/128  0\nLabel  ::/0     1\nlabel  fc00::/7 1 # ULA\nreload yes\n'), context);
  assert.doesNotMatch(run.stderr, /unsupported capability/, 'the server asks nothing of eglot that it does not offer');
});
