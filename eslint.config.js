// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['node_modules', 'migrations', 'migrations-pg', 'data', 'coverage', 'exports'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // Type-aware: a missed `await` (a promise dropped, or passed where a value is expected) cannot land.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Test listeners handed to event emitters catch their own errors; elsewhere the rule stays whole.
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    // The core knows no platform and no database driver: no SDK, no adapter, no driver.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['discord.js', '@slack/*', '**/adapters/**', 'better-sqlite3', 'better-sqlite3/*', 'pg'],
        },
      ],
      // A unit of work holds one connection: its queries run one after another, never side by side
      // (node-postgres queues them with a deprecation warning today, and pg 9 will refuse).
      'no-restricted-properties': [
        'error',
        ...['all', 'allSettled', 'race', 'any'].map((property) => ({
          object: 'Promise',
          property,
          message: 'A unit of work has one connection: await its queries one after another.',
        })),
      ],
    },
  },
  {
    // No import cycles: dependencies point one way (routers → features → votes/community → shared).
    // Imports are written `./x.js` and resolve to `./x.ts`; type-only imports are not cycles at run time.
    files: ['src/**/*.ts', 'adapters/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } }),
      ],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
);
