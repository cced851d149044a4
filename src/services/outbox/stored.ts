import { inlineText, type Message } from '../../core/reply.js';

/** A message as an outbox row keeps it: everything but where it goes (the row says that). */
export type StoredMessage = Omit<Message, 'visibility'>;

/**
 * A message as JSON that comes back the same: times (`Date`) and file contents (`Uint8Array`)
 * are tagged, since plain JSON would return them as strings and objects.
 */
export function storeMessage(m: StoredMessage): string {
  return JSON.stringify(m, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.getTime() };
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw).toString('base64') };
    return value;
  });
}

/** The message `storeMessage` stored. */
export function loadMessage(json: string): StoredMessage {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = value as { $date?: unknown; $bytes?: unknown };
      const keys = Object.keys(value);
      if (keys.length === 1 && typeof tagged.$date === 'number') return new Date(tagged.$date);
      if (keys.length === 1 && typeof tagged.$bytes === 'string') return new Uint8Array(Buffer.from(tagged.$bytes, 'base64'));
    }
    return value;
  }) as StoredMessage;
}

/** A stored message's words as plain text (its title, paragraphs and list items, its fields), for a `/privacy` export. */
export function plainText(m: StoredMessage): string {
  const blocks = m.body.map((b) =>
    b.kind === 'paragraph' ? inlineText(b.children) : b.kind === 'list' ? b.items.map((i) => `- ${inlineText(i)}`).join('\n') : b.text,
  );
  const fields = (m.fields ?? []).map((f) => `${f.name}: ${inlineText(f.value)}`);
  return [...(m.title ? [m.title] : []), ...blocks, ...fields].join('\n');
}
