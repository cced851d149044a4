import { existsSync, writeFileSync } from 'node:fs';
import { commands } from '../commands/index.js';
import { ManifestError, slackManifest } from '../src/adapters/slack/manifest.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { translator } from '../src/core/i18n.js';
import { CommandRegistry } from '../src/core/registry.js';

/**
 * `npm run slack:manifest [-- --socket] [-- --out file]`: writes the Slack app manifest generated
 * from the command declarations (default slack-app-manifest.json). Socket Mode with --socket
 * or when SLACK_APP_TOKEN is set; otherwise HTTP, with request URLs from PUBLIC_URL.
 */
function main(argv: readonly string[]): number {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    const config = loadConfig(process.env);
    const out = argv.includes('--out') ? (argv[argv.indexOf('--out') + 1] ?? 'slack-app-manifest.json') : 'slack-app-manifest.json';
    const manifest = slackManifest({
      registry: new CommandRegistry(commands),
      t: translator(config.locale),
      communityName: config.communityName,
      commandPrefix: config.slackApp.commandPrefix,
      publicUrl: config.publicUrl,
      socketMode: argv.includes('--socket') || config.slackApp.socketMode,
    });
    writeFileSync(out, JSON.stringify(manifest, null, 2) + '\n');
    process.stdout.write(`Wrote ${out}: paste it into "Create New App → From an app manifest" at https://api.slack.com/apps\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ManifestError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = main(process.argv.slice(2));
