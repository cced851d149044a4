import type { Texts } from './types.js';

/** Texts of the fair sign-up rules: sign-up windows and the no-show policy (issue "Fair sign-ups"). */
export const en = {
  // Sign-up windows
  'opt.workshop.opens': 'When learners may join: YYYY-MM-DD HH:MM in the chapter’s zone (default: now)',
  'opt.workshop.closes': 'When joining and claiming close: YYYY-MM-DD HH:MM (default: at the start)',
  'opt.workshop.coaches_open': 'When coaches may claim: YYYY-MM-DD HH:MM (default: now)',
  'placeholder.datetime': 'YYYY-MM-DD HH:MM',
  'workshop.window.bad_format': '{option}: expected a date and time in the chapter’s zone, for example {example}.',
  'workshop.window.closes_after_start':
    'Sign-ups cannot close after the workshop starts ({closes} is later). Leave closes: out to close at the start.',
  'workshop.window.opens_after_close': '{option}: sign-ups must open before they close ({closes}).',
  'workshop.window.not_yet.learner': 'Sign-ups for workshop #{id} open at {opens}. Join then.',
  'workshop.window.not_yet.coach': 'Coaches can claim a slot at workshop #{id} from {opens}.',
  'workshop.window.closed': 'Sign-ups for workshop #{id} closed at {closed}.',
  'workshop.change.window': 'sign-up times',
  'workshop.field.window': 'Sign-ups',
  'workshop.window.learners': 'Learners join from {opens} until {closes}',
  'workshop.window.coaches': 'Coaches claim from {opens}',
} as const;

export const de: Texts<typeof en> = {
  'opt.workshop.opens': 'Ab wann Lernende sich anmelden können: JJJJ-MM-TT HH:MM in der Zone des Chapters (Standard: jetzt)',
  'opt.workshop.closes': 'Wann die Anmeldung schließt: JJJJ-MM-TT HH:MM (Standard: zum Beginn)',
  'opt.workshop.coaches_open': 'Ab wann Coaches Plätze übernehmen können: JJJJ-MM-TT HH:MM (Standard: jetzt)',
  'placeholder.datetime': 'JJJJ-MM-TT HH:MM',
  'workshop.window.bad_format': '{option}: erwartet werden Datum und Uhrzeit in der Zone des Chapters, zum Beispiel {example}.',
  'workshop.window.closes_after_start':
    'Die Anmeldung kann nicht nach dem Beginn des Workshops schließen ({closes} ist später). Ohne closes: schließt sie zum Beginn.',
  'workshop.window.opens_after_close': '{option}: Die Anmeldung muss öffnen, bevor sie schließt ({closes}).',
  'workshop.window.not_yet.learner': 'Die Anmeldung für Workshop #{id} öffnet am {opens}. Melde dich dann an.',
  'workshop.window.not_yet.coach': 'Coaches können ab {opens} einen Platz bei Workshop #{id} übernehmen.',
  'workshop.window.closed': 'Die Anmeldung für Workshop #{id} ist seit {closed} geschlossen.',
  'workshop.change.window': 'Anmeldezeiten',
  'workshop.field.window': 'Anmeldung',
  'workshop.window.learners': 'Lernende melden sich von {opens} bis {closes} an',
  'workshop.window.coaches': 'Coaches übernehmen Plätze ab {opens}',
};
