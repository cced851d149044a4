import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';

// The import-boundary rule of eslint.config.js (docs/ARCHITECTURE.md, "Layers"), tried on the
// imports a newcomer might write: `npm run lint` refuses each upward import and lets the
// downward ones through.
const eslint = new ESLint();

async function refused(file: string, from: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath: file });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

test('a layer may not import a layer above it', async () => {
  const upward: [string, string][] = [
    ['src/core/example.ts', '../services/index.js'],
    ['src/core/example.ts', '../../commands/index.js'],
    ['src/core/example.ts', '../adapters/slack/web.js'],
    ['src/db/example.ts', '../core/errors.js'],
    ['src/services/example.ts', '../../commands/ask.js'],
    ['src/services/example.ts', '../adapters/discord/render.js'],
    ['src/services/example.ts', '../app.js'],
    ['commands/example.ts', '../src/adapters/discord/render.js'],
    ['commands/example.ts', 'discord.js'],
    ['entities/Example.ts', '../src/core/types.js'],
    ['src/i18n/example.ts', '../core/i18n.js'],
    ['src/config.ts', './db/data-source.js'],
    ['src/adapters/slack/example.ts', '../../main.js'],
    ['src/web/example.ts', '../adapters/slack/web.js'],
  ];
  for (const [file, from] of upward) assert.ok(await refused(file, from), `${file} importing ${from} should be refused`);
});

test('a layer may import the layers below it and the ground floor', async () => {
  const downward: [string, string][] = [
    ['src/core/example.ts', '../../entities/Chapter.js'],
    ['src/core/example.ts', '../db/errors.js'],
    ['src/core/example.ts', '../config.js'],
    ['src/services/example.ts', '../core/types.js'],
    ['commands/example.ts', '../src/services/index.js'],
    ['src/adapters/slack/example.ts', '../../services/index.js'],
    ['src/adapters/slack/example.ts', '../../../commands/index.js'],
    ['src/app.ts', './adapters/slack/web.js'],
    ['src/i18n/example.ts', './en.js'],
  ];
  for (const [file, from] of downward) assert.equal(await refused(file, from), false, `${file} importing ${from} should be allowed`);
});
