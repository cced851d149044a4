import {
  ApplicationCommandOptionType,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  type CommandInteractionOption,
  DefaultRestOptions,
  Events,
  GatewayIntentBits,
  type Interaction as DiscordInteraction,
  type InteractionReplyOptions,
  MessageFlags,
  type ModalSubmitInteraction,
  Options,
  PermissionFlagsBits,
  PermissionsBitField,
  type RepliableInteraction,
  type ResponseLike,
  type RESTOptions,
  TextInputStyle,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Autocomplete } from '../../core/autocomplete.js';
import { createAutocomplete } from '../../services/autocomplete.js';
import { parseCommandLine } from '../../core/command-line.js';
import type { Dispatcher, Interaction, Responder } from '../../core/dispatcher.js';
import { safeError } from '../../core/errors.js';
import { translator } from '../../core/i18n.js';
import type { OptionSpec } from '../../core/options.js';
import { type CommandRegistry, type Leaf, optionsOf } from '../../core/registry.js';
import type { Message } from '../../core/reply.js';
import { retryPolicy, type RetryPolicy, withRetries, worstCaseMs } from '../../core/retry.js';
import { WorkUnderWay } from '../../core/work.js';
import type { RawOptions, RawValue, Resolvers } from '../../core/validate.js';
import type { Services } from '../../services/index.js';
import { discordOutbox, discordPayload } from './outbox.js';
import { DEFAULT_SUBCOMMAND } from './commands.js';
import { BUTTON_PREFIX } from './render.js';
import { truncate } from '../../core/text.js';
import type { Actor, Outbox } from '../../core/types.js';

export type DiscordConfig = NonNullable<Config['discord']>;

export interface DiscordAdapterDeps {
  readonly dispatcher: Dispatcher;
  readonly services: Services;
  readonly registry: CommandRegistry;
  readonly log: Logger;
  readonly config: DiscordConfig;
  /** The language of posts no member asked for; members get their own client's language. */
  readonly locale: string;
  readonly autocomplete?: Autocomplete;
  /** How long stop() waits for interactions under way before closing anyway. Default 10 000. */
  readonly stopTimeoutMs?: number;
}

export interface DiscordAdapter {
  readonly client: Client;
  /** What Discord calls to add the bot to a server, with the scopes and permissions it needs. */
  readonly inviteUrl: string;
  /** From now on, interactions are answered "the bot is stopping" rather than run (stop() does this first too). */
  refuseNew(): void;
  /** Lets interactions under way finish (up to `stopTimeoutMs`, default 10 s), then closes the gateway connection. */
  stop(): Promise<void>;
}

/** A modal's custom id: the command line it completes, behind this prefix. */
export const FORM_PREFIX = 'frm:';

/** What the bot needs in a channel: see it, post, embed, attach, read history, start threads and post in them. */
export const BOT_PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.CreatePublicThreads,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.AttachFiles,
  PermissionFlagsBits.ReadMessageHistory,
]);

export function inviteUrl(applicationId: string): string {
  const q = new URLSearchParams({ client_id: applicationId, scope: 'bot applications.commands', permissions: BOT_PERMISSIONS.bitfield.toString() });
  return `https://discord.com/oauth2/authorize?${q.toString().replace(/\+/g, '%20')}`;
}

/**
 * REST options for every Discord client of the bot (the gateway client, command deployment,
 * the shard count): each call is retried with the shared backoff policy (`src/core/retry.ts`)
 * when it fails with a 5xx, a timeout or a network error.
 *
 * How @discordjs/rest works (2.x, `makeNetworkRequest`): it calls `makeRequest` under ONE abort
 * signal that fires after `timeout`, and on a 5xx or an aborted request calls it again at once,
 * `retries` times. So discord.js's own retries are off (`retries: 0`) and ours run inside
 * `makeRequest`, each attempt with its own PLATFORM_TIMEOUT_MS covering the answer's body too;
 * discord.js's `timeout` is the whole budget (every attempt and wait), so it only fires if
 * something hangs outside our attempts. 429s pass through untouched: discord.js waits for their
 * `Retry-After` and calls `makeRequest` again.
 *
 * A retried post must not appear twice when only its answer was lost: the outbox sends posts
 * with a nonce and `enforceNonce` (Discord then returns the first message); starting a thread a
 * second time fails with "already created", which the outbox handles; edits are idempotent.
 * Interaction answers are retried too: a callback repeated after a lost answer is refused as
 * "already acknowledged" (the member saw the first), and a follow-up (a webhook post, which takes
 * no nonce) could show twice, which beats not showing at all.
 */
