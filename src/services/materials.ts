import { type EntityManager, In } from 'typeorm';
import spdxLicenses from 'spdx-license-list';
import { Material, type MaterialLevel } from '../../entities/Material.js';
import { MaterialTranslation } from '../../entities/MaterialTranslation.js';
import { WorkshopMaterial } from '../../entities/WorkshopMaterial.js';
import type { Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Store } from '../db/store.js';
import type { MemberService } from './members.js';
import type { Person } from '../core/types.js';

export const DEFAULT_LICENSE = 'CC-BY-SA-4.0';

/**
 * The licenses the directory accepts, from the SPDX license list (the spdx-license-list
 * package, kept up to date with SPDX; an upgrade brings new ids): every OSI-approved license,
 * and the Creative Commons licenses that allow sharing and adapting for any purpose, BY, BY-SA
 * (any version, ports such as CC-BY-3.0-DE included) and CC0. NC (non-commercial) and ND (no
 * derivatives) licenses are refused: the community shares its materials so that anyone may
 * copy, translate and teach them, and chapters and partners teach at events that are not all
 * non-commercial. Every accepted id is at most 31 characters, within the `license` column (32).
 */
const OPEN_CREATIVE_COMMONS = /^(?:CC-BY-(?:SA-)?\d|CC0-)/;
const RESTRICTED_CREATIVE_COMMONS = /^CC-BY-(NC-ND|NC-SA|NC|ND)-/;

/** Every SPDX id, lower-cased, to the SPDX id as listed. */
const SPDX_IDS = new Map(Object.keys(spdxLicenses).map((id) => [id.toLowerCase(), id]));

/** The accepted SPDX ids, in the list's order. */
export const OPEN_LICENSES: readonly string[] = Object.entries(spdxLicenses)
  .filter(([id, l]) => l.osiApproved || OPEN_CREATIVE_COMMONS.test(id))
  .map(([id]) => id);
const OPEN = new Set(OPEN_LICENSES);

/** Suggested in refusals: the default first, then the commonest open licenses. */
export const SUGGESTED_LICENSES = [DEFAULT_LICENSE, 'CC-BY-4.0', 'CC0-1.0', 'MIT', 'Apache-2.0', 'GPL-3.0-or-later'] as const;

/** What the directory makes of a typed license. */
export type LicenseVerdict =
  | { readonly open: true; readonly id: string }
  | { readonly open: false; readonly id: string | undefined; readonly reason: 'nc' | 'nd' | 'nc_nd' | 'closed' | 'unknown' };

/**
 * A typed license checked against the SPDX list: case and spaces do not matter (`cc by-sa 4.0`
 * is CC-BY-SA-4.0), and the deprecated GNU ids name their current form (`GPL-3.0` is
 * GPL-3.0-only, `GPL-2.0+` GPL-2.0-or-later), so the directory stores one id per license.
 */
export function checkLicense(raw: string): LicenseVerdict {
  const typed = raw
    .trim()
    .replace(/[\s_]+/g, '-')
    .toLowerCase();
  const plus = typed.endsWith('+');
  const base = plus ? typed.slice(0, -1) : typed;
  const id = SPDX_IDS.get(`${base}-${plus ? 'or-later' : 'only'}`) ?? SPDX_IDS.get(typed);
  if (!id) return { open: false, id: undefined, reason: 'unknown' };
  if (OPEN.has(id)) return { open: true, id };
  const restricted = RESTRICTED_CREATIVE_COMMONS.exec(id)?.[1];
  const reason = restricted === 'NC-ND' ? 'nc_nd' : restricted === 'ND' ? 'nd' : restricted ? 'nc' : 'closed';
  return { open: false, id, reason };
}

/** The SPDX id as listed, whatever the case typed; undefined for a closed or unknown license. */
export function openLicense(raw: string): string | undefined {
  const verdict = checkLicense(raw);
  return verdict.open ? verdict.id : undefined;
}

/**
 * An http(s) URL in its canonical form, the one the directory stores, so the unique keys on the
 * stored URL hold one row per link: https (http is the same page, and learners get the secure
 * link; with an explicit port the scheme stays as typed, since the port names another service),
 * host lower-cased without a trailing dot, no fragment, no empty query, no trailing slash after
 * a path. `http://X.org./a/?#top` and `https://x.org/a` are one link. Anything else is refused.
 */
