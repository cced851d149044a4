// One linter for the whole tree: the recommended JavaScript and TypeScript rules,
// plus the few habits from STYLE.md a machine can check.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Every CSV goes through src/core/csv.ts, which neutralises spreadsheet formulas in the cells.
const CSV = { group: ['csv-stringify', 'csv-stringify/*'], message: 'Write CSV with toCsv from src/core/csv.ts: it neutralises spreadsheet formulas.' };

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Only src/config.ts reads the environment (STYLE.md: no process.env outside config).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.ts.' }],
      'no-restricted-imports': ['error', { patterns: [CSV] }],
    },
  },
  {
    files: ['src/core/csv.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/config.ts', 'src/main.ts', 'src/db/cli-data-source.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Plain JavaScript run by node itself (the build, before npm start): Node's globals.
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', Buffer: 'readonly' } },
  },
  {
    // Commands import only the core and services, never a platform SDK.
    files: ['commands/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['discord.js', '@slack/*', '*/adapters/*'] }, CSV] }],
    },
  },
);
