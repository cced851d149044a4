import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { PlatformAdapter } from '../../core/adapter.js';
import type { Clock } from '../../core/clock.js';
import type { Dispatcher, Responder } from '../../core/dispatcher.js';
import { translator } from '../../core/i18n.js';
import { assertSensitiveRoute, type Message, type PostedRef } from '../../core/reply.js';
import { renderConsole } from './render.js';
import type { Actor, Outbox } from '../../core/types.js';

export interface ConsoleOptions {
  readonly dispatcher: Dispatcher;
  readonly out: Writable;
  readonly locale: string;
  readonly moderators: readonly string[];
  readonly clock: Clock;
  /** The zone for times that carry none (a chapter's zone travels with its times). */
  readonly timeZone?: string;
  /** What start() reads (`npm start`: the process's stdin); without it, lines come only through handle(). */
  readonly input?: { readonly stream: Readable; readonly interactive: boolean };
  readonly log?: Logger;
}

const NAME = /^[\p{L}\p{N}_.-]{1,32}$/u;
/** The console's workspaces: `console` unless a line names another (`@alice@other`). */
const WORKSPACE = /^[a-z0-9_-]{1,32}$/;
const DEFAULT_WORKSPACE = 'console';
const CHANNEL = /^[a-z0-9_-]{1,64}$/i;

/**
 * The console adapter: members named on the line (`@alice ...`), in the workspace `console`
 * or one the line names after the member (`@alice@other ...`, to try what happens between two
 * servers), the channels chapters name plus #general. Names in CONSOLE_MODERATORS are each
 * workspace's administrators. Every reply is a block whose first line is a
 * header in square brackets; buttons are printed as the command lines they stand for.
 */
export class ConsoleAdapter implements PlatformAdapter {
  readonly platform = 'console';
  private actor = 'you';
  private workspace = DEFAULT_WORKSPACE;
  private nextMessageId = 1;
  private readonly channel = 'general';
  private stopping = false;
  /** The line being run, so stop() can let it finish. */
  private current: Promise<unknown> = Promise.resolve();
  private reader?: Interface;
  /** Reading the input given at start(), until it ends or /quit. */
  private reading?: Promise<void>;

  constructor(private readonly o: ConsoleOptions) {}

  /** Starts reading the input (if one was given), after a greeting when a person types. */
  async start(): Promise<void> {
    const input = this.o.input;
    if (!input) return;
    if (input.interactive) {
      this.o.out.write(`${translator(this.o.locale)('console.ready', { name: this.actor, moderators: this.o.moderators.join(', ') })}\n`);
    }
    this.o.log?.debug('console ready');
    this.reading = this.run(input.stream, input.interactive);
  }

  /** Resolves when the input given at start() has ended (or /quit was typed). */
  get ended(): Promise<void> | undefined {
    return this.reading;
  }

  /** The console's outbox, for posts no interaction waits for (every console workspace prints here). */
  get outboxForNotifications(): Outbox {
    return this.outbox(DEFAULT_WORKSPACE);
  }

  /** Lines read from now on are answered with a refusal and not run (SIGTERM, SIGINT); the line under way goes on. */
  refuseNew(): void {
    this.stopping = true;
  }

  /**
   * Stops taking commands: the line under way finishes; lines read from now on are answered with a
   * refusal and not run; then reading ends. Resolves when the line under way is done and, for the
   * input given at start(), every line read is answered.
   */
  async stop(): Promise<void> {
    this.refuseNew();
    await this.current.catch(() => undefined);
    this.reader?.close();
    if (!this.reading) return;
    await this.reading;
    // A signal can stop the console while its input is still open: let the process end.
    this.o.input?.stream.destroy();
  }

  /** Runs one line; resolves when its answers are printed. Returns `quit` for /quit. */
  handle(rawLine: string): Promise<'quit' | undefined> {
    const run = this.handleLine(rawLine);
    if (!this.stopping) this.current = run;
    return run;
  }

