import { randomBytes } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Dispatcher, Invocation } from '../../core/dispatcher.js';
import { safeError, say, UserError } from '../../core/errors.js';
import { fieldErrors, type FormToOpen, formToOpen } from '../../core/forms.js';
import { translator, type Translate } from '../../core/i18n.js';
import type { CommandRegistry } from '../../core/registry.js';
import { type Message, message } from '../../core/reply.js';
import type { RetryPolicy } from '../../core/retry.js';
import type { Resolvers } from '../../core/validate.js';
import type { DirectButtonTarget } from '../../services/direct-buttons.js';
import type { Services } from '../../services/index.js';
import { type FormMetadata, formView, type InputState, submittedOptions } from './forms.js';
import { SlackFiles } from './files.js';
import type { SlackMembers } from './members.js';
import type { SlackWorkspace } from './render.js';
import { type AckGuard, SlackResponder } from './respond.js';
import { originOf, postToResponseUrl, type ResponsePayload, responsePayload, responseUrlAllowed, SlackOutbox } from './web.js';

type WebClient = InstanceType<typeof webApi.WebClient>;

export interface SlackInteractionDeps {
  readonly registry: CommandRegistry;
  readonly dispatcher: Dispatcher;
  readonly services: Services;
  readonly members: SlackMembers;
  readonly log: Logger;
  /** How texts name commands here, and the workspace's address. */
  readonly workspace: SlackWorkspace;
  /** The bot's name, for "invite me with /invite @name". */
  readonly botName: string;
  readonly defaultLocale: string;
  /** SLACK_RESPONSE_HOSTS: the only origins a response URL may have. */
  readonly responseOrigins: readonly string[];
  readonly retry: RetryPolicy;
}

/** A slash command or a button, translated from Slack's request by a listener. */
export interface SlackInvocation {
  readonly client: WebClient;
  readonly guard: AckGuard;
  /** Slash commands: the first answer may ride on the acknowledgement. */
  readonly ackCarriesAnswer: boolean;
  readonly team: string;
  readonly user: string;
  readonly userName: string;
  readonly channel: string;
  readonly invocation: Invocation;
  readonly resolvers: Resolvers;
  readonly responseUrl: string | undefined;
  readonly triggerId: string | undefined;
}

/** A press of a direct message's button: its reference (`Button.ref`) instead of a command line. */
export type SlackPress = Omit<SlackInvocation, 'invocation' | 'resolvers' | 'ackCarriesAnswer'> & { readonly token: string };

/** A submitted form, translated from Slack's `view_submission` by a listener. */
export interface SlackSubmission {
  readonly client: WebClient;
  readonly guard: AckGuard;
  readonly team: string;
  readonly user: string;
  readonly userName: string;
  readonly meta: FormMetadata;
  readonly values: Readonly<Record<string, Readonly<Record<string, InputState>>>>;
}

/**
 * What the listeners hand on: identifies the member (platform facts from `SlackMembers`), opens
 * the form the core asks for or dispatches, and says where answers go.
 */
export class SlackInteractions {
  constructor(private readonly d: SlackInteractionDeps) {}

  /** Runs one invocation: opens a form where the core wants one, dispatches otherwise. */
  async run(input: SlackInvocation): Promise<void> {
    const { d } = this;
    const { client, guard, channel } = input;
    // A workspace the operator did not list (ALLOWED_WORKSPACES): no call to Slack about the
    // member, no form; the dispatcher answers one line.
    const served = d.services.policy.serves('slack', input.team);
    const { actor, locale, t } = served
      ? await d.members.identify(client, input.team, input.user, input.userName)
      : d.members.stranger(input.team, input.user, input.userName);
    if (served && input.triggerId) {
      const form = await formToOpen(d.registry, input.invocation, actor, (leaf, who) => d.dispatcher.mayRun(leaf, who));
      if (form && (await this.openForm(client, form, t, input))) {
        await guard.ack();
        return;
      }
    }
    await d.dispatcher.dispatch({
      actor,
      channel,
      locale,
      invocation: input.invocation,
      resolvers: input.resolvers,
      responder: new SlackResponder(
        guard,
        input.ackCarriesAnswer,
        this.answerer(client, input.responseUrl, channel, input.user),
        d.workspace,
        this.answerFiles(client, channel, input.user, t),
      ),
      outbox: this.outbox(client),
    });
  }

  /**
   * A direct message's button: the row behind its reference says which workspace it acts in and
   * what it runs, and whether this member may press it (`DirectButtons.open`); it then runs as that
   * command typed there, the policy deciding. A refusal is answered ephemerally, in the member's
   * language, and nothing runs.
   */
  async press(input: SlackPress): Promise<void> {
    const { d } = this;
    let target: DirectButtonTarget;
    try {
      target = await d.services.directButtons.open(input.token, 'slack', input.user);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      const { t } = d.services.policy.serves('slack', input.team)
        ? await d.members.identify(input.client, input.team, input.user, input.userName)
        : d.members.stranger(input.team, input.user, input.userName);
      const answer = this.answerer(input.client, input.responseUrl, input.channel, input.user);
      await answer(responsePayload(message(say(t, { key: err.key, params: err.params })), d.workspace));
      return;
    }
    await this.run({
      ...input,
      ackCarriesAnswer: false,
      team: target.workspace,
      invocation: { kind: 'line', text: target.command },
      resolvers: {},
    });
  }

