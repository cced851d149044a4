import {
  type APILabelComponent,
  type APIModalInteractionResponseCallbackData,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  ComponentType,
  type ModalSubmitInteraction,
  TextInputStyle,
} from 'discord.js';
import type { FormToOpen } from '../../core/forms.js';
import type { Translate } from '../../core/i18n.js';
import type { OptionSpec } from '../../core/options.js';
import { truncate } from '../../core/text.js';
import { lineValue, quote } from './convert.js';

/** A modal's custom id: the command line it completes, behind this prefix. */
export const FORM_PREFIX = 'frm:';
/** A modal opened by a direct message's button: its reference (see `DirectButtons`), whose command it completes, behind this prefix. */
export const REF_FORM_PREFIX = 'rfm:';

/** Discord's limits on a modal: its title, custom id, number of inputs, a label, its description and an input's length. */
const MODAL = { title: 45, customId: 100, inputs: 5, label: 45, description: 100, inputLength: 4000 } as const;

/** Option types a text input can take: members, channels and roles are left to the slash command's own pickers. */
const TEXT_INPUT_TYPES = new Set<OptionSpec['type']>(['string', 'text', 'integer', 'date', 'time', 'choice', 'boolean']);

/**
 * The form the core decided on (`formToOpen`: a form action without its required options, an
 * actor who may run it) as a Discord modal: a text input per missing required option, each in a
 * label with the option's description; a form of chosen fields (`form: { fields }`) also has an
 * optional input for each of those not given (the texts of a feedback), the given ones staying
 * in the command line or the reference. The custom id carries the command line the modal
 * completes (`line`, a button's, or the slash command's path and options), or for a direct
 * message's button its reference (`ref`), so the submission is checked like the press. Undefined when
 * Discord cannot show it (more than five inputs, an option a text input cannot take, a custom
 * id over 100 characters): the invocation then runs, and the dispatcher names what is missing.
 */
export function modalFor(form: FormToOpen, t: Translate, line?: string, ref?: string): APIModalInteractionResponseCallbackData | undefined {
  // `form: true` lists every option as a field, but a modal asks only for the missing required
  // ones (Discord's five inputs); a form of chosen fields lists only those worth an input.
  const chosen = typeof form.leaf.action.form === 'object';
  const missing = form.fields.filter((f) => (f.spec.required || chosen) && f.initial === undefined);
  if (!missing.length || missing.length > MODAL.inputs || !missing.every((f) => TEXT_INPUT_TYPES.has(f.spec.type))) return undefined;
  const path = form.leaf.path;
  const given = Object.entries(form.raw).map(([k, v]) => `${k}:${quote(lineValue(v))}`);
  const customId = ref !== undefined ? REF_FORM_PREFIX + ref : FORM_PREFIX + (line ?? ['/' + path.join(' '), ...given].join(' '));
  if (customId.length > MODAL.customId) return undefined;
  return {
    custom_id: customId,
    title: truncate(`/${path.join(' ')}`, MODAL.title),
    components: missing.map(({ name, spec }): APILabelComponent => ({
      type: ComponentType.Label,
      label: truncate(name, MODAL.label),
      description: truncate(t(spec.description), MODAL.description),
      component: {
        type: ComponentType.TextInput,
        custom_id: name,
        style: spec.type === 'text' ? TextInputStyle.Paragraph : TextInputStyle.Short,
        required: spec.required === true,
        ...('minLength' in spec && spec.minLength !== undefined ? { min_length: Math.min(spec.minLength, MODAL.inputLength) } : {}),
        max_length: Math.min('maxLength' in spec && spec.maxLength !== undefined ? spec.maxLength : MODAL.inputLength, MODAL.inputLength),
      },
    })),
  };
}

/** Opens the modal for a form; false when Discord cannot show it (see `modalFor`). */
export async function openForm(
  i: ChatInputCommandInteraction | ButtonInteraction,
  form: FormToOpen,
  t: Translate,
  line?: string,
  ref?: string,
): Promise<boolean> {
  const modal = modalFor(form, t, line, ref);
  if (!modal) return false;
  await i.showModal(modal);
  return true;
}

/**
 * A submitted form as a command line: the line it completes, plus each filled field as
 * `name:"value"`; the dispatcher validates it like any line. Undefined for a modal not ours.
 */
export function submittedLine(i: ModalSubmitInteraction): string | undefined {
  if (!i.customId.startsWith(FORM_PREFIX)) return undefined;
  return [i.customId.slice(FORM_PREFIX.length), ...submittedFields(i)].join(' ');
}

/** Each filled field of a submitted form as `name:"value"`, to follow the command line it completes. */
export function submittedFields(i: ModalSubmitInteraction): string[] {
  return i.fields.fields
    .filter((f) => 'value' in f && typeof f.value === 'string' && f.value.trim() !== '')
    .map((f) => `${f.customId}:${quote((f as { value: string }).value)}`);
}
