import type { Translate } from '../../core/i18n.js';
import type { CommandRegistry } from '../../core/registry.js';
import { SLACK_PATH } from './adapter.js';

/**
 * The Slack app manifest, generated from the command declarations: paste it into "Create New
 * App → From an app manifest" (https://api.slack.com/apps), and every slash command exists
 * with its description and usage hint, with exactly the bot scopes the adapter uses.
 */
export interface ManifestInput {
  readonly registry: CommandRegistry;
  /** Texts in the workspace's language (BOT_LOCALE): Slack shows one description per command. */
  readonly t: Translate;
  readonly communityName: string;
  /** SLACK_COMMAND_PREFIX, e.g. `ots-` for `/ots-ask`. */
  readonly commandPrefix: string;
  /** HTTP mode: where Slack sends requests (PUBLIC_URL). Unused in Socket Mode. */
  readonly publicUrl: string | undefined;
  readonly socketMode: boolean;
}

/**
 * The bot scopes, each for what the adapter calls: slash commands; posting (chat.postMessage,
 * chat.update, chat.postEphemeral); opening DMs (conversations.open); a workshop group's own place:
 * a group DM (conversations.open with several users: mpim:write) or, for a group too large for one,
 * a private channel the bot makes and invites to (conversations.create, conversations.invite:
 * groups:write); reading who is an admin or owner and their language (users.info); the chapter's
 * moderator group (usergroups.users.list); sharing files (files.uploadV2: files:write), an .ics or an
 * export in the member's DM or the channel; reading the history of a public or private channel or a
 * DM the bot posted in (conversations.history: channels:history, groups:history, im:history), only
 * to see whether a message from its outbox whose answer was lost did arrive before sending it again
 * (the bot reads its own messages' metadata there, nothing else). No history scope for group DMs:
 * the outbox never posts in them.
 */
export const BOT_SCOPES = [
  'channels:history',
  'chat:write',
  'commands',
  'files:write',
  'groups:history',
  'groups:write',
  'im:history',
  'im:write',
  'mpim:write',
  'usergroups:read',
  'users:read',
] as const;

export class ManifestError extends Error {}

const cut = (text: string, max: number) => (text.length <= max ? text : text.slice(0, max - 1) + '…');

export function slackManifest(input: ManifestInput): Record<string, unknown> {
  const { registry, t, commandPrefix, socketMode } = input;
  if (!socketMode && !input.publicUrl) {
    throw new ManifestError(
      'PUBLIC_URL must be set for HTTP mode (the URL Slack sends requests to, e.g. https://bot.example.org); for Socket Mode pass --socket or set SLACK_APP_TOKEN.',
    );
  }
  const requestUrl = socketMode ? undefined : `${input.publicUrl!.replace(/\/+$/, '')}${SLACK_PATH}`;
  const slashCommands = registry.commands.map((command) => {
    const name = `/${commandPrefix}${command.name}`;
    if (name.length > 32) throw new ManifestError(`${name} is longer than Slack's 32 characters: choose a shorter SLACK_COMMAND_PREFIX.`);
    const leaves = registry.leaves.filter((l) => l.command === command);
    // One action: its options; subcommands: their names (Slack shows one hint; /help <command> shows the rest).
    const hint = command.action
      ? registry.usage(leaves[0]!, t).replace(/^\/\S+\s?/, '')
      : leaves.map((l) => l.path.slice(1).join(' ')).join(' | ') + ' …';
    return {
      command: name,
      description: cut(t(command.description), 2000),
      ...(hint ? { usage_hint: cut(hint, 1000) } : {}),
      // Slack then sends typed @members, #channels and @groups as ids the adapter resolves.
      should_escape: true,
      ...(requestUrl ? { url: requestUrl } : {}),
    };
  });
  const slug =
    input.communityName
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'community';
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: cut(`${input.communityName} bot`, 35),
      description: cut(t('slack.manifest.description', { community: input.communityName }), 140),
    },
    features: {
      bot_user: { display_name: cut(`${slug}-bot`, 80), always_online: true },
      slash_commands: slashCommands,
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      interactivity: { is_enabled: true, ...(requestUrl ? { request_url: requestUrl } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: socketMode,
      token_rotation_enabled: false,
    },
  };
}
