import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  blocks: { header: string; text: string }[];
}

/** Spawns the real `npm start` with a script on stdin, as a newcomer would pipe one. */
export function npmStart(script: string, env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['start', '--silent', ...(args.length ? ['--', ...args] : [])], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const blocks = stdout
        .split('\n\n')
        .filter((b) => b.trim())
        .map((b) => {
          const [header = '', ...rest] = b.replace(/^\n+/, '').split('\n');
          return { header, text: rest.join('\n') };
        });
      resolve({ code, stdout, stderr, blocks });
    });
    child.stdin.end(script);
  });
}
