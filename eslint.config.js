// One linter for the whole tree: the recommended JavaScript and TypeScript rules, plus the
// conventions a machine can check, each explained in docs/ARCHITECTURE.md ("Layers" and
// "Conventions the linter checks").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Every CSV goes through src/core/csv.ts, which neutralises spreadsheet formulas in the cells.
const CSV = {
  group: ['csv-stringify', 'csv-stringify/*'],
  message: 'Write CSV with toCsv from src/core/csv.ts: it neutralises spreadsheet formulas.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Only src/config.ts reads the environment (docs/ARCHITECTURE.md: configuration is read in one place).
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
  // Layers import downward only (docs/ARCHITECTURE.md): entities → src/db → src/core → src/services →
  // commands → src/adapters, src/web → src/app.ts, src/main.ts. The ground floor (src/i18n, config,
  // logger, private-files, anon-secret) imports nothing of ours but itself. scripts/ and test/ may
  // import anything. Imports are relative paths, so a folder's name in the path says its layer.
  ...layer(
    ['src/i18n/**/*.ts', 'src/config.ts', 'src/logger.ts', 'src/private-files.ts', 'src/anon-secret.ts'],
    'the ground floor (catalogues, config, logger)',
    ['entities', 'db', 'core', 'services', 'commands', 'adapters', 'web', 'top'],
  ),
  ...layer(['entities/**/*.ts'], 'entities', ['src', 'commands']),
  ...layer(['src/db/**/*.ts'], 'src/db', ['core', 'services', 'commands', 'adapters', 'web', 'top']),
  ...layer(['src/core/**/*.ts'], 'src/core', ['services', 'commands', 'adapters', 'web', 'top']),
  ...layer(['src/services/**/*.ts'], 'src/services', ['commands', 'adapters', 'web', 'top']),
  // Commands import only the core and services, never a platform SDK.
  ...layer(['commands/**/*.ts'], 'commands', ['adapters', 'web', 'top', 'sdk']),
  ...layer(['src/adapters/**/*.ts'], 'src/adapters', ['web', 'top']),
  ...layer(['src/web/**/*.ts'], 'src/web', ['adapters', 'top', 'sdk']),
);

/** What each name in `layer`'s list forbids, as import paths (gitignore-style patterns). */
function forbidden(name) {
  switch (name) {
    case 'top':
      return ['**/app.js', '**/main.js'];
    case 'sdk':
      return ['discord.js', '@slack/*'];
    case 'src':
      return ['**/src/**'];
    default:
      return [`**/${name}/**`, `../${name}/*`];
  }
}

/** A `no-restricted-imports` block for a layer's files: the layers above it (and the CSV rule). */
function layer(files, name, above) {
  const group = above.flatMap(forbidden);
  const message = `${name} imports only layers below it (docs/ARCHITECTURE.md, "Layers").`;
  // Case-sensitive: our files' names are lowercase, and Bolt's `@slack/bolt/dist/App.js` is not our app.js.
  return [
    {
      files,
      ignores: ['src/core/csv.ts'],
      rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message, caseSensitive: true }, CSV] }] },
    },
  ];
}
