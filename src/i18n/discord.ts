import type { Texts } from './types.js';

/**
 * Texts of the Discord adapter, and of the chapter's moderator role it reads. Command names
 * may be localised for Discord with a key `name.<path>` (e.g. `name.help`); none are yet, so
 * the names stay what the README, /help and every message say.
 */
export const en = {
  'opt.chapter.moderator_role': 'A role whose members moderate this chapter here',
  'chapter.set.moderator_role': 'Members with the role {role} now moderate {name} here.',
  'discord.dm_closed':
    'I could not send you a direct message: your direct messages from this server are closed. To get reminders and notices, allow them in this server’s privacy settings.',
  'discord.dm_refused':
    'I could not send you a direct message: your direct messages from this server are closed. Allow them in this server’s privacy settings to get notices from the bot.',
  'discord.thread_name': 'Answers',
  'discord.guild_only': 'The bot’s commands work in a server, not in direct messages.',
  'discord.unknown_button': 'This button belongs to an older version of the bot and no longer works. Type /help for the commands.',
  'discord.event.join': 'Sign up in this server with /workshop join id:{id} (coaches: /workshop claim id:{id}).',
  'discord.event.details': 'Details: {url}',
} as const;

export const de: Texts<typeof en> = {
  'opt.chapter.moderator_role': 'Eine Rolle, deren Mitglieder dieses Chapter hier moderieren',
  'chapter.set.moderator_role': 'Mitglieder mit der Rolle {role} moderieren {name} jetzt hier.',
  'discord.dm_closed':
    'Ich konnte dir keine Direktnachricht schicken: Direktnachrichten von diesem Server sind bei dir geschlossen. Um Erinnerungen und Benachrichtigungen zu bekommen, erlaube sie in den Privatsphäre-Einstellungen dieses Servers.',
  'discord.dm_refused':
    'Ich konnte dir keine Direktnachricht schicken: Direktnachrichten von diesem Server sind bei dir geschlossen. Erlaube sie in den Privatsphäre-Einstellungen dieses Servers, um Benachrichtigungen vom Bot zu bekommen.',
  'discord.thread_name': 'Antworten',
  'discord.guild_only': 'Die Befehle des Bots funktionieren auf einem Server, nicht in Direktnachrichten.',
  'discord.unknown_button': 'Dieser Button gehört zu einer älteren Version des Bots und funktioniert nicht mehr. /help zeigt die Befehle.',
  'discord.event.join': 'Anmelden auf diesem Server mit /workshop join id:{id} (Coaches: /workshop claim id:{id}).',
  'discord.event.details': 'Details: {url}',
};