export function materialUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UserError('materials.url.invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError('materials.url.scheme');
  if (url.username || url.password) throw new UserError('materials.url.invalid');
  if (!url.port) url.protocol = 'https:';
  const host = url.hostname.replace(/\.+$/, '');
  if (!host) throw new UserError('materials.url.invalid');
  url.hostname = host;
  url.hash = '';
  if (!url.search) url.search = '';
  if (url.pathname.length > 1) url.pathname = url.pathname.replace(/\/+$/, '') || '/';
  const href = url.toString();
  if (href.length > 500) throw new UserError('materials.url.long');
  return href;
}

/**
 * The forms in which a canonical URL may have been stored before the form was canonical (rows
 * are never rewritten): http or https, with or without a trailing dot on the host, a trailing
 * slash and an empty query. The duplicate check looks for all of them.
 */
export function storedForms(canonical: string): string[] {
  const url = new URL(canonical);
  const hosts = [url.host, url.port ? `${url.hostname}.:${url.port}` : `${url.hostname}.`];
  const schemes = url.port ? [url.protocol] : ['https:', 'http:'];
  const paths = url.pathname === '/' ? ['/'] : [url.pathname, `${url.pathname}/`];
  const queries = url.search ? [url.search] : ['', '?'];
  return schemes.flatMap((scheme) =>
    hosts.flatMap((host) => paths.flatMap((path) => queries.map((query) => `${scheme}//${host}${path}${query}`))),
  );
}

/** `pt_BR` → `pt-br`; two or three letters, optionally a region or script. */
export function languageCode(raw: string): string {
  const code = raw.trim().replace(/_/g, '-').toLowerCase();
  if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(code)) throw new UserError('materials.language.invalid', { language: raw.trim().slice(0, 20) });
  return code;
}

export interface MaterialInput {
  readonly title: string;
  readonly url: string;
  readonly topic: string;
  readonly language: string;
  readonly level?: MaterialLevel;
  readonly license?: string;
  readonly description?: string;
}

export interface SearchFilter {
  readonly topic?: string;
  readonly language?: string;
  readonly level?: MaterialLevel;
  readonly text?: string;
  /** 1-based. */
  readonly page?: number;
  readonly pageSize?: number;
}

export interface SearchResult {
  readonly materials: Material[];
  readonly total: number;
  readonly page: number;
  readonly pages: number;
}

const words = (s: string) =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}+#]+/u)
    .filter((w) => w.length > 1);

/** A material with the words search ranks it by, computed once per load. */
interface Indexed {
  readonly m: Material;
  readonly title: string[];
  readonly topic: string[];
  readonly description: string[];
}
const indexed = (m: Material): Indexed => ({ m, title: words(m.title), topic: words(m.topic), description: words(m.description ?? '') });

/**
 * How long the public page's copy of the directory is used before it is read again. A change
 * made through this process empties it at once; this bounds how long a change made by another
 * process (or by hand in the database) takes to show.
 */
export const DIRECTORY_CACHE_MS = 30_000;
/** Ranked result lists kept for the public page, by filter (the least recently used go first). */
const CACHED_SEARCHES = 200;

