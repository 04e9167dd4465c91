// One lint configuration for every workspace. Formatting is Prettier's job, so
// eslint-config-prettier switches off the stylistic rules that would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import node from 'eslint-plugin-n';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/coverage/**', '**/.data/**', '**/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Rules that need the type checker: a promise nobody awaits or handles loses its error (an
    // unhandled rejection crashes a Node program), and a promise where a callback's result is
    // ignored (an async Express handler in a plain callback slot) hides its failure.
    files: ['**/*.{ts,mts,vue}'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test() and describe() return promises its runner handles itself.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      // Awaiting what is no promise misleads the reader about what the call does.
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Every package a file imports is declared by the package.json nearest to it. One that comes
    // only through another's dependencies (hoisted) works until that one changes or leaves, and
    // is missing from an image built with that workspace's dependencies alone.
    plugins: { n: node },
    rules: { 'n/no-extraneous-import': 'error' },
  },
  {
    files: ['web/src/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  prettier,
);
