import type { Texts } from './types.js';

/** Texts of `/workshop publish`: a moderator shows or hides a workshop on the chapter's public record (the page's texts are `web.past.*`). */
export const en = {
  'cmd.workshop.publish': 'Show or hide a workshop on the chapter’s public record of past workshops',
  'opt.workshop.visible': 'true: on the public page and in report.json; false: taken off both',
  'workshop.publish.shown': 'Workshop #{id} ({title}) is on the public record of {chapter}.',
  'workshop.publish.shown_later': 'Workshop #{id} ({title}) will be on the public record of {chapter} once it has ended.',
  'workshop.publish.shown_cancelled': 'Workshop #{id} ({title}) was cancelled: cancelled workshops are never on the public record.',
  'workshop.publish.hidden':
    'Workshop #{id} ({title}) is off the public record of {chapter}: the chapter page and report.json leave it out. Its feedback and notes are kept.',
} as const;

export const de: Texts<typeof en> = {
  'cmd.workshop.publish': 'Einen Workshop in der öffentlichen Übersicht vergangener Workshops zeigen oder verbergen',
  'opt.workshop.visible': 'true: auf der öffentlichen Seite und in report.json; false: aus beiden entfernt',
  'workshop.publish.shown': 'Workshop #{id} ({title}) steht in der öffentlichen Übersicht von {chapter}.',
  'workshop.publish.shown_later': 'Workshop #{id} ({title}) erscheint in der öffentlichen Übersicht von {chapter}, sobald er vorbei ist.',
  'workshop.publish.shown_cancelled':
    'Workshop #{id} ({title}) wurde abgesagt: Abgesagte Workshops erscheinen nie in der öffentlichen Übersicht.',
  'workshop.publish.hidden':
    'Workshop #{id} ({title}) ist aus der öffentlichen Übersicht von {chapter} entfernt: Die Chapter-Seite und report.json lassen ihn weg. Feedback und Notizen bleiben gespeichert.',
};