/** The materials in search order: the language filter (the material's or a translation's), then ranked by the words asked for. */
function rank(found: readonly Indexed[], filter: Pick<SearchFilter, 'text'> & { language: string | undefined }): Material[] {
  const { language } = filter;
  const matches = (l: string) => l === language || l.startsWith(`${language}-`);
  const candidates = language
    ? found.filter(({ m }) => matches(m.language) || (m.translations ?? []).some((t) => matches(t.language)))
    : found;
  const wanted = words(filter.text ?? '');
  if (!wanted.length) return candidates.map((e) => e.m);
  return candidates
    .map((e) => ({
      m: e.m,
      score: wanted.reduce(
        (s, w) =>
          s +
          (e.title.some((x) => x.startsWith(w)) ? 3 : 0) +
          (e.topic.some((x) => x.startsWith(w)) ? 2 : 0) +
          (e.description.some((x) => x.startsWith(w)) ? 1 : 0),
        0,
      ),
    }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || b.m.id - a.m.id)
    .map((r) => r.m);
}

/**
 * The learning materials directory: open-licensed teaching material with its translations,
 * and the materials each workshop uses. A URL appears once in the directory (as a material or
 * a translation); the unique keys hold that even when two members add it at once.
 */
export class MaterialService {
  /** The whole directory as search needs it, for the public page (see `search(…, { cached })`). */
  private directory: { readonly at: number; readonly entries: Promise<Indexed[]> } | undefined;
  /** Ranked results of the public page's searches, by filter, from the directory above. */
  private readonly ranked = new Map<string, { readonly at: number; readonly materials: Material[] }>();
  /** Counts changes made here: a copy read before a change is not kept after it. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly members: MemberService,
  ) {}

  /** Forgets the public page's copies; called after every change to the directory made here. */
  private changed(): void {
    this.generation++;
    this.directory = undefined;
    this.ranked.clear();
  }

  /** Adds a material; `chapterId`: the chapter bound where it was added, whose moderators may remove it. */
  async add(actor: Person, input: MaterialInput, locale?: string, chapterId: number | null = null): Promise<Material> {
    const url = materialUrl(input.url);
    const verdict = checkLicense(input.license ?? DEFAULT_LICENSE);
    if (!verdict.open) {
      const license = verdict.id ?? (input.license ?? '').trim().slice(0, 40);
      throw new UserError(`materials.license.${verdict.reason}`, { license, licenses: SUGGESTED_LICENSES.join(', ') });
    }
    const license = verdict.id;
    const language = languageCode(input.language);
    await this.refuseTaken(url);
    const member = await this.members.ensure(actor, locale);
    try {
      const saved = await this.store.transaction(async (em) => {
        await this.refuseTaken(url, em);
        return em.save(
          em.create(Material, {
            title: input.title.trim().replace(/\s+/g, ' '),
            url,
            topic: input.topic.trim(),
            language,
            level: input.level ?? null,
            license,
            description: input.description?.trim() || null,
            addedById: member.id,
            chapterId,
            createdAt: this.clock.now(),
          }),
        );
      });
      this.changed();
      return saved;
    } catch (err) {
      if (isUniqueViolation(err)) await this.refuseTaken(url);
      throw err;
    }
  }

  /** Links a translation; one per language and material, and its URL must be new to the directory. */
  async translate(id: number, rawLanguage: string, rawUrl: string): Promise<MaterialTranslation> {
    const material = await this.get(id);
    const url = materialUrl(rawUrl);
    const language = languageCode(rawLanguage);
    if (language === material.language) throw new UserError('materials.translate.same', { id, language });
    await this.refuseTaken(url);
    try {
      const saved = await this.store.transaction((em) =>
        em.save(em.create(MaterialTranslation, { materialId: id, language, url, createdAt: this.clock.now() })),
      );
      this.changed();
      return saved;
    } catch (err) {
      if (isUniqueViolation(err)) {
        await this.refuseTaken(url);
        throw new UserError('materials.translate.exists', { id, language });
      }
      throw err;
    }
  }

  async get(id: number): Promise<Material> {
    const m = await this.store.manager
      .getRepository(Material)
      .findOne({ where: { id }, relations: { translations: true }, order: { translations: { language: 'ASC' } } });
    if (!m) throw new UserError('materials.not_found', { id });
    return m;
  }

  async remove(id: number): Promise<Material> {
    const m = await this.get(id);
    await this.store.transaction((em) => em.delete(Material, { id }));
    this.changed();
    return m;
  }

  /**
   * Ranked search: filters narrow (a language matches the material's or a translation's),
   * words rank (title counts most, then topic, then description); newest first among equals.
   *
   * `cached` (the public page, which anyone may request as often as they like): the directory is
   * read and its words computed once, and each filter's ranking kept, until a change here or
   * DIRECTORY_CACHE_MS; a request then costs a lookup and a page slice, not a scan and a scoring of
   * the whole directory. Commands read afresh (they are rate-limited per member).
   */
  async search(filter: SearchFilter, options: { cached?: boolean } = {}): Promise<SearchResult> {
    const language = filter.language?.trim() ? languageCode(filter.language) : undefined;
    const ranked = options.cached ? await this.rankedCached(filter, language) : rank(await this.load(filter), { ...filter, language });
    const pageSize = filter.pageSize ?? 10;
    const pages = Math.max(1, Math.ceil(ranked.length / pageSize));
    const page = Math.min(Math.max(1, filter.page ?? 1), pages);
    return { materials: ranked.slice((page - 1) * pageSize, page * pageSize), total: ranked.length, page, pages };
  }

  /** The materials matching the filter's topic and level, newest first, with their translations. */
  private async load(filter: Pick<SearchFilter, 'topic' | 'level'> = {}): Promise<Indexed[]> {
    const qb = this.store.manager.getRepository(Material).createQueryBuilder('m').leftJoinAndSelect('m.translations', 't');
    if (filter.topic?.trim()) qb.andWhere('LOWER(m.topic) = :topic', { topic: filter.topic.trim().toLowerCase() });
    if (filter.level) qb.andWhere('m.level = :level', { level: filter.level });
    return (await qb.orderBy('m.id', 'DESC').addOrderBy('t.language', 'ASC').getMany()).map(indexed);
  }

  private async rankedCached(filter: SearchFilter, language: string | undefined): Promise<Material[]> {
    const now = this.clock.now().getTime();
    const fresh = (at: number) => now - at < DIRECTORY_CACHE_MS && now >= at;
    const key = JSON.stringify([filter.topic?.trim().toLowerCase() ?? '', language ?? '', filter.level ?? '', words(filter.text ?? '')]);
    const hit = this.ranked.get(key);
    if (hit && fresh(hit.at)) {
      this.ranked.delete(key);
      this.ranked.set(key, hit); // most recently used last
      return hit.materials;
    }
    const generation = this.generation;
    if (!this.directory || !fresh(this.directory.at)) {
      const entries = this.load();
      this.directory = { at: now, entries };
      entries.catch(() => this.directory?.entries === entries && (this.directory = undefined));
    }
    const { at, entries } = this.directory;
    const topic = filter.topic?.trim().toLowerCase();
    const materials = rank(
      (await entries).filter((e) => (!topic || e.m.topic.toLowerCase() === topic) && (!filter.level || e.m.level === filter.level)),
      { ...filter, language },
    );
    // Kept only if nothing changed meanwhile, and as old as the copy it came from.
    if (generation === this.generation) {
      this.ranked.delete(key);
      this.ranked.set(key, { at, materials });
      if (this.ranked.size > CACHED_SEARCHES) this.ranked.delete(this.ranked.keys().next().value!);
    }
    return materials;
  }

  /** Adds a material to a workshop; adding it twice is a UserError. */
  async attach(workshopId: number, materialId: number): Promise<Material> {
    const m = await this.get(materialId);
    try {
      await this.store.transaction((em) => em.insert(WorkshopMaterial, { workshopId, materialId }));
    } catch (err) {
      if (isUniqueViolation(err)) throw new UserError('materials.workshop.already', { id: materialId, workshop: workshopId });
      throw err;
    }
    return m;
  }

  async detach(workshopId: number, materialId: number): Promise<void> {
    const { affected } = await this.store.transaction((em) => em.delete(WorkshopMaterial, { workshopId, materialId }));
    if (!affected) throw new UserError('materials.workshop.absent', { id: materialId, workshop: workshopId });
  }

  /** The materials of each workshop, in the order they were added. */
  async ofWorkshops(workshopIds: readonly number[]): Promise<Map<number, Material[]>> {
    const out = new Map<number, Material[]>(workshopIds.map((id) => [id, []]));
    if (!workshopIds.length) return out;
    const rows = await this.store.manager
      .getRepository(WorkshopMaterial)
      .find({ where: { workshopId: In([...workshopIds]) }, relations: { material: true }, order: { id: 'ASC' } });
    for (const r of rows) out.get(r.workshopId)!.push(r.material!);
    return out;
  }

  /** Refuses a URL already in the directory, in any of the forms it may be stored in, pointing to the entry that has it. */
  private async refuseTaken(url: string, em: EntityManager = this.store.manager): Promise<void> {
    const forms = In(storedForms(url));
    const material = await em.findOne(Material, { where: { url: forms }, order: { id: 'ASC' } });
    if (material) throw new UserError('materials.url.taken', { id: material.id, title: material.title });
    const translation = await em.findOne(MaterialTranslation, { where: { url: forms }, order: { id: 'ASC' } });
    if (translation) throw new UserError('materials.url.taken_translation', { id: translation.materialId, language: translation.language });
  }
}