  private async handleLine(rawLine: string): Promise<'quit' | undefined> {
    let line = rawLine.trimEnd();
    let startColumn = 1 + line.length - line.trimStart().length;
    line = line.trimStart();
    if (!line || line.startsWith('#')) return undefined;
    const as = /^@([^\s@]+)(?:@(\S*))?(?:\s+|$)/u.exec(line);
    if (as) {
      const name = as[1]!;
      const workspace = as[2]?.toLowerCase() ?? DEFAULT_WORKSPACE;
      if (!NAME.test(name)) {
        this.print(`[ephemeral → ${this.actor}]`, {
          body: [{ kind: 'paragraph', children: [translator(this.o.locale)('console.not_a_member', { name })] }],
          visibility: { kind: 'ephemeral' },
        });
        return undefined;
      }
      if (!WORKSPACE.test(workspace)) {
        this.print(`[ephemeral → ${this.actor}]`, {
          body: [
            {
              kind: 'paragraph',
              children: [translator(this.o.locale)('console.no_workspace', { name, workspace: as[2] ?? '' })],
            },
          ],
          visibility: { kind: 'ephemeral' },
        });
        return undefined;
      }
      this.actor = name;
      this.workspace = workspace;
      startColumn += as[0].length;
      line = line.slice(as[0].length);
      if (!line) return undefined;
    }
    if (line === '/quit' || line === '/exit') return 'quit';
    if (this.stopping) {
      this.print(`[ephemeral → ${this.actor}]`, {
        body: [{ kind: 'paragraph', children: [translator(this.o.locale)('error.stopping')] }],
        visibility: { kind: 'ephemeral' },
      });
      return undefined;
    }

    const actor: Actor = {
      platform: 'console',
      workspace: this.workspace,
      id: this.actor,
      name: this.actor,
      facts: { admin: this.o.moderators.includes(this.actor) },
    };
    await this.o.dispatcher.dispatch({
      actor,
      channel: this.channel,
      locale: this.o.locale,
      invocation: { kind: 'line', text: line, startColumn },
      responder: this.responder(actor),
      outbox: this.outbox(this.workspace),
      resolvers: {
        user: (raw) => {
          const name = raw.replace(/^@/, '');
          return NAME.test(name) ? { id: name, name } : undefined;
        },
        channel: (raw) => {
          const name = raw.replace(/^#/, '');
          return CHANNEL.test(name) ? { id: name.toLowerCase(), name: name.toLowerCase() } : undefined;
        },
        role: (raw) => {
          const name = /^@&(.+)$/.exec(raw)?.[1];
          return name && NAME.test(name) ? { id: name, name } : undefined;
        },
      },
    });
    return undefined;
  }

  /**
   * Reads lines until end of input or /quit, one at a time and in order, so a piped script
   * behaves like a person typing. Interactive input gets a prompt and readline's history.
   */
  run(input: Readable, interactive: boolean): Promise<void> {
    const rl = createInterface({
      input,
      ...(interactive ? { output: process.stdout, prompt: `${this.actor}> `, historySize: 500 } : {}),
      terminal: interactive,
    });
    this.reader = rl;
    if (interactive) rl.prompt();
    // Lines are queued and run one at a time, in order; reading goes on meanwhile, so a line
    // that arrives while the bot is stopping is refused at once, not after the command under way.
    let queue: Promise<void> = Promise.resolve();
    let quit = false;
    rl.on('line', (line) => {
      if (quit) return;
      if (this.stopping) {
        void this.handle(line);
        return;
      }
      queue = queue.then(async () => {
        if (quit) return;
        if ((await this.handle(line)) === 'quit') {
          quit = true;
          rl.close();
        } else if (interactive) {
          rl.setPrompt(`${this.actor}> `);
          rl.prompt();
        }
      });
    });
    return new Promise((resolve) => rl.once('close', () => void queue.then(resolve)));
  }

  private responder(actor: Actor): Responder {
    const answer = async (m: Message) => {
      if (m.visibility.kind === 'here') this.print(`[#${this.channel} msg:${this.nextMessageId++}]`, m);
      else this.print(`[ephemeral → ${actor.name}]`, m);
    };
    return { reply: answer, editReply: answer, followUp: answer, defer: async () => undefined };
  }

  /** Every console workspace prints here. */
  outbox(_workspace: string): Outbox {
    return {
      post: async (m: Message): Promise<PostedRef> => {
        assertSensitiveRoute(m);
        const v = m.visibility;
        const id = String(this.nextMessageId++);
        switch (v.kind) {
          case 'channel':
            this.print(`[#${v.channel} msg:${id}]`, m);
            return { channel: v.channel, messageId: id };
          case 'thread':
            this.print(`[#${v.channel} msg:${v.messageId} thread]`, m);
            return { channel: v.channel, messageId: id };
          case 'dm':
            this.print(`[dm → ${v.to.name}]`, m);
            return { channel: `dm:${v.to.id}`, messageId: id };
          default:
            throw new Error(`cannot post a message with visibility ${v.kind}`);
        }
      },
      edit: async (ref, m) => this.print(`[#${ref.channel} msg:${ref.messageId} edited]`, m),
      /**
       * A group's place is a printed block: its name and members in the header, then the intro.
       * Its id, `group:<name>`, is the same for every call about the group, so `existing` names it.
       */
      openGroup: async (place, existing) => {
        const id = existing ?? `group:${place.name}`;
        const intro: Message = { ...place.intro, visibility: { kind: 'channel', channel: id } };
        assertSensitiveRoute(intro);
        const members = [...new Map(place.members.map((member) => [member.id, member.name])).values()];
        this.print(`[${id} msg:${this.nextMessageId++} → ${members.join(', ')}]`, intro);
        return id;
      },
    };
  }

  private print(header: string, m: Message): void {
    const text = renderConsole(m, { locale: this.o.locale, timeZone: this.o.timeZone ?? 'UTC', now: this.o.clock.now() });
    this.o.out.write(`${header}\n${text}\n\n`);
  }
}
