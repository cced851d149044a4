import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Chapter } from '../../entities/Chapter.js';
import type { Workshop } from '../../entities/Workshop.js';
import { safeError, UserError } from '../core/errors.js';
import { type Translate, translator } from '../core/i18n.js';
import type { Services } from '../services/index.js';
import type { PastWorkshop } from '../services/workshops/record.js';
import { coverageChart } from './chart.js';
import { type Html, html, safeHref } from './html.js';
import { zoneAbbreviation } from '../core/zones.js';

type Locale = 'en' | 'de';

/** `de-DE,de;q=0.9,en;q=0.8` → `de`: the best of en and de by quality, English when neither is asked for. */
export function localeFrom(header: string | undefined): Locale {
  const ranked = (header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(
        params
          .find((x) => x.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? '1',
      );
      return { lang: tag.trim().toLowerCase().split('-')[0], q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((x) => (x.lang === 'en' || x.lang === 'de') && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked[0]?.lang as Locale | undefined) ?? 'en';
}

interface Page {
  readonly status: number;
  readonly title: string;
  readonly body: Html;
}

class NotFound extends Error {}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}
header,main,footer{max-width:54rem;margin:0 auto;padding:0 1rem}header nav a{margin-right:1rem}
a{color:#0b4f9c}a:focus{outline:3px solid #f0a500}article{background:#fff;border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
form label{margin-right:.5rem}input{font:inherit;padding:2px 4px}.meta{color:#444}
figure.note{margin:.5rem 0;padding:0 .75rem;border-left:3px solid #ccc}figure.note blockquote{margin:0}figure.note figcaption{color:#444;margin-bottom:.5rem}`;

function layout(t: Translate, locale: Locale, community: string, page: Page): string {
  return `<!doctype html>\n${
    html`<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${community}</title><style>${STYLE}</style></head>
<body><a class="skip" href="#main">${t('web.skip')}</a>
<header><p><strong>${t('web.title', { community })}</strong></p><nav aria-label="${community}"><a href="/">${t('web.nav.chapters')}</a><a href="/materials">${t('web.nav.materials')}</a></nav></header>
<main id="main">${page.body}</main></body></html>`.value
  }\n`;
}

const chapterPath = (c: Chapter) => `/chapters/${encodeURIComponent(c.name)}`;

/** How many past workshops the chapter page shows, and report.json holds (newest first). */
export const PAST_ON_PAGE = 20;
export const PAST_IN_REPORT = 200;

/**
 * `/chapters/<name>/report.json`: the chapter's public record as open data. The field names are
 * a contract (README, "Public page"): add fields, never rename or drop them.
 */
export function recordJson(chapter: Chapter, publicMin: number, past: readonly PastWorkshop[]) {
  const href = (url: string) => (safeHref(url) === '#' ? null : safeHref(url));
  return {
    chapter: { name: chapter.name, city: chapter.city, timeZone: chapter.timeZone, page: chapterPath(chapter) },
    feedbackPublicMin: publicMin,
    workshops: past.map((w) => ({
      id: w.id,
      title: w.title,
      topic: w.topic,
      startsAt: w.startsAt.toISOString(),
      endsAt: w.endsAt.toISOString(),
      taught: w.taught,
      materials: w.materials.map((m) => ({ id: m.id, title: m.title, url: href(m.url), language: m.language, license: m.license })),
      came: { learners: w.learners, coaches: w.coaches },
      ratings: w.ratings,
      ratingsPending: w.ratingsPending,
      notes: w.notes.map((n) => ({ coach: n.coach, taught: n.taught, went: n.went, change: n.change })),
    })),
  };
}

/**
 * The public, read-only web pages: chapters, their upcoming workshops with a coverage chart and a
 * calendar feed, their past workshops (the public record, also as report.json), the materials directory.
 */
export class PublicSite {
  constructor(private readonly services: Services) {}

  async handle(req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
    const locale = localeFrom(req.headers['accept-language']);
    const t = translator(locale);
    const community = this.services.config.communityName;
    const send = (status: number, type: string, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, {
        'content-type': type,
        'content-language': locale,
        vary: 'Accept-Language',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'content-security-policy':
          "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ...extra,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const page = (p: Page) => send(p.status, 'text/html; charset=utf-8', layout(t, locale, community, p));
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', { allow: 'GET, HEAD' });
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const parts = url.pathname
        .split('/')
        .filter(Boolean)
        .map((s) => decodeURIComponent(s));
      if (parts.length === 0) return page(await this.chapters(t));
      if (parts[0] === 'materials' && parts.length === 1) return page(await this.materials(t, url.searchParams));
      if (parts[0] === 'chapters' && parts.length === 2) return page(await this.chapter(t, locale, parts[1]!));
      if (parts[0] === 'chapters' && parts.length === 3 && parts[2] === 'calendar.ics') {
        const chapter = await this.chapterNamed(parts[1]!);
        const workshops = await this.services.workshops.list({ chapterId: chapter.id, when: 'upcoming', limit: 200 });
        const ics = this.services.workshops.calendar(workshops, `${community} ${chapter.name}`);
        return send(200, 'text/calendar; charset=utf-8', ics, {
          'content-disposition': `inline; filename="${chapter.nameKey.replace(/[^a-z0-9]+/g, '-')}.ics"`,
        });
      }
      if (parts[0] === 'chapters' && parts.length === 3 && parts[2] === 'report.json') {
        const chapter = await this.chapterNamed(parts[1]!);
        const past = await this.services.record.pastWorkshops(chapter.id, { limit: PAST_IN_REPORT });
        const json = JSON.stringify(recordJson(chapter, this.services.record.publicMin, past), null, 2);
        // Open data: any site may read it (it holds nothing that is not on the page, and no credentials are involved).
        return send(200, 'application/json; charset=utf-8', `${json}\n`, { 'access-control-allow-origin': '*' });
      }
      throw new NotFound();
    } catch (err) {
      if (err instanceof NotFound || err instanceof URIError) {
        return page({
          status: 404,
          title: t('web.notfound.title'),
          body: html`<h1>${t('web.notfound.title')}</h1><p>${t('web.notfound.text')} <a href="/">${t('web.nav.chapters')}</a></p>`,
        });
      }
      log.error({ err: safeError(err), path: req.url?.split('?')[0] }, 'a public page failed');
      return page({ status: 500, title: 'Error', body: html`<h1>Error</h1><p>${t('web.error.text')}</p>` });
    }
  }

  private async chapterNamed(name: string): Promise<Chapter> {
    try {
      return await this.services.chapters.get(name);
    } catch (err) {
      if (err instanceof UserError && err.key === 'chapter.not_found') throw new NotFound();
      throw err;
    }
  }

  private async chapters(t: Translate): Promise<Page> {
    const chapters = await this.services.chapters.list();
    const items = [];
    for (const c of chapters) {
      const upcoming = (await this.services.workshops.list({ chapterId: c.id, when: 'upcoming', limit: 200 })).filter(
        (w) => w.status === 'scheduled',
      ).length;
      items.push(
        html`<li><a href="${chapterPath(c)}">${c.name}</a>${c.city ? html` (${c.city})` : ''} — ${t('web.chapters.upcoming', { n: upcoming })}</li>`,
      );
    }
    return {
      status: 200,
      title: t('web.chapters.title'),
      body: html`<h1>${t('web.chapters.title')}</h1><p>${t('web.chapters.intro')}</p>${items.length ? html`<ul>${items}</ul>` : html`<p>${t('web.chapters.none')}</p>`}`,
    };
  }

  private async chapter(t: Translate, locale: Locale, name: string): Promise<Page> {
    const chapter = await this.chapterNamed(name);
    const workshops = (await this.services.workshops.list({ chapterId: chapter.id, when: 'upcoming', limit: 50 })).filter(
      (w) => w.status === 'scheduled',
    );
    const ids = workshops.map((w) => w.id);
    const [materials, coaches, platforms, past] = await Promise.all([
      this.services.materials.ofWorkshops(ids),
      this.services.coaches.publicNames(ids),
      this.services.chapters.platforms(chapter),
      this.services.record.pastWorkshops(chapter.id, { limit: PAST_ON_PAGE }),
    ]);
    const when = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
      timeZone: chapter.timeZone,
      dateStyle: 'full',
      timeStyle: 'short',
    });
    const until = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', { timeZone: chapter.timeZone, timeStyle: 'short' });
    // The page names the IANA zone already, so the abbreviation (or offset) in the reader's language is enough.
    const zoneName = zoneAbbreviation(workshops[0]?.startsAt ?? this.services.clock.now(), chapter.timeZone, locale);
    const article = (w: Workshop) => {
      const mats = materials.get(w.id) ?? [];
      const names = coaches.get(w.id) ?? [];
      return html`<article id="workshop-${w.id}" aria-labelledby="w${w.id}"><h3 id="w${w.id}">#${w.id} ${w.title}</h3><dl>
<dt>${t('web.workshop.when')}</dt><dd><time datetime="${w.startsAt.toISOString()}">${when.format(w.startsAt)}</time> – <time datetime="${w.endsAt.toISOString()}">${until.format(w.endsAt)}</time></dd>
<dt>${t('web.workshop.topic')}</dt><dd>${w.topic}</dd>
<dt>${t('web.workshop.coaches')}</dt><dd>${t('web.workshop.coaches_value', { claimed: w.coachesClaimed, slots: w.coachSlots })}</dd>
<dt>${t('web.workshop.seats')}</dt><dd>${t('web.workshop.seats_value', { left: Math.max(0, w.learnerCapacity - w.learnersConfirmed), capacity: w.learnerCapacity })}</dd>
${w.location ? html`<dt>${t('web.workshop.location')}</dt><dd>${w.location}</dd>` : ''}
${names.length ? html`<dt>${t('web.workshop.coached_by')}</dt><dd>${names.join(', ')}</dd>` : ''}
${mats.length ? html`<dt>${t('web.workshop.materials')}</dt><dd><ul>${mats.map((m) => html`<li><a href="${safeHref(m.url)}">${m.title}</a> <span class="meta">(${m.license})</span></li>`)}</ul></dd>` : ''}
</dl>${w.description ? html`<p>${w.description}</p>` : ''}<p>${t('web.chapter.join', { id: w.id })}</p></article>`;
    };
    const mean = new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const publicMin = this.services.record.publicMin;
    // Counts and ratings only: no learner is named, and the learners' free texts never reach the record.
    const pastArticle = (w: PastWorkshop) => {
      const r = w.ratings;
      return html`<article id="workshop-${w.id}" aria-labelledby="w${w.id}"><h3 id="w${w.id}">#${w.id} ${w.title}</h3><dl>
<dt>${t('web.workshop.when')}</dt><dd><time datetime="${w.startsAt.toISOString()}">${when.format(w.startsAt)}</time> – <time datetime="${w.endsAt.toISOString()}">${until.format(w.endsAt)}</time></dd>
<dt>${t('web.workshop.topic')}</dt><dd>${w.topic}</dd>
${w.taught.length ? html`<dt>${t('web.past.taught')}</dt><dd>${w.taught.join(', ')}</dd>` : ''}
${w.materials.length ? html`<dt>${t('web.workshop.materials')}</dt><dd><ul>${w.materials.map((m) => html`<li><a href="${safeHref(m.url)}" hreflang="${m.language}">${m.title}</a> <span class="meta">(${m.license})</span></li>`)}</ul></dd>` : ''}
<dt>${t('web.past.learners')}</dt><dd>${w.learners}</dd>
<dt>${t('web.past.coaches')}</dt><dd>${w.coaches}</dd>
${
  r
    ? html`<dt>${t('web.past.answers')}</dt><dd>${r.responses}</dd>
<dt>${t('web.past.pace')}</dt><dd>${t('web.past.pace_value', r.pace)}</dd>
<dt>${t('web.past.learned')}</dt><dd>${r.learned.mean === null ? '—' : t('web.past.mean', { mean: mean.format(r.learned.mean) })}</dd>
<dt>${t('web.past.coach_support')}</dt><dd>${r.coachSupport.mean === null ? '—' : t('web.past.mean', { mean: mean.format(r.coachSupport.mean) })}</dd>
<dt>${t('web.past.again')}</dt><dd>${t('web.past.again_value', r.again)}</dd>`
    : html`<dt>${t('web.past.feedback')}</dt><dd>${w.ratingsPending ? t('web.past.pending') : t('web.past.too_few', { min: publicMin })}</dd>`
}
</dl>${
        w.notes.length
          ? html`<h4>${t('web.past.notes')}</h4>${w.notes.map(
              (n) =>
                html`<figure class="note"><blockquote>${n.taught.length ? html`<p><strong>${t('web.past.note.taught')}</strong> ${n.taught.join(', ')}</p>` : ''}${n.went ? html`<p><strong>${t('web.past.note.went')}</strong> ${n.went}</p>` : ''}${n.change ? html`<p><strong>${t('web.past.note.change')}</strong> ${n.change}</p>` : ''}</blockquote><figcaption>${n.coach ? t('web.past.note.by', { name: n.coach }) : t('web.past.note.anonymous')}</figcaption></figure>`,
            )}`
          : ''
      }</article>`;
    };
    const calendar = `${chapterPath(chapter)}/calendar.ics`;
    return {
      status: 200,
      title: chapter.name,
      body: html`<h1>${t('web.chapter.title', { name: chapter.name })}</h1>
<p>${t('web.chapter.zone', { city: chapter.city ?? chapter.name, zone: `${chapter.timeZone}${zoneName ? `, ${zoneName}` : ''}` })}</p>
<p><a href="${calendar}" type="text/calendar">${t('web.chapter.calendar')}</a></p>
${platforms.length ? html`<p>${t('web.chapter.where')} ${this.where(platforms)}.</p>` : ''}
${
  workshops.length
    ? html`<section aria-labelledby="chart-heading"><h2 id="chart-heading">${t('web.chart.title')}</h2><figure>${coverageChart(workshops.slice(0, 8), t, (w) => `#${w.id} ${w.title.length > 17 ? `${w.title.slice(0, 16).trimEnd()}…` : w.title}`)}</figure></section>
<section aria-labelledby="list-heading"><h2 id="list-heading">${t('web.chapter.workshops')}</h2>${workshops.map(article)}</section>`
    : html`<p>${t('web.chapter.none')}</p>`
}
${
  past.length
    ? html`<section aria-labelledby="past-heading"><h2 id="past-heading">${t('web.past.title')}</h2><p>${t('web.past.intro', { min: publicMin })}</p>
<p><a href="${chapterPath(chapter)}/report.json" type="application/json">${t('web.past.open_data')}</a></p>${past.map(pastArticle)}</section>`
    : ''
}`,
    };
  }

  /** "Discord, Slack": each a link to where newcomers join when the operator set one (DISCORD_INVITE_URL, SLACK_JOIN_URL). */
  private where(platforms: readonly string[]): Html[] {
    const { invites } = this.services.config;
    return platforms.map((platform, i) => {
      const [name, url] =
        platform === 'discord' ? ['Discord', invites.discord] : platform === 'slack' ? ['Slack', invites.slack] : [platform];
      return html`${i ? ', ' : ''}${url ? html`<a href="${safeHref(url)}">${name}</a>` : name}`;
    });
  }

  private async materials(t: Translate, q: URLSearchParams): Promise<Page> {
    const topic = q.get('topic')?.slice(0, 64) ?? '';
    const language = q.get('language')?.slice(0, 16) ?? '';
    const text = q.get('text')?.slice(0, 100) ?? '';
    const pageNo = Math.max(1, Math.min(1000, Number.parseInt(q.get('page') ?? '1', 10) || 1));
    let found;
    try {
      found = await this.services.materials.search({ topic, language, text, page: pageNo, pageSize: 20 }, { cached: true });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      found = { materials: [], total: 0, page: 1, pages: 1 }; // a language that is no code matches nothing
    }
    const link = (page: number) =>
      `/materials?${new URLSearchParams({ ...(topic && { topic }), ...(language && { language }), ...(text && { text }), page: String(page) }).toString()}`;
    const field = (name: string, label: string, value: string) =>
      html`<label for="f-${name}">${label}</label> <input id="f-${name}" name="${name}" value="${value}"> `;
    return {
      status: 200,
      title: t('web.materials.title'),
      body: html`<h1>${t('web.materials.title')}</h1><p>${t('web.materials.intro')}</p>
<form method="get" action="/materials" role="search"><fieldset><legend>${t('web.materials.filter')}</legend>${field('topic', t('web.materials.topic'), topic)}${field('language', t('web.materials.language'), language)}${field('text', t('web.materials.text'), text)}<button type="submit">${t('web.materials.search')}</button></fieldset></form>
${
  found.total
    ? html`<p>${t('web.materials.found', { total: found.total, page: found.page, pages: found.pages })}</p><ul class="materials">${found.materials.map(
        (m) =>
          html`<li><a href="${safeHref(m.url)}" hreflang="${m.language}">${m.title}</a> <span class="meta">${t('web.materials.meta', { topic: m.topic, language: m.language, license: m.license })}</span>${m.description ? html`<br>${m.description}` : ''}${
            m.translations?.length
              ? html`<br>${t('web.materials.translations')} ${m.translations.map((tr, i) => html`${i ? ', ' : ''}<a href="${safeHref(tr.url)}" hreflang="${tr.language}">${tr.language}</a>`)}`
              : ''
          }</li>`,
      )}</ul><nav aria-label="${t('web.materials.title')}">${found.page > 1 ? html`<a rel="prev" href="${link(found.page - 1)}">${t('web.materials.prev')}</a> ` : ''}${found.page < found.pages ? html`<a rel="next" href="${link(found.page + 1)}">${t('web.materials.next')}</a>` : ''}</nav>`
    : html`<p>${t('web.materials.none')}</p>`
}`,
    };
  }
}

export interface WebServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** Listens on `port` (0: any free one) and serves the public pages until stopped. */
export async function startWeb(services: Services, options: { port: number; host?: string }, log: Logger): Promise<WebServer> {
  const site = new PublicSite(services);
  const server: Server = createServer((req, res) => {
    void site.handle(req, res, log).catch((err: unknown) => {
      log.error({ err: safeError(err) }, 'a public page failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  log.info({ port }, 'public page listening');
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
