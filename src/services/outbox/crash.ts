/**
 * A test hook: with OUTBOX_TEST_CRASH (honoured only when NODE_ENV is `test`, see config.ts)
 * `before-send` kills the process (SIGKILL: nothing runs after it) right before the outbox calls
 * the platform, `after-send` right after the platform accepted a message and before its row is
 * marked sent; `after-send:N` at the Nth send. The restart tests use it to show that each message
 * exists exactly once.
 */
export class CrashHook {
  private sends = 0;
  private readonly point: string | undefined;
  private readonly nth: number;

  constructor(setting: string | undefined) {
    const [point, nth] = (setting ?? '').split(':');
    this.point = point || undefined;
    this.nth = Number(nth ?? 1);
  }

  at(point: 'before-send' | 'after-send'): void {
    if (point !== this.point) return;
    if (++this.sends >= this.nth) process.kill(process.pid, 'SIGKILL');
  }
}
