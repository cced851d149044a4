import type { Services } from '../services/index.js';
import type { Actor } from './command.js';

/** One suggestion: what the member sees, and the value the option gets. */
export interface Suggestion {
  readonly name: string;
  readonly value: string;
}

export interface AutocompleteQuery {
  readonly services: Services;
  readonly actor: Actor;
  readonly channel: string;
  /** What the member has typed into the option so far. */
  readonly typed: string;
}

export type AutocompleteProvider = (query: AutocompleteQuery) => Promise<readonly Suggestion[]>;

/** Discord shows at most 25 suggestions. */
export const MAX_SUGGESTIONS = 25;

/**
 * Completions for options declared with `autocomplete: '<kind>'`, by kind, platform-neutral:
 * an adapter that can offer completions (Discord) asks here. A kind without a provider
 * offers nothing, and the member types the value as usual.
 */
export class Autocomplete {
  private readonly providers = new Map<string, AutocompleteProvider>();

  register(kind: string, provider: AutocompleteProvider): this {
    this.providers.set(kind, provider);
    return this;
  }

  has(kind: string): boolean {
    return this.providers.has(kind);
  }

  async suggest(kind: string, query: AutocompleteQuery): Promise<Suggestion[]> {
    const provider = this.providers.get(kind);
    if (!provider) return [];
    const found = await provider(query);
    return found.slice(0, MAX_SUGGESTIONS).map((s) => ({ name: s.name.slice(0, 100), value: s.value.slice(0, 100) }));
  }
}

/** Chapters whose name contains what was typed, those starting with it first. */
const chapters: AutocompleteProvider = async ({ services, typed }) => {
  const needle = typed.trim().toLowerCase();
  const all = await services.chapters.list();
  const matching = all.filter((c) => c.nameKey.includes(needle));
  matching.sort((a, b) => Number(!a.nameKey.startsWith(needle)) - Number(!b.nameKey.startsWith(needle)));
  return matching.map((c) => ({ name: c.city && c.city !== c.name ? `${c.name} (${c.city})` : c.name, value: c.name }));
};

/** The providers of this version; features add theirs here (`workshop`, `topic`). */
export function createAutocomplete(): Autocomplete {
  return new Autocomplete().register('chapter', chapters);
}
