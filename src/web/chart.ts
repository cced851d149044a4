import type { Workshop } from '../../entities/Workshop.js';
import type { Translate } from '../core/i18n.js';
import { type Html, html } from './html.js';

const ROW = 28;
const LABEL = 150;
const UNIT = 26;

/**
 * Coach coverage of the next workshops as an inline SVG: per workshop, one square per coach
 * slot, filled where claimed, outlined in red where a coach is missing. Readable without
 * colour (the count is written beside each bar) and by screen readers (role="img", a title,
 * a description, and a title per bar).
 */
export function coverageChart(workshops: readonly Workshop[], t: Translate, label: (w: Workshop) => string): Html {
  const maxSlots = Math.max(1, ...workshops.map((w) => w.coachSlots));
  const width = LABEL + Math.min(maxSlots, 20) * UNIT + 70;
  const height = workshops.length * ROW + 36;
  const rows = workshops.map((w, i) => {
    const y = 8 + i * ROW;
    const slots = Math.min(w.coachSlots, 20);
    const squares = Array.from({ length: slots }, (_, s) => {
      const claimed = s < w.coachesClaimed;
      return html`<rect x="${LABEL + s * UNIT}" y="${y}" width="${UNIT - 6}" height="${ROW - 8}" rx="3" class="${claimed ? 'claimed' : 'missing'}"/>`;
    });
    const text = t('web.chart.bar', { id: w.id, claimed: w.coachesClaimed, slots: w.coachSlots });
    return html`<g class="bar" data-workshop="${w.id}"><title>${text}</title><text x="0" y="${y + 15}">${label(w)}</text>${squares}<text x="${LABEL + slots * UNIT + 4}" y="${y + 15}">${w.coachesClaimed}/${w.coachSlots}</text></g>`;
  });
  const legendY = workshops.length * ROW + 22;
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="coverage" role="img" aria-labelledby="chart-title chart-desc" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<title id="chart-title">${t('web.chart.title')}</title><desc id="chart-desc">${t('web.chart.desc')} ${workshops.map((w) => t('web.chart.bar', { id: w.id, claimed: w.coachesClaimed, slots: w.coachSlots })).join('. ')}</desc>
<style>.claimed{fill:#1b6b3a}.missing{fill:#fff;stroke:#b3261e;stroke-width:2;stroke-dasharray:4 2}text{font:13px sans-serif;fill:#1a1a1a}</style>
${rows}
<rect x="0" y="${legendY - 11}" width="14" height="14" class="claimed"/><text x="20" y="${legendY}">${t('web.chart.legend_claimed')}</text>
<rect x="110" y="${legendY - 11}" width="14" height="14" class="missing"/><text x="130" y="${legendY}">${t('web.chart.legend_missing')}</text>
</svg>`;
}
