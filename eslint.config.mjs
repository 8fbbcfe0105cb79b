/**
 * ESLint: @eslint/js and typescript-eslint recommended, plus the few type-aware rules that catch
 * real bugs here (a promise nobody awaits, an await of a non-promise). Formatting is Prettier's
 * (`.prettierrc.json`); eslint-config-prettier turns off every stylistic rule that would fight it.
 * `npm run lint` runs both.
 */
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

/** Node's globals in our plain JavaScript files (CommonJS configs and ES module build scripts). */
const nodeGlobals = {
  require: 'readonly',
  module: 'readonly',
  process: 'readonly',
  console: 'readonly',
  __dirname: 'readonly',
  URL: 'readonly',
};

/** The browser globals the page's script uses. */
const browserGlobals = {
  document: 'readonly',
  fetch: 'readonly',
  history: 'readonly',
  location: 'readonly',
  URL: 'readonly',
  URLSearchParams: 'readonly',
};

export default defineConfig(
  {
    ignores: ['node_modules/', 'cdktf.out/', '.build/', 'dist/', 'service/dist/', 'coverage/', '.local/', 'state/', '.gen/', 'test-output/'],
  },
  // A disable comment that no longer silences anything is a finding too.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      // One TypeScript program from tsconfig.json for the type-aware rules below.
      parserOptions: { projectService: true, tsconfigRootDir: fileURLToPath(new URL('.', import.meta.url)) },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Promises in conditions and spreads. Checking every callback argument for a void return would
      // cost a third of the lint time, and Express 5 and jest both accept async callbacks.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // Type-only imports marked as such, so a per-file compiler (swc, esbuild) under isolatedModules
      // never has to guess whether an import is a value. Either `import type { A }` or `{ type A }`.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          // `const { a, ...rest } = x` drops `a` on purpose.
          ignoreRestSiblings: true,
        },
      ],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ignores: ['service/public/**'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['service/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: browserGlobals },
  },
  {
    // Command-line tools: the console is their output.
    files: ['scripts/**', 'bench/**', 'service/build.mjs'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
