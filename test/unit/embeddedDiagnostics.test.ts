/** Which editor documents are sources of a gai.conf, which kind each is, and their diagnostics. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { embeddedEditorDiagnostics, sourceKindOfDocument } from '../../server/src/features/embeddedDiagnostics';
import { isEmbeddedSourceLanguage } from '../../server/src/features/embeddedLanguages';
import { GLIBC_2_36 } from '../support/glibc';

const CLOUD_CONFIG =
  '#cloud-config\nwrite_files:\n  - path: /etc/gai.conf\n    content: |\n      precendence ::/0 40\n';

test('gai.conf documents, and languages gai-conf does not know, are not sources', () => {
  for (const languageId of ['gaiconf', 'plaintext', 'jinja', 'properties'])
    assert.equal(isEmbeddedSourceLanguage(languageId), false, languageId);
  assert.equal(sourceKindOfDocument('gaiconf', 'file:///etc/gai.conf', 'precedence ::/0 40\n'), undefined);
  assert.equal(isEmbeddedSourceLanguage('toString'), false, 'not an Object property');
});

test('the language decides the kind; a YAML file is cloud-init or Ansible by its name or content', () => {
  const kind = (languageId: string, uri: string, text = '') => sourceKindOfDocument(languageId, uri, text)?.name;
  assert.equal(kind('dockerfile', 'file:///src/build/image.txt'), 'dockerfile');
  assert.equal(kind('shellscript', 'file:///src/provision'), 'shell');
  assert.equal(kind('bash', 'file:///src/provision'), 'shell');
  assert.equal(kind('nix', 'file:///etc/nixos/configuration.nix'), 'nixos');
  assert.equal(kind('yaml', 'file:///repo/roles/net/tasks/main.yml'), 'ansible');
  assert.equal(kind('yaml', 'file:///repo/seed/user-data'), 'cloud-init');
  assert.equal(kind('yaml', 'file:///repo/seed/init.yaml', CLOUD_CONFIG), 'cloud-init');
  assert.equal(kind('ansible', 'file:///repo/site.yml'), 'ansible');
  assert.equal(kind('yaml', 'file:///repo/My%20Role/user-data'), 'cloud-init', 'the name is decoded');
});

test('diagnostics: the findings at the source, a configured severity, nothing for a source without gai.conf', () => {
  const options = { glibc: GLIBC_2_36 };
  const link = (code: string) => `https://example.invalid/#${code}`;
  const diagnostics = embeddedEditorDiagnostics(
    { languageId: 'yaml', uri: 'file:///seed/user-data', text: CLOUD_CONFIG },
    options,
    undefined,
    { 'unknown-directive': 'error' },
    link,
  );
  const typo = diagnostics?.find((d) => d.code === 'unknown-directive');
  assert.deepEqual(typo?.range, { start: { line: 4, character: 6 }, end: { line: 4, character: 17 } });
  assert.equal(typo?.severity, 'error');
  assert.equal(typo?.codeDescription.href, 'https://example.invalid/#unknown-directive');
  const none = embeddedEditorDiagnostics(
    { languageId: 'dockerfile', uri: 'file:///app/Dockerfile', text: 'FROM debian:12\nRUN cat /etc/gai.conf\n' },
    options,
    undefined,
    {},
    link,
  );
  assert.deepEqual(none, []);
  const nested = embeddedEditorDiagnostics(
    {
      languageId: 'nix',
      uri: 'file:///etc/nixos/network.nix',
      text: '{ ... }: {\n  networking = {\n    getaddrinfo = {\n      precedence."::ffff:0:0/96" = 100;\n    };\n  };\n}\n',
    },
    options,
    undefined,
    {},
    link,
  );
  assert.ok((nested ?? []).length > 0, `a module that names only getaddrinfo is read: ${JSON.stringify(nested)}`);
  assert.equal(
    embeddedEditorDiagnostics(
      { languageId: 'gaiconf', uri: 'file:///etc/gai.conf', text: '' },
      options,
      undefined,
      {},
      link,
    ),
    undefined,
  );
});
