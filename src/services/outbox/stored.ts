import { inlineText, type Message } from '../../core/reply.js';

/** A message as an outbox row keeps it: everything but where it goes (the row says that). */
export type StoredMessage = Omit<Message, 'visibility'>;

/**
 * A message as JSON that comes back the same: times (`Date`) and file contents (`Uint8Array`)
 * are tagged, since plain JSON would return them as strings and objects.
 */
export function storeMessage(m: StoredMessage): string {
  // Most messages hold neither: plain JSON.stringify, the same text, without a replacer call per value (V8's fast path).
  if (!holdsTagged(m)) return JSON.stringify(m);
  return JSON.stringify(m, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.getTime() };
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw).toString('base64') };
    return value;
  });
}

/** Whether a Date or a Uint8Array is anywhere in `value` (what `storeMessage` tags). */
function holdsTagged(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Date || value instanceof Uint8Array) return true;
  if (Array.isArray(value)) return value.some(holdsTagged);
  for (const key in value) if (holdsTagged((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** The message `storeMessage` stored. */
export function loadMessage(json: string): StoredMessage {
  // Without a tag (storeMessage writes its keys as they are) the reviver would change nothing: plain JSON.parse.
  if (!json.includes('"$date"') && !json.includes('"$bytes"')) return JSON.parse(json) as StoredMessage;
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
