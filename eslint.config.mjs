// The linter: typescript-eslint's recommended rules, and imports in one order that --fix writes
// (simple-import-sort). Type-aware rules are left out, so that the whole tree lints in seconds.
import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', '.test-artifacts/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'simple-import-sort': simpleImportSort },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      // A catch that deliberately ignores (a process already gone, a file not there) says so in a comment or not at all.
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Errors are rethrown with a sentence of ours that names what failed; the tests read JSON as any.
      'preserve-caught-error': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Leaving a field out of a copy ({ dropped, ...rest }) names the field it drops.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  // Functions the UI tests hand to the browser run there.
  { files: ['test/ui/**/*.mjs'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
);
