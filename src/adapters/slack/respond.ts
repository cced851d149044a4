import type { Logger } from 'pino';
import type { Responder } from '../../core/dispatcher.js';
import { safeError } from '../../core/errors.js';
import type { Message } from '../../core/reply.js';
import type { SlackWorkspace } from './render.js';
import { type ResponsePayload, responsePayloads } from './web.js';

/**
 * Acknowledges a request exactly once: with the first answer when it comes in time, with
 * nothing at the deadline otherwise (the answer then goes to the response URL).
 */
export class AckGuard {
  private acked = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly ackFn: (body?: never) => Promise<void>,
    deadlineMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setTimeout(() => void this.ack(), deadlineMs);
  }

  /** True when this call acknowledged the request (with `body`); false when it was acknowledged before. */
  async ack(body?: unknown): Promise<boolean> {
    if (this.acked) return false;
    this.acked = true;
    clearTimeout(this.timer);
    try {
      await this.ackFn(body as never);
    } catch (err) {
      this.log.warn({ err: safeError(err) }, 'could not acknowledge the request');
    }
    return true;
  }
}

/**
 * The interaction's answers on Slack: the first one rides on the acknowledgement where Slack
 * allows (slash commands), later ones and deferred ones go through the response URL.
 */
export class SlackResponder implements Responder {
  constructor(
    private readonly guard: AckGuard,
    private readonly ackCarriesAnswer: boolean,
    private readonly send: (payload: ResponsePayload) => Promise<void>,
    private readonly workspace: SlackWorkspace,
    /** Sends the message's files first (`SlackFiles.deliver`) and gives the message to answer with. */
    private readonly files: (m: Message) => Promise<Message> = async (m) => m,
  ) {}

  /** A long answer (see `renderSlack`) is several: the first on the acknowledgement where it can, the rest after it. */
  async reply(m: Message): Promise<void> {
    const [first, ...rest] = await this.payloads(m);
    if (!(this.ackCarriesAnswer && (await this.guard.ack(first)))) await this.send(first!);
    for (const payload of rest) await this.send(payload);
  }

  /** The message's files go first (`SlackFiles.deliver`); then the answer, split where it must be. */
  private async payloads(m: Message): Promise<ResponsePayload[]> {
    return responsePayloads(await this.files(m), this.workspace);
  }

  async defer(): Promise<void> {
    await this.guard.ack();
  }

  async editReply(m: Message): Promise<void> {
    for (const payload of await this.payloads(m)) await this.send(payload);
  }

  async followUp(m: Message): Promise<void> {
    for (const payload of await this.payloads(m)) await this.send(payload);
  }
}
