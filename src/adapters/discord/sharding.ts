import { REST, Routes, ShardingManager } from 'discord.js';
import type { Logger } from 'pino';
import { safeError } from '../../core/errors.js';
import { type DiscordConfig, discordRestOptions } from './client.js';

/** Discord's recommendation for this bot, asked where DISCORD_API_URL points. */
async function recommendedShards(config: DiscordConfig): Promise<number> {
  const rest = new REST(discordRestOptions(config)).setToken(config.token);
  const { shards } = (await rest.get(Routes.gatewayBot())) as { shards: number };
  return Math.max(1, shards);
}

/**
 * `DISCORD_SHARDS=auto|N` (N > 1): discord.js's ShardingManager runs one process per shard,
 * each the whole bot (`file`, with this process's loader flags and arguments) for the guilds
 * of its shard; a shard process that dies is started again. The processes share the database,
 * where every invariant lives. Resolves once every shard is ready.
 */
export async function runShards(o: {
  file: string;
  args: readonly string[];
  config: DiscordConfig;
  log: Logger;
  spawnDelayMs?: number;
}): Promise<{ count: number; stop(): Promise<void> }> {
  const count = o.config.shards === 'auto' ? await recommendedShards(o.config) : o.config.shards;
  // Respawning is ours, not the manager's: a shard that stopped cleanly (exit code 0, after a
  // signal) stays stopped, so SIGTERM to the whole process group does not start shards again.
  const manager = new ShardingManager(o.file, {
    totalShards: count,
    token: o.config.token,
    execArgv: [...process.execArgv],
    shardArgs: [...o.args],
    mode: 'process',
    respawn: false,
  });
  let stopping = false;
  manager.on('shardCreate', (shard) => {
    o.log.info({ shard: shard.id, shards: count }, 'Discord shard process starting');
    shard.on('death', (child) => {
      const code = 'exitCode' in child ? child.exitCode : null;
      if (stopping || code === 0) return;
      o.log.warn({ shard: shard.id, code }, 'Discord shard process died; starting it again');
      setImmediate(
        () =>
          void shard
            .spawn(60_000)
            .catch((err: unknown) => o.log.error({ shard: shard.id, err: safeError(err) }, 'Discord shard could not be started again')),
      );
    });
  });
  // Discord allows one IDENTIFY per 5 seconds (max_concurrency 1): the default spacing of 5.5 s.
  await manager.spawn({ amount: count, delay: o.spawnDelayMs ?? 5500, timeout: 60_000 });
  return {
    count,
    stop: async () => {
      stopping = true;
      await Promise.all(
        manager.shards.map(
          (shard) =>
            new Promise<void>((resolve) => {
              const child = shard.process;
              if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              shard.kill();
            }),
        ),
      );
    },
  };
}
