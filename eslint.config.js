// Lints the TypeScript sources with type information, so that floating promises and
// unsafe `any` flows (the usual sources of lost errors in async cleanup code) are caught.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // templates/ are projects of their own that import envboot by its package name; the
  // template test compiles each one strictly against the packed package.
  { ignores: ['dist/', 'node_modules/', '.build-*/', 'templates/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
      ],
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      // Common code works over the contract and never imports a concrete provider.
      'no-restricted-imports': ['error', { patterns: ['**/providers/**'] }],
    },
  },
  {
    files: ['storage/**/*.ts', 'cloudinit/**/*.ts'],
    rules: {
      // Layering from DESIGN.md: storage/ and cloudinit/ stand alone.
      'no-restricted-imports': ['error', { patterns: ['**/src/**', '**/providers/**', '../cloudinit/**', '../storage/**'] }],
    },
  },
);
