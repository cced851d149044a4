import { existsSync } from 'node:fs';
import { z } from 'zod';

/** Where the data lives: an SQLite file (the default) or a PostgreSQL database. */
export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly schema?: string;
      readonly poolSize?: number;
      readonly statementTimeoutMs?: number;
    };

/**
 * `DATABASE_URL` → target: unset → `<dataDir>/bot.sqlite`; `sqlite:PATH` → that file;
 * `postgres://...` (or `postgresql://`) → PostgreSQL. Anything else is a config error.
 */
export function databaseTarget(url: string | undefined, dataDir: string): DatabaseTarget | { error: string } {
  if (!url) return { kind: 'sqlite', path: `${dataDir}/bot.sqlite` };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return path ? { kind: 'sqlite', path } : { error: 'sqlite: needs a file path, e.g. sqlite:data/bot.sqlite' };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      const parsed = new URL(url);
      const schema = parsed.searchParams.get('schema') ?? undefined;
      parsed.searchParams.delete('schema');
      return { kind: 'postgres', url: parsed.toString(), ...(schema ? { schema } : {}) };
    } catch {
      return { error: 'is not a valid postgres:// URL' };
    }
  }
  return { error: 'must be sqlite:PATH or postgres://user@host:port/database' };
}

/**
 * All configuration, read from the environment (and `.env`, loaded by main) in this one
 * module and checked at start-up. A wrong or missing value stops start-up with one line
 * naming the variable and what is expected; values of secrets are never repeated.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
  ) {
    super(`Configuration error: ${variable} ${expected}`);
    this.name = 'ConfigError';
  }
}

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a whole number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` })
    .default(fallback);
const optional = z.string().min(1).optional();

const schema = z.object({
  // General
  BOT_LOCALE: z.enum(['en', 'de'], { message: 'must be en or de' }).default('en'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  COMMUNITY_NAME: z.string().min(1).max(60, { message: 'must be at most 60 characters' }).default('OpenTechSchool'),
  RATE_LIMIT_MAX: int(20, 1, 10_000),
  RATE_LIMIT_WINDOW_SECONDS: int(60, 1, 86_400),
  DATA_DIR: z.string().min(1).default('data'),
  CONSOLE_MODERATORS: z.string().default('moderator'),
  ALLOWED_WORKSPACES: z
    .string()
    .regex(/^[\sA-Za-z0-9_,-]*$/, {
      message: 'must be a comma list of Discord guild ids and Slack team ids, like 123456789012345678,T01ABCDEF',
    })
    .default(''),
  // Workshops
  LEARNERS_PER_COACH: int(4, 1, 50),
  INVITE_TO_COACH_AFTER: int(3, 1, 1000),
  REMINDER_INTERVAL_SECONDS: int(60, 5, 3600),
  STUCK_ESCALATE_MINUTES: int(5, 1, 240),
  // A learner who leaves later than this before the start, or never comes, is a no-show (issue "Fair sign-ups").
  NO_SHOW_CUTOFF_HOURS: int(24, 0, 336),
  FEEDBACK_MIN_RESPONSES: int(3, 1, 100),
  FEEDBACK_PUBLIC_MIN: int(5, 1, 100),
  FEEDBACK_REMINDER: bool(true),
  // Database
  DATABASE_URL: optional,
  DATABASE_POOL_SIZE: int(10, 1, 200),
  DATABASE_STATEMENT_TIMEOUT_MS: int(10_000, 100, 600_000),
  DB_MIGRATE_ON_START: bool(true),
  // Discord and Slack API calls
  PLATFORM_TIMEOUT_MS: int(10_000, 100, 120_000),
  PLATFORM_RETRIES: int(3, 0, 10),
  OUTBOX_MAX_ATTEMPTS: int(8, 1, 100),
  DM_FALLBACK: z.enum(['channel', 'none'], { message: 'must be channel or none' }).default('channel'),
  // Anonymity
  ANON_SECRET: z
    .string()
    .refine((s) => Buffer.byteLength(s) >= 32, { message: 'must be at least 32 bytes long; generate one with: openssl rand -hex 32' })
    .optional(),
  ANON_POST_DELAY_MAX: int(0, 0, 3600),
  ANON_RATE_LIMIT_MAX: int(5, 1, 1000),
  ANON_RATE_LIMIT_WINDOW_MINUTES: int(10, 1, 1440),
  // Members' data rights
  PRIVACY_COOLDOWN_SECONDS: int(600, 0, 86_400),
  // Discord
  DISCORD_TOKEN: optional,
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{5,25}$/, { message: 'must be the numeric application id from the Developer Portal' })
    .optional(),
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{5,25}$/, { message: 'must be a numeric guild (server) id' })
    .optional(),
  DISCORD_API_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL, the REST base without the version, e.g. http://127.0.0.1:8080/api' })
    .optional(),
  DISCORD_SHARDS: z
    .string()
    .regex(/^(auto|[1-9]\d{0,4})$/, { message: 'must be auto or a number of shards, e.g. 4' })
    .default('1'),
  DISCORD_SCHEDULED_EVENTS: bool(true),
  // Set by discord.js's ShardingManager in the shard processes it starts (with SHARDS and SHARD_COUNT, read by discord.js).
  SHARDING_MANAGER: z.string().optional(),
  // A test hook (see src/services/outbox/crash.ts), honoured only when NODE_ENV is test; not in .env.example.
  OUTBOX_TEST_CRASH: z
    .string()
    .regex(/^(before|after)-send(:[1-9]\d{0,3})?$/, { message: 'must be before-send or after-send, optionally :N' })
    .optional(),
  NODE_ENV: z.string().optional(),
  // Slack
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', { message: 'must be a bot token starting with xoxb-' }).optional(),
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', { message: 'must be an app-level token starting with xapp-' }).optional(),
  SLACK_PORT: int(3000, 1, 65_535),
  SLACK_COMMAND_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]*$/, { message: 'must be lowercase letters, digits and dashes, e.g. ots-' })
    .default(''),
  SLACK_API_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL, e.g. https://slack-proxy.example.org/api/' }).optional(),
  SLACK_RESPONSE_HOSTS: z
    .string()
    .default('hooks.slack.com')
    .transform((list) =>
      list
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine(
      (hosts) => hosts.length > 0 && hosts.every((h) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(h)),
      {
        message: 'must be a comma-separated list of host names, e.g. hooks.slack.com,hooks.slack-gov.com',
      },
    ),
  // Public page
  WEB_PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int({ message: 'must be a port number' })
    .min(1, { message: 'must be between 1 and 65535' })
    .max(65_535, { message: 'must be between 1 and 65535' })
    .optional(),
  WEB_HOST: z.string().min(1).default('0.0.0.0'),
  DISCORD_INVITE_URL: z.url({ protocol: /^https$/, message: 'must be an https URL, e.g. https://discord.gg/abc123' }).optional(),
  SLACK_JOIN_URL: z.url({ protocol: /^https$/, message: 'must be an https URL, e.g. https://join.slack.com/t/…' }).optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be the public http(s) URL of this bot, e.g. https://bot.example.org' })
    .optional(),
  // Chapters' calendar feeds (/chapter feed)
  FEED_POLL_MINUTES: int(30, 5, 1440),
  FEED_HORIZON_DAYS: int(60, 1, 366),
  FEED_ALLOW_PRIVATE: bool(false),
});

/**
 * Every variable the bot reads (`.env.example` documents each but SHARDING_MANAGER, which discord.js
 * sets, NODE_ENV and OUTBOX_TEST_CRASH, a hook only tests use).
 */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** How long one call to a platform's API may take, and how often a failed one (5xx, timeout, network) is retried. */
