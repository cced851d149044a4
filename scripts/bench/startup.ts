import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT, startFlags } from './production.js';
import { rssOf } from './stats.js';

/**
 * Milliseconds from spawning the bot as `npm start` runs it once dist/ is built
 * (`node <flags> dist/src/main.js --console`, what a process manager runs) to its "console ready" log line: loading and compiling the code,
 * opening (and on the first start, migrating) the SQLite database; and the process's resident
 * memory at that moment (the baseline the other memory figures grow from). The console is then told to quit.
 */
export function startup(dataDir: string): Promise<{ ms: number; rssMb: number | undefined }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...startFlags(), 'dist/src/main.js', '--console'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'debug',
        DATA_DIR: dataDir,
        DATABASE_URL: `sqlite:${join(dataDir, 'startup.sqlite')}`,
        ANON_SECRET: randomBytes(32).toString('hex'),
      },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    let ready: number | undefined;
    let rssMb: Promise<number | undefined> = Promise.resolve(undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (d) => {
      stderr += String(d);
      if (ready === undefined && stderr.includes('"console ready"')) {
        ready = performance.now() - started;
        rssMb = rssOf(child.pid!);
        void rssMb.then(() => child.stdin.end('/quit\n'));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (ready !== undefined && code === 0) void rssMb.then((mb) => resolve({ ms: ready!, rssMb: mb }));
      else reject(new Error(`bench: the console did not start (exit ${code}):\n${stderr.slice(-2000)}`));
    });
  });
}
