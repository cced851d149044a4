import type { Outbox } from './types.js';

/**
 * What every platform adapter (Discord, Slack, the console) offers the process that runs it
 * (`src/main.ts`) and the services. An adapter turns its platform's events into neutral
 * interactions for the dispatcher and renders neutral messages back; it decides nothing about
 * who may do what (it reports platform facts on `Actor.facts`; the policy decides).
 *
 * A graceful stop has two phases: `refuseNew` (from now on new work is answered "the bot is
 * stopping" and not run), then `stop` (work under way finishes, for a while, then the adapter
 * disconnects). The process refuses new work on every adapter before it stops any of them.
 */
export interface PlatformAdapter {
  /** The platform's name as actors carry it (`discord`, `slack`, `console`): the notifier's key. */
  readonly platform: string;
  /** Connects and starts taking work; resolves once it does. A failure rejects with an `AdapterStartError`. */
  start(): Promise<void>;
  /** Phase 1 of a graceful stop: new work is refused with a clear answer; work under way goes on. */
  refuseNew(): void;
  /** Phase 2: lets work under way finish (for a while), then disconnects. Refuses new work first too. */
  stop(): Promise<void>;
  /**
   * How to post in a workspace when no interaction waits for it (reminders, notices, delayed
   * posts): undefined for a workspace this process cannot post in (a Slack token serves one).
   */
  outbox(workspace: string): Outbox | undefined;
  /** Resolves when the adapter has ended on its own (the console at the end of its input); platforms run until stopped. */
  readonly ended?: Promise<void>;
}

/**
 * An adapter that could not start, with what the operator is told: `line` is one line on stderr
 * (something the operator fixes, such as a token the platform refused); `log` a fatal log entry
 * carrying the cause.
 */
export class AdapterStartError extends Error {
  constructor(
    message: string,
    readonly report: 'line' | 'log',
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'AdapterStartError';
  }
}
