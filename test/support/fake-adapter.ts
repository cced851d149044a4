import type { PlatformAdapter } from '../../src/core/adapter.js';
import type { Dispatcher, Outcome } from '../../src/core/dispatcher.js';
import { translator } from '../../src/core/i18n.js';
import { assertSensitiveRoute, type Message, message, type PostedRef } from '../../src/core/reply.js';
import type { Actor, Outbox } from '../../src/core/types.js';
import { WorkUnderWay } from '../../src/core/work.js';

/** A post the fake platform received, in the workspace whose outbox sent it. */
export interface FakePost {
  readonly workspace: string;
  readonly message: Message;
  readonly ref: PostedRef;
}

/**
 * A platform adapter with no platform behind it, for core tests: it satisfies `PlatformAdapter`
 * (start, refuse new work, stop, an outbox per workspace) and records what it is asked to show.
 * Members act with `act`, which builds the neutral interaction a real adapter would and hands it
 * to the dispatcher; refused while the adapter stops, as the real ones refuse.
 */
export class FakeAdapter implements PlatformAdapter {
  readonly platform: string;
  /** Channel, thread and DM posts (and, below, edits of them), in order. */
  readonly posts: FakePost[] = [];
  readonly edits: { ref: PostedRef; message: Message }[] = [];
  /** Answers to interactions (replies, edits of a deferral, follow-ups), in order. */
  readonly answers: { actor: string; message: Message }[] = [];
  /** Channels where every post fails, as a platform that keeps failing after its retries. */
  readonly failing = new Set<string>();
  started = false;
  private readonly underWay = new WorkUnderWay();
  private readonly outboxes = new Map<string, Outbox>();
  private nextId = 1;

  constructor(
    private readonly o: {
      readonly dispatcher: Dispatcher;
      readonly platform?: string;
      /** The workspaces this process can post in (like a Slack token's one team); default every one. */
      readonly serves?: readonly string[];
    },
  ) {
    this.platform = o.platform ?? 'fake';
  }

  async start(): Promise<void> {
    this.started = true;
  }

  refuseNew(): void {
    this.underWay.refuseNew();
  }

  async stop(): Promise<void> {
    await this.underWay.drain(10_000);
    this.started = false;
  }

  outbox(workspace: string): Outbox | undefined {
    if (this.o.serves && !this.o.serves.includes(workspace)) return undefined;
    let outbox = this.outboxes.get(workspace);
    if (!outbox) {
      outbox = {
        post: async (m) => {
          assertSensitiveRoute(m);
          const v = m.visibility;
          const channel = v.kind === 'channel' || v.kind === 'thread' ? v.channel : v.kind === 'dm' ? `dm:${v.to.id}` : '';
          if (!channel) throw new Error(`cannot post a message with visibility ${v.kind}`);
          if (this.failing.has(channel)) throw new Error('the platform kept failing');
          const ref = { channel, messageId: String(this.nextId++) };
          this.posts.push({ workspace, message: m, ref });
          return ref;
        },
        edit: async (ref, m) => void this.edits.push({ ref, message: m }),
      };
      this.outboxes.set(workspace, outbox);
    }
    return outbox;
  }

  /** A member types `line` in `channel` of `actor.workspace`; resolves with the dispatcher's outcome, or `refused` while stopping. */
  async act(actor: Actor, line: string, channel = 'general'): Promise<Outcome | 'refused'> {
    const answer = async (m: Message) => void this.answers.push({ actor: actor.id, message: m });
    if (this.underWay.stopping) {
      await answer(message(translator('en')('error.stopping')));
      return 'refused';
    }
    return this.underWay.track(
      this.o.dispatcher.dispatch({
        actor,
        channel,
        locale: 'en',
        invocation: { kind: 'line', text: line },
        responder: { reply: answer, editReply: answer, followUp: answer, defer: async () => undefined },
        outbox: this.outbox(actor.workspace) ?? {
          post: () => Promise.reject(new Error('not served')),
          edit: () => Promise.reject(new Error('not served')),
        },
        resolvers: { channel: (raw) => ({ id: raw.replace(/^#/, ''), name: raw.replace(/^#/, '') }) },
      }),
    );
  }
}
