import { de } from '../i18n/de.js';
import { en, type Catalogue, type MessageKey } from '../i18n/en.js';

export type { MessageKey } from '../i18n/en.js';

/** Locales with a complete catalogue. Anything else falls back to English. */
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

export type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: Params) => string;

/** Catalogues by locale; a catalogue other than English may be partial (missing keys fall back). */
export type Catalogues = { readonly en: Catalogue } & Readonly<Record<string, Partial<Catalogue>>>;

export const defaultCatalogues: Catalogues = { en, de };

/** `de-AT`, `de_DE`, `DE` → `de`; an unknown or missing locale → `en`. */
export function normaliseLocale(raw: string | undefined | null, catalogues: Catalogues = defaultCatalogues): string {
  const base = (raw ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return base && base in catalogues ? base : 'en';
}

function interpolate(template: string, params: Params | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A translator for one locale: the locale's text if it has the key, English otherwise. */
export function translator(locale: string, catalogues: Catalogues = defaultCatalogues): Translate {
  const primary = catalogues[normaliseLocale(locale, catalogues)] ?? catalogues.en;
  return (key, params) => interpolate(primary[key] ?? catalogues.en[key], params);
}