export function discordRestOptions(config: Pick<DiscordConfig, 'apiUrl' | 'platform'>): Partial<RESTOptions> {
  const policy = retryPolicy(config.platform);
  return {
    ...(config.apiUrl ? { api: config.apiUrl } : {}),
    retries: 0,
    timeout: worstCaseMs(policy) + 1000,
    makeRequest: retryingRequest(policy),
  };
}

/** `makeRequest` with retries: discord.js's default strategy (undici) under the shared policy. */
export function retryingRequest(policy: RetryPolicy, send: RESTOptions['makeRequest'] = DefaultRestOptions.makeRequest): RESTOptions['makeRequest'] {
  return (url, init) =>
    withRetries(policy, async (signal) => buffered(await send(url, { ...init, signal })), {
      signal: init.signal,
      retryAnswer: (res) => res.status >= 500,
    });
}

/**
 * The answer with its body read, so an attempt's timeout covers the whole answer (a body that
 * stalls is retried like a missing answer) and a 5xx's connection is released before the retry.
 * Discord's REST answers are small JSON documents.
 */
async function buffered(res: ResponseLike): Promise<ResponseLike> {
  const bytes = await res.arrayBuffer();
  const text = () => new TextDecoder().decode(bytes);
  return {
    body: null,
    bodyUsed: false,
    headers: res.headers,
    ok: res.ok,
    status: res.status,
    statusText: res.statusText,
    arrayBuffer: async () => bytes,
    text: async () => text(),
    json: async () => JSON.parse(text()) as unknown,
  };
}

/**
 * A discord.js client with only the Guilds intent (no privileged intents: interactions need
 * none), bounded caches so memory stays flat on large servers, and no mention parsed unless
 * a message lists who to ping.
 */
export function createDiscordClient(config: DiscordConfig): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    // One shard per process: a shard process started by the ShardingManager (DISCORD_SHARDS) leaves
    // which one to discord.js, which reads it from the environment; otherwise the only shard.
    ...(config.shardProcess ? {} : { shards: [0], shardCount: 1 }),
    rest: discordRestOptions(config),
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      GuildMemberManager: { maxSize: 200, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 1000, keepOverLimit: (user) => user.id === user.client.user.id },
      ReactionManager: 0,
      PresenceManager: 0,
      VoiceStateManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      ThreadMemberManager: 0,
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      threads: { interval: 3600, lifetime: 3600 },
      users: { interval: 3600, filter: () => (user) => user.id !== user.client.user.id },
    },
  });
}

/**
 * Starts the Discord adapter on the app's pieces: logs in, translates each interaction to a
 * neutral one for the dispatcher, registers the outbox for notifications, and resolves once
 * the client is ready. Tests pass their own registry and dispatcher.
 */
export async function startDiscord(deps: DiscordAdapterDeps): Promise<DiscordAdapter> {
  const { log, config } = deps;
  const client = createDiscordClient(config);
  const autocomplete = deps.autocomplete ?? createAutocomplete();
  const outboxes = new Map<string, Outbox>();
  const outboxFor = (workspace: string): Outbox => {
    let outbox = outboxes.get(workspace);
    if (!outbox) outboxes.set(workspace, (outbox = discordOutbox({ client, services: deps.services, log, locale: deps.locale }, workspace)));
    return outbox;
  };
  const handler = new InteractionHandler({ ...deps, autocomplete, outboxFor });
  // Interactions under way, which stop() lets finish; while it waits, new ones are refused clearly.
  const underWay = new WorkUnderWay();
  client.on(Events.InteractionCreate, (i) => {
    if (underWay.stopping) return void refuse(i, log);
    void underWay.track(handler.handle(i));
  });
  client.on(Events.Error, (err) => log.error({ err: safeError(err) }, 'Discord client error'));
  client.on(Events.ShardDisconnect, (_event, shard) => log.warn({ shard }, 'Discord gateway disconnected; reconnecting'));
  client.on(Events.ShardResume, (shard) => log.info({ shard }, 'Discord gateway resumed'));
  deps.services.notifier.register('discord', outboxFor);

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(config.token);
    await ready;
  } catch (err) {
    await client.destroy();
    throw err;
  }
  const invite = inviteUrl(config.applicationId);
  log.info({ guilds: client.guilds.cache.size, invite }, `Discord ready. Invite the bot to a server with ${invite}`);
  return {
    client,
    inviteUrl: invite,
    refuseNew: () => underWay.refuseNew(),
    stop: async () => {
      await underWay.drain(deps.stopTimeoutMs ?? 10_000);
      await client.destroy();
    },
  };
}