export interface PlatformCalls {
  readonly timeoutMs: number;
  readonly retries: number;
}

export interface Config {
  readonly locale: 'en' | 'de';
  readonly logLevel: string;
  readonly communityName: string;
  readonly rateLimit: { readonly max: number; readonly windowSeconds: number };
  readonly dataDir: string;
  readonly consoleModerators: readonly string[];
  /** Discord guild ids and Slack team ids the bot serves; empty: any. The console is always served. */
  readonly allowedWorkspaces: readonly string[];
  /** Workshops: the default ratio (a chapter may set its own), the invitation threshold, how often reminders are checked. */
  readonly workshops: {
    readonly learnersPerCoach: number;
    readonly inviteToCoachAfter: number;
    readonly reminderIntervalSeconds: number;
    /** An "I'm stuck" request waiting this long is offered to every free coach. */
    readonly stuckEscalateMinutes: number;
    /** No-shows: leaving less than this many hours before the start is a late leave; promoted later than it, no record. */
    readonly noShowCutoffHours: number;
  };
  /** Learners' feedback after a workshop: thresholds below which free texts, and public figures, are not shown. */
  readonly feedback: { readonly minResponses: number; readonly publicMin: number; readonly reminder: boolean };
  readonly database: DatabaseTarget;
  readonly migrateOnStart: boolean;
  /** Unset: a secret is generated into `<dataDir>/anon-secret` on first start. */
  readonly anonSecret: string | undefined;
  readonly anonymity: {
    readonly postDelayMaxSeconds: number;
    readonly rateLimit: { readonly max: number; readonly windowMinutes: number };
  };
  /** One `/privacy export` and one `/privacy delete confirm:true` per member in this time, per process (0: no limit). */
  readonly privacyCooldownSeconds: number;
  /** Calls to Discord's and Slack's APIs (see `src/core/retry.ts` for the backoff between retries). */
  readonly platform: PlatformCalls;
  /**
   * Sends of one message from the outbox (reminders, notices, DMs no interaction waits for) before it
   * is given up and the chapter's moderators are told; each send has the platform calls' own retries.
   */
  readonly outboxMaxAttempts: number;
  /** Tests only (NODE_ENV=test): where the outbox kills its process (`src/services/outbox/crash.ts`). */
  readonly outboxTestCrash?: string;
  /**
   * A member whose Discord DMs are closed: `channel` pings them with a short notice in the chapter's
   * channel instead, `none` sends nothing. Only for notices that are not sensitive (reminders,
   * workshop changes): one about an anonymous question never falls back to a channel.
   */
  readonly dmFallback: 'channel' | 'none';
  readonly discord:
    | {
        readonly token: string;
        readonly applicationId: string;
        readonly guildId: string | undefined;
        /** REST base (the gateway URL is looked up there too); unset: Discord's own. */
        readonly apiUrl: string | undefined;
        /** Gateway shards: `auto` asks Discord for the recommended number; more than 1 runs a process per shard. */
        readonly shards: 'auto' | number;
        /** This process is one shard started by the ShardingManager (discord.js reads which from the environment). */
        readonly shardProcess: boolean;
        /** The same as the top-level `platform`, here so the REST client can be built from this part alone. */
        readonly platform: PlatformCalls;
        /** Upcoming workshops are mirrored as the server's scheduled events (DISCORD_SCHEDULED_EVENTS, default on). */
        readonly scheduledEvents: boolean;
      }
    | undefined;
  readonly slack:
    | {
        readonly botToken: string;
        readonly signingSecret: string | undefined;
        readonly appToken: string | undefined;
        readonly port: number;
        readonly commandPrefix: string;
        /** The Web API's base URL; unset: Slack's own. For proxies, and for tests against a fake. */
        readonly apiUrl: string | undefined;
        /**
         * The only origins whose `response_url`s the bot posts answers to: `https://` and each
         * host of SLACK_RESPONSE_HOSTS, plus the origin of SLACK_API_URL when it is set.
         */
        readonly responseOrigins: readonly string[];
      }
    | undefined;
  /** Where the bot is reachable from the internet (Slack's request URLs in HTTP mode), without a trailing slash. */
  readonly publicUrl: string | undefined;
  /** The public page (chapters, calendar feeds, materials): off unless WEB_PORT is set. */
  readonly web: { readonly port: number; readonly host: string } | undefined;
  /** Where newcomers join (DISCORD_INVITE_URL, SLACK_JOIN_URL): the public page's "Find us on Discord, Slack" links there. */
  readonly invites: { readonly discord: string | undefined; readonly slack: string | undefined };
  /** What the Slack app manifest needs, known before the app (and so its tokens) exists. */
  readonly slackApp: { readonly commandPrefix: string; readonly socketMode: boolean };
  /**
   * Chapters' iCalendar feeds: how often each is fetched, how far ahead its events become workshops,
   * and whether a feed may live on a loopback or private address (tests; a feed server on your own network).
   */
  readonly feeds: { readonly pollMinutes: number; readonly horizonDays: number; readonly allowPrivate: boolean };
}

