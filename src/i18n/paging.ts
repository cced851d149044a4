import type { Texts } from './types.js';

/** Texts of paged lists (src/core/paging.ts) and of /help's areas. */
export const en = {
  'opt.page': 'Which page of the list (default 1)',
  'paging.previous': 'Previous',
  'paging.next': 'Next',
  'paging.footer': 'Page {page} of {pages}',
  'paging.footer.type': 'for the next one, add page:{next} to your command',
  'paging.beyond': 'There is no page {page}: there are {pages} pages; try {example}',
  'paging.beyond.one': 'There is no page {page}: everything fits on one page; try {example}',
  'help.area.general': 'General',
  'help.area.questions': 'Questions',
  'help.area.workshops': 'Workshops',
  'help.area.day': 'The workshop day',
  'help.area.coaches': 'Coaches',
  'help.area.partnerships': 'Partnerships',
  'help.area.materials': 'Materials',
  'help.area.chapters': 'Chapters',
  'help.area.privacy': 'Privacy',
  'help.area.moderation': 'Moderation',
} as const;

export const de: Texts<typeof en> = {
  'opt.page': 'Welche Seite der Liste (Standard 1)',
  'paging.previous': 'Zurück',
  'paging.next': 'Weiter',
  'paging.footer': 'Seite {page} von {pages}',
  'paging.footer.type': 'für die nächste häng page:{next} an deinen Befehl an',
  'paging.beyond': 'Eine Seite {page} gibt es nicht: Es gibt {pages} Seiten; versuch es mit {example}',
  'paging.beyond.one': 'Eine Seite {page} gibt es nicht: Alles passt auf eine Seite; versuch es mit {example}',
  'help.area.general': 'Allgemein',
  'help.area.questions': 'Fragen',
  'help.area.workshops': 'Workshops',
  'help.area.day': 'Der Workshop-Tag',
  'help.area.coaches': 'Coaches',
  'help.area.partnerships': 'Partnerschaften',
  'help.area.materials': 'Materialien',
  'help.area.chapters': 'Chapter',
  'help.area.privacy': 'Datenschutz',
  'help.area.moderation': 'Moderation',
};
