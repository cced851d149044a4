import { REST, Routes } from 'discord.js';
import { commands } from '../../../commands/index.js';
import { configFromEnvironment } from '../../config.js';
import { safeError } from '../../core/errors.js';
import { CommandRegistry } from '../../core/registry.js';
import { commandNames } from '../../i18n/command-names.js';
import { discordRestOptions } from './client.js';
import { applicationCommands, commandChanges, type CommandJSON } from './commands.js';

/**
 * `npm run discord:deploy`: registers the application commands generated from the
 * declarations, in DISCORD_GUILD_ID (instant, for development) or globally, and prints
 * what changed. Nothing is written when nothing changed.
 */
async function deploy(): Promise<number> {
  const config = configFromEnvironment();
  if (!config) return 1;
  const discord = config.discord;
  if (!discord) {
    process.stderr.write('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (Developer Portal → your application) to deploy the commands.\n');
    return 1;
  }
  const rest = new REST(discordRestOptions(discord)).setToken(discord.token);
  const route = discord.guildId
    ? Routes.applicationGuildCommands(discord.applicationId, discord.guildId)
    : Routes.applicationCommands(discord.applicationId);
  const where = discord.guildId ? `server ${discord.guildId}` : 'all servers (global commands can take up to an hour to appear)';

  const wanted: CommandJSON[] = applicationCommands(new CommandRegistry(commands, commandNames));
  const existing = (await rest.get(route)) as Record<string, unknown>[];
  const changes = commandChanges(existing, wanted);
  const lines = [
    ...changes.added.map((n) => `  + /${n} (new)`),
    ...changes.changed.map((n) => `  ~ /${n} (changed)`),
    ...changes.removed.map((n) => `  - /${n} (removed)`),
    ...changes.unchanged.map((n) => `    /${n} (unchanged)`),
  ];
  if (!changes.added.length && !changes.changed.length && !changes.removed.length) {
    process.stdout.write(`Commands for ${where} are up to date; nothing changed:\n${lines.join('\n')}\n`);
    return 0;
  }
  await rest.put(route, { body: wanted });
  process.stdout.write(`Deployed ${wanted.length} commands to ${where}:\n${lines.join('\n')}\n`);
  return 0;
}

deploy().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`Deploying the commands failed: ${safeError(err).message}\n`);
    process.exitCode = 1;
  },
);
