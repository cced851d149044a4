import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDist } from '../build.mjs';

export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The Node flags `npm start` runs the bot with, read from package.json's start script
 * (`node scripts/build.mjs && node <flags> dist/src/main.js`), so that the benchmark's processes
 * run the way a deployed bot does.
 */
export function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /&& node ((?:--\S+ )*)dist\/src\/main\.js$/.exec(start);
  if (!m) throw new Error(`bench: cannot read the Node flags from the start script "${start}"`);
  return m[1]!.split(' ').filter(Boolean);
}

/** Builds dist/ as `npm start` does, plus the benchmark's Slack server (dist/scripts/bench/slack-server.js). */
export async function buildForBench(): Promise<void> {
  await buildDist(['scripts/bench/slack-server.ts']);
}
