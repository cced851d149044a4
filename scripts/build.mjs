// `npm run build`, and the first step of `npm start`: the bot's TypeScript (src/, commands/,
// entities/) as JavaScript in dist/, file by file, with esbuild. That is what tsx does on the fly,
// done once before the start: the running bot then needs no loader thread (about 40 MB less
// resident memory, a faster start; see BENCHMARKS.md). No type checking here: `npm run typecheck`
// (part of `npm test`) does that. Takes a fraction of a second.
//
// Several processes may start at once (tests, a process manager starting shards): each output
// file is written beside its target and renamed over it, which is atomic, so a process loading
// dist/ meanwhile reads a whole old file or a whole new one; unchanged files are not rewritten.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const SOURCES = ['src', 'commands', 'entities'];
export const DIST = join(ROOT, 'dist');

/** Every file under `dir` whose name passes `keep`. */
async function filesUnder(dir, keep) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((err) =>
    err.code === 'ENOENT' ? [] : Promise.reject(err),
  );
  return entries.filter((e) => e.isFile() && keep(e.name)).map((e) => join(e.parentPath, e.name));
}

/**
 * Builds dist/ from the sources, plus `extra` files (paths from the project root; the benchmark
 * adds its Slack server). Returns how many files were built and how many of them changed.
 */
export async function buildDist(extra = []) {
  const sources = (
    await Promise.all(SOURCES.map((d) => filesUnder(join(ROOT, d), (n) => n.endsWith('.ts') && !n.endsWith('.d.ts'))))
  ).flat();
  const result = await build({
    entryPoints: [...sources, ...extra.map((f) => join(ROOT, f))],
    outdir: DIST,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: join(ROOT, 'tsconfig.json'),
    write: false,
    logLevel: 'warning',
  });
  let changed = 0;
  for (const file of result.outputFiles) {
    const old = await readFile(file.path).catch(() => null);
    if (old && Buffer.compare(old, file.contents) === 0) continue;
    await mkdir(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    await writeFile(temporary, file.contents);
    await rename(temporary, file.path);
    changed++;
  }
  // A source deleted or renamed leaves no stale module behind.
  const built = new Set(result.outputFiles.map((f) => f.path));
  for (const dir of SOURCES) {
    for (const file of await filesUnder(join(DIST, dir), (n) => n.endsWith('.js'))) if (!built.has(file)) await rm(file, { force: true });
  }
  return { files: result.outputFiles.length, changed };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildDist();
}
