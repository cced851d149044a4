import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface NpmRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Spawns a real `npm` script of this repository with a clean environment (PATH, HOME and
 * `env`) and `stdin` piped in; killed after a minute. `output()` reads stdout and stderr so
 * far. It runs in a process group of its own, so `signal` reaches the bot itself and not
 * only npm (the shell npm runs scripts with does not pass signals on).
 */
export function spawnNpm(
  args: readonly string[],
  env: Record<string, string>,
  stdin = '',
): { child: ChildProcess; output: () => string; signal: (name: NodeJS.Signals) => void; done: Promise<NpmRun> } {
  const child = spawn('npm', [...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const done = new Promise<NpmRun>((resolve, reject) => {
    const timer = setTimeout(() => signal('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  child.stdin!.end(stdin);
  return { child, output: () => stdout + stderr, signal, done };
}
