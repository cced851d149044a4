import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction as DiscordInteraction,
  MessageFlags,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Autocomplete } from '../../core/autocomplete.js';
import type { Dispatcher, Invocation } from '../../core/dispatcher.js';
import { safeError, say, UserError } from '../../core/errors.js';
import { formToOpen } from '../../core/forms.js';
import { translator } from '../../core/i18n.js';
import { type CommandRegistry, optionsOf } from '../../core/registry.js';
import type { Actor, Outbox } from '../../core/types.js';
import type { DirectButtonTarget } from '../../services/direct-buttons.js';
import type { Services } from '../../services/index.js';
import { actorOf, memberActor, resolvers, responder, structured } from './convert.js';
import { openForm, REF_FORM_PREFIX, submittedFields, submittedLine } from './forms.js';
import { commandNamesFor, commandRenamer, namingResponder } from './names.js';
import { BUTTON_PREFIX, REF_PREFIX } from './render.js';

export interface InteractionDeps {
  readonly dispatcher: Dispatcher;
  readonly services: Services;
  readonly registry: CommandRegistry;
  readonly autocomplete: Autocomplete;
  readonly log: Logger;
  readonly outboxFor: (workspace: string) => Outbox;
}

/**
 * The `interactionCreate` handler: translates each discord.js interaction into a neutral one and
 * hands it to the dispatcher (or opens the form the core asks for, or answers autocomplete).
 * It decides nothing itself and holds no state between interactions.
 */
export class InteractionHandler {
  constructor(private readonly d: InteractionDeps) {}

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
      // A direct message's button, and the form it opened, act where their row says: in a DM as in a server.
      if (i.isButton() && i.customId.startsWith(REF_PREFIX)) return await this.pressed(i, i.customId.slice(REF_PREFIX.length));
      if (i.isModalSubmit() && i.customId.startsWith(REF_FORM_PREFIX))
        return await this.pressed(i, i.customId.slice(REF_FORM_PREFIX.length));
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
    await this.run(i, { kind: 'structured', path, options });
  }

  /** A button carries the command line it stands for. */
  private async button(i: ButtonInteraction): Promise<void> {
    if (!i.customId.startsWith(BUTTON_PREFIX)) {
      await i.reply({ content: this.named(i, translator(i.locale)('discord.unknown_button')), flags: MessageFlags.Ephemeral });
      return;
    }
    const line = i.customId.slice(BUTTON_PREFIX.length);
    await this.run(i, { kind: 'line', text: line }, line);
  }

  /**
   * A direct message's button (or the form it opened): the row behind its reference says where it
   * acts and what it runs, and whether this member may press it (`DirectButtons.open`). The member
   * then acts as a member of that server, with their roles there (`memberActor`), and the
   * dispatcher and the policy decide as for the command typed there. A refusal is answered here,
   * in the member's language, and nothing runs.
   */
  private async pressed(i: ButtonInteraction | ModalSubmitInteraction, token: string): Promise<void> {
    const t = translator(i.locale);
    const { services } = this.d;
    let target: DirectButtonTarget;
    let actor: Actor;
    try {
      target = await services.directButtons.open(token, 'discord', i.user.id);
      // No call to Discord about a server the operator no longer lists (ALLOWED_WORKSPACES).
      if (!services.policy.serves('discord', target.workspace)) throw new UserError('error.not_served');
      actor = await memberActor(i.client, target.workspace, i.user);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      await i.reply({ content: this.named(i, say(t, { key: err.key, params: err.params })), flags: MessageFlags.Ephemeral });
      return;
    }
    // Not deferred before the lookups above (a row, a member, maybe the server: well under Discord's
    // three seconds): a form must be the interaction's first answer. The dispatcher defers after that.
    const text = i.isModalSubmit() ? [target.command, ...submittedFields(i)].join(' ') : target.command;
    const invocation: Invocation = { kind: 'line', text };
    if (i.isButton()) {
      const form = await formToOpen(this.d.registry, invocation, actor, (leaf, who) => this.d.dispatcher.mayRun(leaf, who));
      if (form && (await openForm(i, form, t, undefined, token))) return;
    }
    await this.dispatch(i, invocation, actor);
  }

  private async submit(i: ModalSubmitInteraction): Promise<void> {
    const line = submittedLine(i);
    if (line !== undefined) await this.dispatch(i, { kind: 'line', text: line });
  }

  /** Opens a form where the core asks for one (the same rule and `mayRun` check as on Slack); dispatches otherwise. */
  private async run(i: ChatInputCommandInteraction | ButtonInteraction, invocation: Invocation, line?: string): Promise<void> {
    const t = translator(i.locale);
    const form = await formToOpen(this.d.registry, invocation, actorOf(i), (leaf, actor) => this.d.dispatcher.mayRun(leaf, actor));
    if (form && (await openForm(i, form, t, line))) return;
    await this.dispatch(i, invocation);
  }

  private async complete(i: AutocompleteInteraction): Promise<void> {
    const { path } = structured(i.commandName, i.options.data);
    const focused = i.options.getFocused(true);
    const leaf = this.d.registry.get(path);
    const spec = leaf ? optionsOf(leaf.action)[focused.name] : undefined;
    const kind = spec?.autocomplete;
    const context = { services: this.d.services, actor: actorOf(i), channel: i.channelId ?? '', typed: String(focused.value) };
    const suggestions = kind ? await this.d.autocomplete.suggest(kind, context) : [];
    // An integer option's choices must be numbers (workshop and question ids).
    const numbers = () =>
      suggestions.flatMap((s) => (Number.isSafeInteger(Number(s.value)) ? [{ name: s.name, value: Number(s.value) }] : []));
    await i.respond(spec?.type === 'integer' ? numbers() : suggestions);
  }

  /** A text answered here rather than by the dispatcher, naming commands as the member's client does (`commandRenamer`). */
  private named(i: RepliableInteraction, text: string): string {
    return commandRenamer(this.d.registry, i.locale)?.(text) ?? text;
  }

  /** `actor`: who acts where; by default the member where the interaction happens. */
  private async dispatch(i: RepliableInteraction, invocation: Invocation, actor: Actor = actorOf(i)): Promise<void> {
    await this.d.dispatcher.dispatch({
      actor,
      channel: i.channelId ?? '',
      locale: i.locale,
      invocation,
      responder: namingResponder(responder(i), commandNamesFor(this.d.registry, i.locale)),
      outbox: this.d.outboxFor(actor.workspace),
      resolvers: resolvers(i),
    });
  }
}
