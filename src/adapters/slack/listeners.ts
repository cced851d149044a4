import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { Logger } from 'pino';
import { translator } from '../../core/i18n.js';
import type { WorkUnderWay } from '../../core/work.js';
import { FORM_CALLBACK, readMetadata } from './forms.js';
import type { SlackInteractions } from './interactions.js';
import { ACTION_PREFIX, REF_ACTION_PREFIX } from './render.js';
import { AckGuard } from './respond.js';
import { slashInvocation } from './text.js';

export interface ListenerDeps {
  readonly interactions: SlackInteractions;
  /** Work under way, which stop() lets finish; while it does, new commands are refused. */
  readonly underWay: WorkUnderWay;
  readonly log: Logger;
  /** The prefix of the commands as declared in Slack (SLACK_COMMAND_PREFIX), and our commands' names. */
  readonly commandPrefix: string;
  readonly commandNames: ReadonlySet<string>;
  readonly defaultLocale: string;
  /** When a request is acknowledged at the latest (Slack gives up after 3 seconds). */
  readonly ackDeadlineMs: number;
}

/**
 * Bolt's listeners: each translates Slack's request (a slash command, a button, a form's
 * submission) and hands it to `SlackInteractions`, acknowledging it exactly once.
 */
export function registerListeners(bolt: App, d: ListenerDeps): void {
  const { interactions, underWay, log } = d;
  const refusal = () => ({ response_type: 'ephemeral' as const, text: translator(d.defaultLocale)('error.stopping') });
  const tracked =
    <A>(handler: (args: A) => Promise<void>): ((args: A) => Promise<void>) =>
    (args) =>
      underWay.track(handler(args));

  // Slash commands: every command of the registry, under the optional prefix.
  bolt.command(
    /^\/.+/,
    tracked<SlackCommandMiddlewareArgs & AllMiddlewareArgs>(async ({ command, ack, client }) => {
      if (underWay.stopping) return ack(refusal());
      const guard = new AckGuard(ack, d.ackDeadlineMs, log);
      try {
        const { invocation, resolvers } = slashInvocation(command, d.commandPrefix, d.commandNames);
        await interactions.run({
          client,
          guard,
          ackCarriesAnswer: true,
          team: command.team_id,
          user: command.user_id,
          userName: command.user_name,
          channel: command.channel_id,
          invocation,
          resolvers,
          responseUrl: command.response_url,
          triggerId: command.trigger_id,
        });
      } catch (err) {
        await interactions.apologise(
          err,
          guard,
          true,
          interactions.answerer(client, command.response_url, command.channel_id, command.user_id),
        );
      } finally {
        await guard.ack();
      }
    }),
  );

  // Buttons: each carries the command line it stands for, or, in a direct message, its reference,
  // whose row says what it runs and where (see DirectButtons).
  bolt.action<BlockAction<ButtonAction>>(
    new RegExp(`^(?:${ACTION_PREFIX}|${REF_ACTION_PREFIX})`),
    tracked<SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs>(async ({ action, body, ack, client }) => {
      const guard = new AckGuard(ack, d.ackDeadlineMs, log);
      await guard.ack(); // a button's acknowledgement carries nothing
      const channel = body.channel?.id ?? body.container?.channel_id;
      const team = body.team?.id ?? body.user.team_id;
      if (!channel || !team) return;
      const pressed = {
        client,
        guard,
        team,
        user: body.user.id,
        userName: body.user.username ?? body.user.name ?? body.user.id,
        channel,
        responseUrl: body.response_url,
        triggerId: body.trigger_id,
      };
      try {
        if (action.action_id.startsWith(REF_ACTION_PREFIX)) await interactions.press({ ...pressed, token: action.value ?? '' });
        else
          await interactions.run({
            ...pressed,
            ackCarriesAnswer: false,
            invocation: { kind: 'line', text: action.value ?? '' },
            resolvers: {},
          });
      } catch (err) {
        await interactions.apologise(err, guard, false, interactions.answerer(client, body.response_url, channel, body.user.id));
      }
    }),
  );

  // Form submissions: problems are shown on their fields (see SlackInteractions.submit).
  bolt.view<ViewSubmitAction>(
    FORM_CALLBACK,
    tracked<SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs>(async ({ ack, body, view, client }) => {
      const guard = new AckGuard(ack, d.ackDeadlineMs, log);
      const meta = readMetadata(view.private_metadata);
      try {
        if (!meta) return;
        const team = body.team?.id ?? body.user.team_id ?? '';
        await interactions.submit({ client, guard, team, user: body.user.id, userName: body.user.name, meta, values: view.state.values });
      } catch (err) {
        await interactions.apologise(
          err,
          guard,
          false,
          meta ? interactions.answerer(client, meta.responseUrl, meta.channel, body.user.id) : async () => undefined,
        );
      } finally {
        await guard.ack();
      }
    }),
  );
}