  /** A submitted form: checked by the declaration's rules, problems shown on their fields; dispatched when it passes. */
  async submit(input: SlackSubmission): Promise<void> {
    const { d } = this;
    const { client, guard, meta } = input;
    const leaf = d.registry.get(meta.path);
    if (!leaf) return;
    const { actor, locale, t } = await d.members.identify(client, input.team, input.user, input.userName);
    const raw = await d.members.withUserNames(client, submittedOptions(leaf.action.options ?? {}, input.values));
    const errors = fieldErrors(leaf, raw, t, {});
    // Problems go on their fields; past the deadline (too late for that) the dispatcher answers them as a message.
    if (Object.keys(errors).length && (await guard.ack({ response_action: 'errors', errors }))) return;
    await guard.ack();
    await d.dispatcher.dispatch({
      actor,
      channel: meta.channel,
      locale,
      invocation: { kind: 'structured', path: leaf.path, options: raw },
      resolvers: {},
      responder: new SlackResponder(
        guard,
        false,
        this.answerer(client, meta.responseUrl, meta.channel, input.user),
        d.workspace,
        this.answerFiles(client, meta.channel, input.user, t),
      ),
      outbox: this.outbox(client),
    });
  }

  /**
   * An answer's files: one the channel sees (`here`) shares them there; any other is for the member
   * alone, and Slack cannot share a file ephemerally, so they go to the member's DM with the app and
   * the answer says so.
   */
  private answerFiles(client: WebClient, channel: string, user: string, t: Translate): (m: Message) => Promise<Message> {
    const files = new SlackFiles(client, this.d.log);
    return (m) =>
      m.visibility.kind === 'here' ? files.deliver(m, { kind: 'channel', channel }, t) : files.deliver(m, { kind: 'dm', user }, t, true);
  }

  private outbox(client: WebClient): SlackOutbox {
    const { d } = this;
    return new SlackOutbox(client, d.botName, d.workspace, { log: d.log, t: translator(d.defaultLocale) });
  }

  private async openForm(client: WebClient, form: FormToOpen, t: Translate, input: SlackInvocation): Promise<boolean> {
    const meta = { path: form.leaf.path, channel: input.channel, ...(input.responseUrl ? { responseUrl: input.responseUrl } : {}) };
    const view = formView(form.fields, meta, t, input.resolvers);
    try {
      await client.views.open({ trigger_id: input.triggerId!, view: view as never });
      return true;
    } catch (err) {
      // An expired trigger or a refused view: the member gets the usage line instead of nothing.
      this.d.log.warn({ err: safeError(err), command: form.leaf.path.join(' ') }, 'could not open the form');
      return false;
    }
  }

  /**
   * Where answers go after the acknowledgement: the response URL, or an ephemeral message when
   * there is none. A response URL on a host not allowed (SLACK_RESPONSE_HOSTS) is never called:
   * a signed request could otherwise make the bot post to any address; the answer then goes
   * through the Web API, as when there is none.
   */
  answerer(client: WebClient, responseUrl: string | undefined, channel: string, user: string): (payload: ResponsePayload) => Promise<void> {
    const { d } = this;
    if (responseUrl && responseUrlAllowed(responseUrl, d.responseOrigins))
      return (payload) => postToResponseUrl(responseUrl, payload, d.retry);
    if (responseUrl)
      d.log.warn(
        { origin: originOf(responseUrl) },
        'a response_url outside SLACK_RESPONSE_HOSTS was not called; answering through the Web API',
      );
    return async ({ text, blocks, response_type }) => {
      if (response_type === 'in_channel') await client.chat.postMessage({ channel, text, blocks });
      else await client.chat.postEphemeral({ channel, user, text, blocks });
    };
  }

  /**
   * A failure outside the dispatcher (which answers its own): logged with an incident id,
   * never with the request, and the member is told rather than left with "failed".
   */
  async apologise(
    err: unknown,
    guard: AckGuard,
    ackCarriesAnswer: boolean,
    send: (payload: ResponsePayload) => Promise<void>,
  ): Promise<void> {
    const incident = randomBytes(4).toString('hex');
    this.d.log.error({ incident, err: safeError(err) }, 'slack request failed');
    const payload = responsePayload(message(translator(this.d.defaultLocale)('error.unexpected', { incident })), this.d.workspace);
    if (ackCarriesAnswer && (await guard.ack(payload))) return;
    await send(payload).catch((sendErr: unknown) =>
      this.d.log.warn({ incident, err: safeError(sendErr) }, 'could not deliver the apology'),
    );
  }
}
