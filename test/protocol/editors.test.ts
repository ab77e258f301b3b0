/**
 * The README's set-ups for Emacs (eglot) and Neovim, run as written in `emacs --batch` and
 * `nvim --headless` against the bundled server: the file type, diagnostics, the outline,
 * completion, code actions and formatting. Skipped, saying so, where the editor is not installed.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';

import { serverPath } from '../support/lspClient';
import { lacks } from '../support/prerequisites';
import { readmeBlock } from '../support/readme';

const EMACS_DRIVER = `
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

/** Runs an editor in a fresh folder holding the server as `gai-conf-language-server` on PATH and etc/gai.conf. */
function runEditor(files: Record<string, string>, command: string, args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'gai-conf-editor-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'etc'));
  symlinkSync(serverPath(), join(dir, 'bin', 'gai-conf-language-server'));
  writeFileSync(
    join(dir, 'etc', 'gai.conf'),
    'label\t::1/128   0\nLabel ::/0 1\nlabel fc00::/7 1   # ULA\nreload yes\n',
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const run = spawnSync(command, args, {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PATH: `${join(dir, 'bin')}${delimiter}${process.env.PATH ?? ''}` },
  });
  return {
    status: run.status,
    out: run.stdout,
    stderr: run.stderr,
    context: `${run.stdout}\n--- stderr ---\n${run.stderr}`,
  };
}

const FORMATTED = 'label  ::1/128  0\nLabel  ::/0     1\nlabel  fc00::/7 1 # ULA\nreload yes\n';

test('Emacs with eglot, set up as the README says', (t) => {
  const probe = spawnSync('emacs', ['--batch', '--eval', '(progn (require \'eglot) (princ "eglot ok"))'], {
    encoding: 'utf8',
  });
  if (probe.error || !probe.stdout.includes('eglot ok')) {
    if (lacks(t, 'Emacs with eglot (Debian: emacs-nox, elpa-eglot)')) return;
  }
  const { status, out, stderr, context } = runEditor(
    { 'readme.el': readmeBlock('Emacs', 'elisp'), 'driver.el': EMACS_DRIVER },
    'emacs',
    ['--batch', '-l', 'driver.el'],
  );
  assert.equal(status, 0, context);
  assert.match(out, /^MODE gai-conf-mode$/m, context);
  assert.match(out, /^DIAG .*\[unknown-directive\]/m, context);
  assert.match(out, /^DIAG .*\[reload-enabled\]/m, context);
  assert.match(out, /"::1\/128 0"/, `imenu lists the rows: ${context}`);
  assert.match(out, /^COMPLETION fc00::\/7$/m, context);
  assert.match(out, /^ACTION Change "Label" to "label"$/m, context);
  assert.ok(out.endsWith(`FORMATTED\n${FORMATTED}`), context);
  assert.doesNotMatch(stderr, /unsupported capability/, 'the server asks nothing of eglot that it does not offer');
});

const NVIM_DRIVER = `
local out = function(s) io.stdout:write(s .. '\\n') end
-- Neovim 0.7 lacks the two 0.8 functions the README uses: the same calls underneath. 0.8+ runs the README as is.
if not vim.fs then vim.fs = { dirname = function(p) return vim.fn.fnamemodify(p, ':h') end } end
if not vim.lsp.start then
  vim.lsp.start = function(config)
    local id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(0, id)
    return id
  end
end
dofile('readme.lua')
vim.cmd('edit etc/gai.conf')
out('FT ' .. vim.bo.filetype)
vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)
for _, d in ipairs(vim.diagnostic.get(0)) do out('DIAG [' .. tostring(d.code) .. ']') end
local uri = vim.uri_from_bufnr(0)
local function request(method, params)
  for _, r in pairs(vim.lsp.buf_request_sync(0, method, params, 10000) or {}) do if r.result then return r.result end end
  return {}
end
local items = request('textDocument/completion', { textDocument = { uri = uri }, position = { line = 0, character = 6 } })
for _, i in ipairs(items.items or items) do out('COMPLETION ' .. i.label) end
for _, s in ipairs(request('textDocument/documentSymbol', { textDocument = { uri = uri } })) do
  for _, c in ipairs(s.children or {}) do out('SYMBOL ' .. s.name .. ' > ' .. c.name) end
end
local range = { start = { line = 1, character = 0 }, ['end'] = { line = 1, character = 5 } }
for _, a in ipairs(request('textDocument/codeAction', { textDocument = { uri = uri }, range = range, context = { diagnostics = {} } })) do out('ACTION ' .. a.title) end
if vim.lsp.buf.format then vim.lsp.buf.format({ timeout_ms = 10000 }) else vim.lsp.buf.formatting_sync(nil, 10000) end
out('FORMATTED')
for _, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do out(l) end
vim.cmd('qa!')
`;

test('Neovim, set up as the README says', (t) => {
  const probe = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    if (lacks(t, 'Neovim (Debian: neovim)')) return;
  }
  // Neovim 0.7 reads vim.filetype.add() only with do_filetype_lua set before start-up; 0.8+ always does.
  const { status, out, context } = runEditor(
    { 'readme.lua': readmeBlock('Neovim', 'lua'), 'driver.lua': NVIM_DRIVER },
    'nvim',
    ['--headless', '--clean', '--cmd', 'let g:do_filetype_lua = 1', '-c', 'luafile driver.lua'],
  );
  assert.equal(status, 0, context);
  assert.match(out, /^FT gaiconf$/m, context);
  assert.match(out, /^DIAG \[unknown-directive\]$/m, context);
  assert.match(out, /^DIAG \[reload-enabled\]$/m, context);
  assert.match(out, /^COMPLETION fc00::\/7$/m, context);
  assert.match(out, /^SYMBOL label > ::1\/128 0$/m, context);
  assert.match(out, /^ACTION Change "Label" to "label"$/m, context);
  assert.ok(out.endsWith(`FORMATTED\n${FORMATTED.slice(0, -1)}\n`), context);
});
