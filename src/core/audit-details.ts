import { en } from '../i18n/en.js';
import type { MessageKey, Params, Translate } from './i18n.js';

/**
 * What a moderator action did, as data: a catalogue key and its parameters. The audit trail stores it
 * as JSON (`{"key":"audit.block","params":{…}}`) and `/mod audit` renders it in the reader's language,
 * so a German moderator does not read "closed by a moderator". A plain string (a reason the moderator
 * typed, or an entry written before details were data) is stored and shown as it is.
 */
export interface AuditDetails {
  readonly key: MessageKey;
  readonly params?: Params;
}

/** The `details` column holds at most this many characters. */
export const AUDIT_DETAILS_MAX = 500;

/** The stored form: plain text as it is, data as JSON that fits the column (long text parameters are cut, never the JSON). */
export function encodeAuditDetails(details: string | AuditDetails): string {
  if (typeof details === 'string') return details.slice(0, AUDIT_DETAILS_MAX);
  for (const cap of [200, 80, 20]) {
    const params = Object.fromEntries(
      Object.entries(details.params ?? {}).map(([k, v]) => [k, typeof v === 'string' && v.length > cap ? `${v.slice(0, cap - 1)}…` : v]),
    );
    const json = JSON.stringify({ key: details.key, params });
    if (json.length <= AUDIT_DETAILS_MAX) return json;
  }
  return JSON.stringify({ key: details.key, params: {} });
}

/** The stored details for the reader: data rendered with `t`, anything else as it was stored. */
export function renderAuditDetails(stored: string, t: Translate): string {
  if (!stored.startsWith('{"key":')) return stored;
  try {
    const parsed = JSON.parse(stored) as { key?: unknown; params?: unknown };
    const { key, params } = parsed;
    if (typeof key !== 'string' || !key.startsWith('audit.') || !(key in en)) return stored;
    const clean: Record<string, string | number> = {};
    if (params && typeof params === 'object')
      for (const [k, v] of Object.entries(params)) if (typeof v === 'string' || typeof v === 'number') clean[k] = v;
    return t(key as MessageKey, clean).trim();
  } catch {
    return stored;
  }
}