/** The answer to an interaction that arrives while the bot stops: nothing runs, the member knows why. */
async function refuse(i: DiscordInteraction, log: Logger): Promise<void> {
  try {
    if (i.isAutocomplete()) await i.respond([]);
    else if (i.isRepliable()) await i.reply({ content: translator(i.locale)('error.stopping'), flags: MessageFlags.Ephemeral });
  } catch (err) {
    log.warn({ err: safeError(err) }, 'could not refuse an interaction while stopping');
  }
}

interface HandlerDeps extends DiscordAdapterDeps {
  readonly autocomplete: Autocomplete;
  readonly outboxFor: (workspace: string) => Outbox;
}

const TEXT_INPUT_TYPES = new Set<OptionSpec['type']>(['string', 'text', 'integer', 'date', 'time', 'choice', 'boolean']);

/** Turns discord.js interactions into neutral ones; holds no state between interactions. */
class InteractionHandler {
  constructor(private readonly d: HandlerDeps) {}

  async handle(i: DiscordInteraction): Promise<void> {
    try {
      // A server the operator did not list (ALLOWED_WORKSPACES): one line, and nothing else.
      if (i.guildId && !this.d.services.policy.serves('discord', i.guildId)) {
        if (i.isAutocomplete()) await i.respond([]);
        else if (i.isRepliable()) await i.reply({ content: translator(i.locale)('error.not_served'), flags: MessageFlags.Ephemeral });
        return;
      }
      if (i.isAutocomplete()) return await this.complete(i);
      if (!i.isRepliable()) return;
      if (!i.inGuild()) {
        await i.reply({ content: translator(i.locale)('discord.guild_only'), flags: MessageFlags.Ephemeral });
        return;
      }
      if (i.isChatInputCommand()) return await this.command(i);
      if (i.isButton()) return await this.button(i);
      if (i.isModalSubmit()) return await this.submit(i);
    } catch (err) {
      // The dispatcher answers every failure itself; this is the adapter's own (a modal that could not open).
      this.d.log.error({ err: safeError(err) }, 'Discord interaction failed');
    }
  }

  private async command(i: ChatInputCommandInteraction): Promise<void> {
    const { path, options } = structured(i.commandName, i.options.data);
    const leaf = this.d.registry.get(path);
    if (leaf && (await this.openForm(i, leaf, path, options))) return;
    await this.dispatch(i, { kind: 'structured', path, options });
  }

  private async button(i: ButtonInteraction): Promise<void> {
    if (!i.customId.startsWith(BUTTON_PREFIX)) {
      await i.reply({ content: translator(i.locale)('discord.unknown_button'), flags: MessageFlags.Ephemeral });
      return;
    }
    const line = i.customId.slice(BUTTON_PREFIX.length);
    const named = namedOptions(line, this.d.registry);
    if (named && (await this.openForm(i, named.leaf, named.leaf.path, named.options, line))) return;
    await this.dispatch(i, { kind: 'line', text: line });
  }

