import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Identity, Person } from '../core/types.js';

/**
 * The pseudonym of an identity: `HMAC-SHA256(ANON_SECRET, platform:workspace:user)`, hex.
 * Without the secret it cannot be reversed or recomputed from a list of members.
 */
export function pseudonym(secret: string, who: Identity): string {
  return createHmac('sha256', secret).update(`${who.platform}:${who.workspace}:${who.id}`).digest('hex');
}

/**
 * A pseudonym that only holds inside one scope (`metoo:12`, `report:12`): it proves "the
 * same person pressed twice" without linking that press to anything the person did
 * elsewhere, not even to their own questions.
 */
export function scopedPseudonym(secret: string, scope: string, who: Identity): string {
  return createHmac('sha256', secret).update(`${scope}\u0000${who.platform}:${who.workspace}:${who.id}`).digest('hex');
}

/**
 * The key of a member who acts under their name (answers, requirement ticks, moderation
 * blocks, partnership decisions): `HMAC-SHA256(ANON_SECRET, "author" NUL platform:workspace:user)`,
 * hex. Rows keep it instead of a user id, so `/privacy` finds them by who wrote them and never
 * by display name. The purpose label makes it a different code from the member's question
 * pseudonym: an answer cannot be linked to its author's anonymous questions.
 */
export function authorKey(secret: string, who: Identity): string {
  return scopedPseudonym(secret, 'author', who);
}

/** Derived once per secret (a process has one): HKDF on every question was a measurable part of an `/ask`. */
const addressKeys = new Map<string, Buffer>();
function addressKey(secret: string): Buffer {
  let key = addressKeys.get(secret);
  if (!key) addressKeys.set(secret, (key = Buffer.from(hkdfSync('sha256', secret, 'ots-bot', 'reply-address v1', 32))));
  return key;
}

/**
 * Encrypts where to tell an asker that their question has an answer (AES-256-GCM, key
 * derived from ANON_SECRET). Rows keep it only while the question is open, 30 days at most.
 */
export function sealAddress(secret: string, who: Person & { readonly locale: string }): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', addressKey(secret), iv);
  const body = Buffer.concat([
    cipher.update(JSON.stringify([who.platform, who.workspace, who.id, who.name, who.locale]), 'utf8'),
    cipher.final(),
  ]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** The address sealed by `sealAddress`, or null if it was not sealed with this secret. */
export function openAddress(secret: string, sealed: string): (Person & { locale: string }) | null {
  try {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', addressKey(secret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const [platform, workspace, id, name, locale] = JSON.parse(
      Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'),
    ) as string[];
    return { platform: platform!, workspace: workspace!, id: id!, name: name!, locale: locale ?? 'en' };
  } catch {
    return null;
  }
}
