// Between discord.js and the core's terms: who acts, the action's path and options, values typed
// into a line; and the core's answers as interaction responses.
import {
  type APIGuild,
  type APIGuildMember,
  ApplicationCommandOptionType,
  type Client,
  type CommandInteractionOption,
  DiscordAPIError,
  type Interaction as DiscordInteraction,
  type InteractionReplyOptions,
  MessageFlags,
  PermissionFlagsBits,
  PermissionsBitField,
  type RepliableInteraction,
  RESTJSONErrorCodes,
  Routes,
  type User,
} from 'discord.js';
import { UserError } from '../../core/errors.js';
import type { Actor } from '../../core/types.js';
import type { Responder } from '../../core/dispatcher.js';
import type { Message } from '../../core/reply.js';
import type { RawValue, Resolvers } from '../../core/validate.js';
import { DEFAULT_SUBCOMMAND } from './commands.js';
import { discordPayloads } from './outbox.js';

/** The member and what Discord shows of them: Manage Server, and their roles. The policy decides what they may do. */
export function actorOf(i: DiscordInteraction): Actor {
  const workspace = i.guildId ?? 'dm';
  const member = i.member;
  const name = (member && 'displayName' in member ? member.displayName : member?.nick) || i.user.globalName || i.user.username;
  const roles = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  const admin = Boolean(i.guildId && i.memberPermissions?.has(PermissionFlagsBits.ManageGuild));
  return { platform: 'discord', workspace, id: i.user.id, name, facts: { admin, roles } };
}

/**
 * The member pressing a direct message's button, as a member of the server the button acts in:
 * their roles and Manage Server there, which Discord does not send with an interaction outside
 * the server. The policy decides from these facts, as for an interaction in the server.
 *
 * The member is asked of Discord on every press (GET guild member), so roles are current. The
 * server's roles and owner come from the cache when this process holds the server; a DM's
 * interaction reaches the first shard, which need not hold it (DISCORD_SHARDS), so otherwise
 * from Discord (GET guild). Refuses with `discord.not_in_server` when they have left the server,
 * and `button.stale` when the bot has.
 */
export async function memberActor(client: Client, guildId: string, user: User): Promise<Actor> {
  const code = (err: unknown) => (err instanceof DiscordAPIError ? err.code : undefined);
  const gone = (err: unknown): never => {
    if (code(err) === RESTJSONErrorCodes.UnknownMember) throw new UserError('discord.not_in_server');
    if (code(err) === RESTJSONErrorCodes.UnknownGuild || code(err) === RESTJSONErrorCodes.MissingAccess)
      throw new UserError('button.stale');
    throw err;
  };
  const member = (await client.rest.get(Routes.guildMember(guildId, user.id)).catch(gone)) as APIGuildMember;
  const cached = client.guilds.cache.get(guildId);
  const guild = cached
    ? { ownerId: cached.ownerId, roles: new Map([...cached.roles.cache].map(([id, r]) => [id, r.permissions.bitfield])) }
    : await client.rest
        .get(Routes.guild(guildId))
        .catch(gone)
        .then((g) => ({
          ownerId: (g as APIGuild).owner_id,
          roles: new Map((g as APIGuild).roles.map((r) => [r.id, BigInt(r.permissions)])),
        }));
  // Discord's base permissions: @everyone (the role whose id is the server's) and the member's roles.
  let bits = guild.roles.get(guildId) ?? 0n;
  for (const role of member.roles) bits |= guild.roles.get(role) ?? 0n;
  // `has` counts Administrator as every permission, as Discord does; the owner has them all.
  const admin = guild.ownerId === user.id || new PermissionsBitField(bits).has(PermissionFlagsBits.ManageGuild);
  const name = member.nick || user.globalName || user.username;
  return { platform: 'discord', workspace: guildId, id: user.id, name, facts: { admin, roles: [...member.roles] } };
}

/**
 * `['chapter', 'set']` and the options, from Discord's nesting of subcommand groups and
 * subcommands (`i.options.data` of a chat-input or autocomplete interaction). Exported for
 * the property test, which feeds it interactions discord.js built from Discord's payloads.
 */
export function structured(
  commandName: string,
  data: readonly CommandInteractionOption[],
): { path: string[]; options: Record<string, RawValue> } {
  const path = [commandName];
  let level = data;
  while (
    level.length === 1 &&
    (level[0]!.type === ApplicationCommandOptionType.Subcommand || level[0]!.type === ApplicationCommandOptionType.SubcommandGroup)
  ) {
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

/** A value as the command-line grammar reads it back: members, channels and roles by id (see `resolvers`). */
export function lineValue(v: RawValue): string {
  return typeof v === 'object' ? v.id : String(v);
}

/** A value quoted for the command-line grammar where it needs quotes. */
export function quote(value: string): string {
  return /^[^\s"\\]+$/.test(value) ? value : `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Resolves `<@id>`, `<#id>`, `<@&id>` and bare ids typed into a line (buttons, forms) from discord.js's caches. */
export function resolvers(i: RepliableInteraction): Resolvers {
  const id = (raw: string, prefix: string) =>
    new RegExp(`^(?:<${prefix}(\\d{5,25})>|(\\d{5,25}))$`).exec(raw.trim())?.slice(1).find(Boolean);
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
 * answers are visible replies; a deferral is Discord's type 5 response. An answer longer than
 * one message (see `renderDiscord`) continues in follow-ups, with the same visibility.
 */
export function responder(i: RepliableInteraction): Responder {
  const options = (m: Message): InteractionReplyOptions[] =>
    discordPayloads(m).map((payload) => ({
      ...(payload as InteractionReplyOptions),
      ...(m.visibility.kind === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {}),
    }));
  const rest = async (more: InteractionReplyOptions[]) => {
    for (const payload of more) await i.followUp(payload);
  };
  return {
    reply: async (m) => {
      const [first, ...more] = options(m);
      await i.reply(first!);
      await rest(more);
    },
    defer: async (ephemeral) => void (await i.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {})),
    editReply: async (m) => {
      // The deferred reply keeps the visibility it was deferred with: no flags on the edit; the rest follow with them.
      const [first] = discordPayloads(m);
      await i.editReply(first as never);
      await rest(options(m).slice(1));
    },
    followUp: (m) => rest(options(m)),
  };
}