  /** A submitted form: the line it completes, plus each field as `name:"value"`; validated like any line. */
  private async submit(i: ModalSubmitInteraction): Promise<void> {
    if (!i.customId.startsWith(FORM_PREFIX)) return;
    const fields = i.fields.fields
      .filter((f) => 'value' in f && typeof f.value === 'string' && f.value.trim() !== '')
      .map((f) => `${f.customId}:${quote((f as { value: string }).value)}`);
    await this.dispatch(i, { kind: 'line', text: [i.customId.slice(FORM_PREFIX.length), ...fields].join(' ') });
  }

  /**
   * For a `form: true` action invoked without all its required options: opens a modal with a
   * text input per missing option (up to Discord's five), and answers nothing else. Returns
   * false when no form applies, so the dispatcher answers as usual (with a usage error).
   */
  private async openForm(i: ChatInputCommandInteraction | ButtonInteraction, leaf: Leaf, path: readonly string[], given: RawOptions, line?: string): Promise<boolean> {
    if (!leaf.action.form) return false;
    const specs = Object.entries(optionsOf(leaf.action));
    const missing = specs.filter(([name, spec]) => spec.required && !(name in given));
    if (!missing.length || missing.length > 5 || !missing.every(([, spec]) => TEXT_INPUT_TYPES.has(spec.type))) return false;
    const customId = FORM_PREFIX + (line ?? ['/' + path.join(' '), ...Object.entries(given).map(([k, v]) => `${k}:${quote(lineValue(v))}`)].join(' '));
    if (customId.length > 100) return false;
    const t = translator(i.locale);
    await i.showModal({
      customId,
      title: truncate(`/${path.join(' ')}`, 45),
      components: missing.map(([name, spec]) => ({
        type: 18,
        label: truncate(name, 45),
        description: truncate(t(spec.description), 100),
        component: {
          type: 4,
          customId: name,
          style: spec.type === 'text' ? TextInputStyle.Paragraph : TextInputStyle.Short,
          required: true,
          ...('minLength' in spec && spec.minLength !== undefined ? { minLength: Math.min(spec.minLength, 4000) } : {}),
          maxLength: Math.min('maxLength' in spec && spec.maxLength !== undefined ? spec.maxLength : 4000, 4000),
        },
      })) as never,
    });
    return true;
  }

  private async complete(i: AutocompleteInteraction): Promise<void> {
    const { path } = structured(i.commandName, i.options.data);
    const focused = i.options.getFocused(true);
    const leaf = this.d.registry.get(path);
    const spec = leaf ? optionsOf(leaf.action)[focused.name] : undefined;
    const kind = spec?.autocomplete;
    const actor = this.actor(i);
    const suggestions = kind ? await this.d.autocomplete.suggest(kind, { services: this.d.services, actor, channel: i.channelId ?? '', typed: String(focused.value) }) : [];
    // An integer option's choices must be numbers (workshop and question ids).
    await i.respond(spec?.type === 'integer' ? suggestions.flatMap((s) => (Number.isSafeInteger(Number(s.value)) ? [{ name: s.name, value: Number(s.value) }] : [])) : suggestions);
  }

  private async dispatch(i: RepliableInteraction, invocation: Interaction['invocation']): Promise<void> {
    const actor = this.actor(i);
    await this.d.dispatcher.dispatch({
      actor,
      channel: i.channelId ?? '',
      locale: i.locale,
      invocation,
      responder: responder(i),
      outbox: this.d.outboxFor(actor.workspace),
      resolvers: resolvers(i),
    });
  }

  /** The member and what Discord shows of them: Manage Server, and their roles. The policy decides what they may do. */
  private actor(i: DiscordInteraction): Actor {
    const workspace = i.guildId ?? 'dm';
    const member = i.member;
    const name = (member && 'displayName' in member ? member.displayName : member?.nick) || i.user.globalName || i.user.username;
    const roles = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
    return { platform: 'discord', workspace, id: i.user.id, name, facts: { admin: Boolean(i.guildId && i.memberPermissions?.has(PermissionFlagsBits.ManageGuild)), roles } };
  }
}

/**
 * `['chapter', 'set']` and the options, from Discord's nesting of subcommand groups and
 * subcommands (`i.options.data` of a chat-input or autocomplete interaction). Exported for
 * the property test, which feeds it interactions discord.js built from Discord's payloads.
 */