/** Reads and checks the configuration; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // An empty value in .env (`DISCORD_TOKEN=`) means unset, as people expect.
  const present = Object.fromEntries(
    Object.entries(env)
      .filter(([k, v]) => k in schema.shape && v !== undefined && v.trim() !== '')
      .map(([k, v]) => [k, v!.trim()]),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0]), issue.message);
  }
  const c = parsed.data;

  const platform: PlatformCalls = { timeoutMs: c.PLATFORM_TIMEOUT_MS, retries: c.PLATFORM_RETRIES };
  const database = databaseTarget(c.DATABASE_URL, c.DATA_DIR);
  if ('error' in database) throw new ConfigError('DATABASE_URL', database.error);
  if (c.DISCORD_TOKEN && !c.DISCORD_APPLICATION_ID)
    throw new ConfigError(
      'DISCORD_APPLICATION_ID',
      'must be set when DISCORD_TOKEN is set (Developer Portal → your application → Application ID)',
    );
  if (c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
    throw new ConfigError('SLACK_SIGNING_SECRET', 'must be set when SLACK_BOT_TOKEN is set (or SLACK_APP_TOKEN for Socket Mode)');
  }

  return {
    locale: c.BOT_LOCALE,
    logLevel: c.LOG_LEVEL,
    communityName: c.COMMUNITY_NAME,
    rateLimit: { max: c.RATE_LIMIT_MAX, windowSeconds: c.RATE_LIMIT_WINDOW_SECONDS },
    dataDir: c.DATA_DIR,
    consoleModerators: c.CONSOLE_MODERATORS.split(',')
      .map((s) => s.trim().replace(/^@/, ''))
      .filter(Boolean),
    allowedWorkspaces: c.ALLOWED_WORKSPACES.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    workshops: {
      learnersPerCoach: c.LEARNERS_PER_COACH,
      inviteToCoachAfter: c.INVITE_TO_COACH_AFTER,
      reminderIntervalSeconds: c.REMINDER_INTERVAL_SECONDS,
      stuckEscalateMinutes: c.STUCK_ESCALATE_MINUTES,
      noShowCutoffHours: c.NO_SHOW_CUTOFF_HOURS,
    },
    feedback: { minResponses: c.FEEDBACK_MIN_RESPONSES, publicMin: c.FEEDBACK_PUBLIC_MIN, reminder: c.FEEDBACK_REMINDER },
    database:
      database.kind === 'postgres'
        ? { ...database, poolSize: c.DATABASE_POOL_SIZE, statementTimeoutMs: c.DATABASE_STATEMENT_TIMEOUT_MS }
        : database,
    migrateOnStart: c.DB_MIGRATE_ON_START,
    anonSecret: c.ANON_SECRET,
    platform,
    outboxMaxAttempts: c.OUTBOX_MAX_ATTEMPTS,
    outboxTestCrash: c.NODE_ENV === 'test' ? c.OUTBOX_TEST_CRASH : undefined,
    privacyCooldownSeconds: c.PRIVACY_COOLDOWN_SECONDS,
    dmFallback: c.DM_FALLBACK,
    anonymity: {
      postDelayMaxSeconds: c.ANON_POST_DELAY_MAX,
      rateLimit: { max: c.ANON_RATE_LIMIT_MAX, windowMinutes: c.ANON_RATE_LIMIT_WINDOW_MINUTES },
    },
    discord: c.DISCORD_TOKEN
      ? {
          token: c.DISCORD_TOKEN,
          applicationId: c.DISCORD_APPLICATION_ID!,
          guildId: c.DISCORD_GUILD_ID,
          apiUrl: c.DISCORD_API_URL?.replace(/\/+$/, ''),
          shards: c.DISCORD_SHARDS === 'auto' ? 'auto' : Number(c.DISCORD_SHARDS),
          shardProcess: c.SHARDING_MANAGER === 'true',
          platform,
          scheduledEvents: c.DISCORD_SCHEDULED_EVENTS,
        }
      : undefined,
    slack: c.SLACK_BOT_TOKEN
      ? {
          botToken: c.SLACK_BOT_TOKEN,
          signingSecret: c.SLACK_SIGNING_SECRET,
          appToken: c.SLACK_APP_TOKEN,
          port: c.SLACK_PORT,
          commandPrefix: c.SLACK_COMMAND_PREFIX,
          apiUrl: c.SLACK_API_URL,
          responseOrigins: [
            ...c.SLACK_RESPONSE_HOSTS.map((host) => `https://${host}`),
            ...(c.SLACK_API_URL ? [new URL(c.SLACK_API_URL).origin] : []),
          ],
        }
      : undefined,
    publicUrl: c.PUBLIC_URL?.replace(/\/+$/, ''),
    web: c.WEB_PORT !== undefined ? { port: c.WEB_PORT, host: c.WEB_HOST } : undefined,
    invites: { discord: c.DISCORD_INVITE_URL, slack: c.SLACK_JOIN_URL },
    slackApp: { commandPrefix: c.SLACK_COMMAND_PREFIX, socketMode: Boolean(c.SLACK_APP_TOKEN) },
    feeds: { pollMinutes: c.FEED_POLL_MINUTES, horizonDays: c.FEED_HORIZON_DAYS, allowPrivate: c.FEED_ALLOW_PRIVATE },
  };
}

/**
 * For command-line entry points (`npm start`, the scripts): `.env` if present, then the
 * environment. A configuration error is printed as its one line and null is returned.
 */
export function configFromEnvironment(): Config | null {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return null;
    }
    throw err;
  }
}
