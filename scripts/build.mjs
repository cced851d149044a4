// `npm run build`, and the first step of `npm start`: the bot's TypeScript (src/, commands/,
// entities/) as JavaScript in dist/, with esbuild. That is what tsx does on the fly, done once
// before the start: the running bot then needs no loader thread (about 40 MB less resident memory,
// a faster start; see BENCHMARKS.md). No type checking here: `npm run typecheck` (part of
// `npm test`) does that. Takes a fraction of a second.
//
// Our code is bundled: dist/src/main.js and a few chunks in dist/chunks/ (the Discord and Slack
// adapters are chunks of their own, loaded only when configured), not one module per source file.
// Each ES module costs memory of its own (its record, namespace, scope and source), and the ~190
// of ours came to about 10 MB of the console bot's resident memory and a third of its start-up
// time. zod and TypeORM, read at every start, are bundled in too (zod alone is ~95 modules, most
// of them locales we never load). The other packages stay imports of node_modules, as they were.
// Names are kept (`keepNames`): TypeORM reads migrations' class names, and stack traces stay readable.
//
// Several processes may start at once (tests, a process manager starting shards): each output
// file is written beside its target and renamed over it, which is atomic, so a process loading
// dist/ meanwhile reads a whole old file or a whole new one; unchanged files are not rewritten.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
/** Folders of dist/ the build writes (commands/ and entities/ held one module per source in earlier builds). */
const OUTPUTS = ['src', 'chunks', 'commands', 'entities'];
/** Packages bundled into our chunks; every other package is imported from node_modules at run time. */
const BUNDLED = /^(zod|typeorm)(\/|$)/;

/**
 * TypeORM's drivers for databases the bot cannot be configured for (DATABASE_URL is sqlite: or
 * postgres://, src/config.ts), which its DriverFactory loads all at once: left out of the bundle,
 * about 1 MB of code that would be kept in memory and never run. Asking one of them for a driver
 * throws, naming it.
 */
const UNUSED_DRIVERS =
  /^\.\/(aurora-mysql|aurora-postgres|capacitor|cockroachdb|cordova|expo|mongodb|mysql|nativescript|oracle|react-native|sap|spanner|sqljs|sqlserver)\//;
const withoutUnusedDrivers = {
  name: 'without-unused-drivers',
  setup(b) {
    b.onResolve({ filter: UNUSED_DRIVERS }, (args) =>
      /[\\/]typeorm[\\/]driver[\\/]DriverFactory\.js$/.test(args.importer) ? { path: args.path, namespace: 'unused-driver' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'unused-driver' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, name) => name === '__esModule' || typeof name !== 'string' ? undefined : class { constructor() { throw new Error('TypeORM driver ${args.path} is not in this build: the bot runs on SQLite or PostgreSQL'); } } });`,
      loader: 'js',
    }));
  },
};

/**
 * Keeps imports of packages other than BUNDLED as imports (they are loaded from node_modules as
 * before), also when a bundled package requires them.
 */
const packagesOutside = {
  name: 'packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};
export const DIST = join(ROOT, 'dist');
const CHUNKS = join(DIST, 'chunks');

/** Every file under `dir` whose name passes `keep`. */
async function filesUnder(dir, keep) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((err) =>
    err.code === 'ENOENT' ? [] : Promise.reject(err),
  );
  return entries.filter((e) => e.isFile() && keep(e.name)).map((e) => join(e.parentPath, e.name));
}

/**
 * The code with every character beyond ASCII written as a \\u escape. V8 keeps each module's source
 * in memory, as one string, and one character beyond Latin-1 anywhere in it (a dash in a comment,
 * an arrow in a message) makes it a two-byte string: double the memory for the whole chunk, about
 * 4 MB here. esbuild's own `charset: 'ascii'` leaves comments, tagged templates and regular
 * expressions as they are. The escape means the same character in a string, a template's cooked
 * text, a regular expression and an identifier, and nothing in a comment; it would differ only in a
 * template's raw text (String.raw) or after a backslash: the build refuses code with either.
 */
export function asciiOnly(code) {
  if (/\\[\u0080-\uffff]|String\.raw`[^`]*[\u0080-\uffff]/.test(code))
    throw new Error('build: a character beyond ASCII after a backslash or in String.raw');
  return code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Builds dist/ from the sources, plus `extra` files (paths from the project root; the benchmark
 * adds its Slack server). Returns how many files were built and how many of them changed.
 */
export async function buildDist(extra = []) {
  const result = await build({
    entryPoints: [join(ROOT, 'src', 'main.ts'), ...extra.map((f) => join(ROOT, f))],
    outdir: DIST,
    outbase: ROOT,
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    keepNames: true,
    plugins: [withoutUnusedDrivers, packagesOutside],
    // TypeORM, bundled, is CommonJS: its require() of packages left outside (the database drivers among them) needs a require.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: join(ROOT, 'tsconfig.json'),
    write: false,
    logLevel: 'warning',
  });
  let changed = 0;
  // Chunks first, then the entry points that import them: a process starting meanwhile finds every chunk its main.js names.
  const chunksFirst = [...result.outputFiles].sort((x, y) => Number(!x.path.startsWith(CHUNKS)) - Number(!y.path.startsWith(CHUNKS)));
  for (const file of chunksFirst) {
    const contents = Buffer.from(asciiOnly(file.text));
    const old = await readFile(file.path).catch(() => null);
    if (old && Buffer.compare(old, contents) === 0) continue;
    await mkdir(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    await writeFile(temporary, contents);
    await rename(temporary, file.path);
    changed++;
  }
  // A chunk of an earlier build (or a module of the earlier file-by-file builds) is not left behind.
  const built = new Set(result.outputFiles.map((f) => f.path));
  for (const dir of OUTPUTS) {
    for (const file of await filesUnder(join(DIST, dir), (n) => n.endsWith('.js'))) if (!built.has(file)) await rm(file, { force: true });
  }
  return { files: result.outputFiles.length, changed };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildDist();
}