export function structured(commandName: string, data: readonly CommandInteractionOption[]): { path: string[]; options: Record<string, RawValue> } {
  const path = [commandName];
  let level = data;
  while (level.length === 1 && (level[0]!.type === ApplicationCommandOptionType.Subcommand || level[0]!.type === ApplicationCommandOptionType.SubcommandGroup)) {
    // `/ask new` is the command's own action (see DEFAULT_SUBCOMMAND).
    if (!(path.length === 1 && level[0]!.name === DEFAULT_SUBCOMMAND)) path.push(level[0]!.name);
    level = level[0]!.options ?? [];
  }
  const options: Record<string, RawValue> = {};
  for (const o of level) {
    const value = optionValue(o);
    if (value !== undefined) options[o.name] = value;
  }
  return { path, options };
}

function optionValue(o: CommandInteractionOption): RawValue | undefined {
  switch (o.type) {
    case ApplicationCommandOptionType.User: {
      if (!o.user) return undefined;
      const nick = o.member && 'displayName' in o.member ? o.member.displayName : o.member?.nick;
      return { id: o.user.id, name: nick || o.user.globalName || o.user.username };
    }
    case ApplicationCommandOptionType.Channel:
      return o.channel ? { id: o.channel.id, ...(o.channel.name ? { name: o.channel.name } : {}) } : undefined;
    case ApplicationCommandOptionType.Role:
      return o.role ? { id: o.role.id, name: o.role.name } : undefined;
    default:
      return o.value ?? undefined;
  }
}

/** The options a command line names (`name:value`), if it parses and names an action. */
function namedOptions(line: string, registry: CommandRegistry): { leaf: Leaf; options: Record<string, string> } | undefined {
  const t = translator('en');
  try {
    const parsed = parseCommandLine(line, t);
    const { leaf, used } = registry.resolve(parsed.words.map((w) => w.text), t);
    if (parsed.words.length > used) return undefined; // free words fill options: leave it to the dispatcher
    return { leaf, options: Object.fromEntries(parsed.options.map((o) => [o.name, o.value])) };
  } catch {
    return undefined;
  }
}

/** A value as the command-line grammar reads it back: members, channels and roles by id (see `resolvers`). */
function lineValue(v: RawValue): string {
  return typeof v === 'object' ? v.id : String(v);
}

function quote(value: string): string {
  return /^[^\s"\\]+$/.test(value) ? value : `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Resolves `<@id>`, `<#id>`, `<@&id>` and bare ids typed into a line (buttons, forms) from discord.js's caches. */
function resolvers(i: RepliableInteraction): Resolvers {
  const id = (raw: string, prefix: string) => new RegExp(`^(?:<${prefix}(\\d{5,25})>|(\\d{5,25}))$`).exec(raw.trim())?.slice(1).find(Boolean);
  return {
    user: (raw) => {
      const found = id(raw, '@!?');
      if (!found) return undefined;
      const user = i.client.users.cache.get(found);
      return { id: found, name: user?.globalName || user?.username || found };
    },
    channel: (raw) => {
      const found = id(raw, '#');
      if (!found) return undefined;
      const channel = i.client.channels.cache.get(found);
      return { id: found, ...(channel && 'name' in channel && channel.name ? { name: channel.name } : {}) };
    },
    role: (raw) => {
      const found = id(raw, '@&');
      if (!found) return undefined;
      const role = i.guild?.roles.cache.get(found);
      return { id: found, ...(role ? { name: role.name } : {}) };
    },
  };
}

/**
 * Answers on the interaction itself: ephemeral answers carry the ephemeral flag, `here`
 * answers are visible replies; a deferral is Discord's type 5 response.
 */
function responder(i: RepliableInteraction): Responder {
  const options = (m: Message): InteractionReplyOptions => ({
    ...(discordPayload(m) as InteractionReplyOptions),
    ...(m.visibility.kind === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {}),
  });
  return {
    reply: async (m) => void (await i.reply(options(m))),
    defer: async (ephemeral) => void (await i.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {})),
    editReply: async (m) => void (await i.editReply(discordPayload(m) as never)),
    followUp: async (m) => void (await i.followUp(options(m))),
  };
}
