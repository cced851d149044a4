import type { FormField } from '../../core/forms.js';
import type { Translate } from '../../core/i18n.js';
import type { OptionSpec } from '../../core/options.js';
import type { ChannelRef, UserRef } from '../../core/reply.js';
import { booleanWord, type RawValue, type Resolvers } from '../../core/validate.js';

/** Modals generated from an action's declaration (`views.open`), and their submissions read back. */
export const FORM_CALLBACK = 'form';
const VALUE = 'value';

/** What a form remembers between opening and submission (Slack keeps it in `private_metadata`, 3000 characters at most). */
export interface FormMetadata {
  /** The action's path, e.g. `['ask']`. */
  readonly path: readonly string[];
  readonly channel: string;
  /** The response URL of the command or button that opened the form: the answer goes there. */
  readonly responseUrl?: string;
}

const plain = (text: string, max: number) => ({
  type: 'plain_text' as const,
  text: text.length <= max ? text : text.slice(0, max - 1) + '…',
});

function initialText(value: RawValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'object' ? value.id : String(value);
}

function element(field: FormField, t: Translate, resolvers: Resolvers): Record<string, unknown> {
  const { spec } = field;
  const text = initialText(field.initial);
  const base = { action_id: VALUE };
  const option = (value: string, label: string) => ({ text: plain(label, 75), value });
  switch (spec.type) {
    case 'string':
    case 'text':
      return { ...base, type: 'plain_text_input', multiline: spec.type === 'text', ...(text ? { initial_value: text } : {}) };
    case 'integer':
      return {
        ...base,
        type: 'number_input',
        is_decimal_allowed: false,
        ...(text && /^[+-]?\d+$/.test(text) ? { initial_value: text } : {}),
      };
    case 'boolean': {
      const options = [option('true', t('slack.form.yes')), option('false', t('slack.form.no'))];
      const flag = text === undefined ? undefined : booleanWord(text);
      const initial = options.find((o) => o.value === String(flag));
      return { ...base, type: 'static_select', options, ...(initial ? { initial_option: initial } : {}) };
    }
    case 'choice': {
      const options = spec.choices.slice(0, 100).map((c) => option(c, c));
      const initial = options.find((o) => o.value.toLowerCase() === text?.toLowerCase());
      return { ...base, type: 'static_select', options, ...(initial ? { initial_option: initial } : {}) };
    }
    case 'date':
      return { ...base, type: 'datepicker', ...(text && /^\d{4}-\d{2}-\d{2}$/.test(text) ? { initial_date: text } : {}) };
    case 'time': {
      const m = text ? /^(\d{1,2}):(\d{2})$/.exec(text) : null;
      return { ...base, type: 'timepicker', ...(m ? { initial_time: `${m[1]!.padStart(2, '0')}:${m[2]}` } : {}) };
    }
    case 'user': {
      const user = typeof field.initial === 'object' ? field.initial : text ? resolvers.user?.(text) : undefined;
      return { ...base, type: 'users_select', ...(user ? { initial_user: user.id } : {}) };
    }
    case 'role':
      // Slack has no roles (a Discord option type): typed as text.
      return { ...base, type: 'plain_text_input', ...(text ? { initial_value: text } : {}) };
    case 'channel': {
      const channel = typeof field.initial === 'object' ? field.initial : text ? resolvers.channel?.(text) : undefined;
      return { ...base, type: 'conversations_select', ...(channel ? { initial_conversation: channel.id } : {}) };
    }
  }
}

/** The modal for an action: one input per option (named as typed, described below), pre-filled with what was given. */
export function formView(fields: readonly FormField[], meta: FormMetadata, t: Translate, resolvers: Resolvers): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: plain('/' + meta.path.join(' '), 24),
    submit: plain(t('slack.form.submit'), 24),
    close: plain(t('slack.form.cancel'), 24),
    blocks: fields.map((field) => ({
      type: 'input',
      block_id: field.name,
      optional: !field.spec.required,
      label: plain(field.name, 2000),
      hint: plain(t(field.spec.description), 2000),
      element: element(field, t, resolvers),
    })),
  };
}

export function readMetadata(raw: string): FormMetadata | undefined {
  try {
    const meta = JSON.parse(raw) as Partial<FormMetadata>;
    if (!Array.isArray(meta.path) || typeof meta.channel !== 'string') return undefined;
    return {
      path: meta.path.map(String),
      channel: meta.channel,
      ...(typeof meta.responseUrl === 'string' ? { responseUrl: meta.responseUrl } : {}),
    };
  } catch {
    return undefined;
  }
}

/** One input's state in a `view_submission`, as Slack sends it. */
export interface InputState {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_date?: string | null;
  selected_time?: string | null;
  selected_user?: string | null;
  selected_conversation?: string | null;
}

/**
 * The submitted values as raw options (what a typed line would give): empty fields are left
 * out; a picked member comes with their id as name until the adapter looks the name up.
 */
export function submittedOptions(
  specs: Readonly<Record<string, OptionSpec>>,
  values: Readonly<Record<string, Readonly<Record<string, InputState>>>>,
): Record<string, RawValue> {
  const raw: Record<string, RawValue> = {};
  for (const name of Object.keys(specs)) {
    const state = values[name]?.[VALUE];
    if (!state) continue;
    const picked = state.value ?? state.selected_option?.value ?? state.selected_date ?? state.selected_time ?? undefined;
    if (typeof picked === 'string' && picked !== '') raw[name] = picked;
    if (state.selected_user) raw[name] = { id: state.selected_user, name: state.selected_user } satisfies UserRef;
    if (state.selected_conversation) raw[name] = { id: state.selected_conversation } satisfies ChannelRef;
  }
  return raw;
}
