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
  // No-shows
  'workshop.join.held':
    'You are on the waitlist of workshop #{id} (place {position}) because of a no-show cool-down, which ends {until}. Until then your sign-ups in {chapter} wait; after it you move up like everyone else.',
  'opt.chapter.no_show_limit': 'No-shows within the window that lead to a cool-down (default 3)',
  'opt.chapter.no_show_window_days': 'Days a no-show counts before it expires (default 180)',
  'opt.chapter.no_show_cooldown_days': 'Days a cool-down lasts: sign-ups go to the waitlist (default 30)',
  'chapter.set.no_shows':
    '{name}: {limit, plural, one {one no-show} other {# no-shows}} within {window, plural, one {a day} other {# days}} {limit, plural, one {leads} other {lead}} to a {cooldown}-day cool-down.',
  'cmd.workshop.noshow': 'Clear a member’s no-show record with a reason (moderators)',
  'opt.noshow.action': 'What to do with the record',
  'opt.noshow.member': 'The member whose record it is',
  'opt.noshow.workshop': 'The workshop of the record',
  'opt.noshow.reason': 'Why it is cleared (the member sees it)',
  'noshow.clear.member_missing': 'Name the member whose record to clear, e.g. {example}',
  'noshow.clear.none': 'That member has no no-show record at workshop #{id}.',
  'noshow.clear.already': 'That no-show record at workshop #{id} was cleared already.',
  'noshow.cleared': 'The no-show record at workshop #{id} is cleared. It no longer counts toward a cool-down.',
  'progress.no_shows': 'No-shows (only you see these)',
  'progress.no_show.line': '#{id} {title}, expires {expires}',
  'progress.no_show.cleared': '#{id} {title}: cleared ({reason})',
  'progress.cool_down': 'Cool-down in {chapter} until {until}: your sign-ups there go to the waitlist until then.',
  'privacy.delete.no_show_cooldown':
    'A no-show cool-down is in force until {until}; erasing your records would lift it, so your data can be erased once it ends. /privacy export works now.',
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
  // No-shows
  'workshop.join.held':
    'Du stehst auf der Warteliste von Workshop #{id} (Platz {position}), weil eine Sperrfrist wegen Nichterscheinens läuft; sie endet {until}. Bis dahin warten deine Anmeldungen in {chapter}; danach rückst du wie alle anderen nach.',
  'opt.chapter.no_show_limit': 'Wie oft Nichterscheinen im Zeitraum zu einer Sperrfrist führt (Standard 3)',
  'opt.chapter.no_show_window_days': 'Tage, die ein Nichterscheinen zählt, bevor es verfällt (Standard 180)',
  'opt.chapter.no_show_cooldown_days': 'Tage einer Sperrfrist: Anmeldungen kommen auf die Warteliste (Standard 30)',
  'chapter.set.no_shows':
    '{name}: {limit, plural, one {Einmal Nichterscheinen} other {# Mal Nichterscheinen}} in {window, plural, one {einem Tag} other {# Tagen}} führt zu einer Sperrfrist von {cooldown, plural, one {einem Tag} other {# Tagen}}.',
  'cmd.workshop.noshow': 'Einen Eintrag wegen Nichterscheinens mit Begründung löschen (Moderation)',
  'opt.noshow.action': 'Was mit dem Eintrag geschehen soll',
  'opt.noshow.member': 'Das Mitglied, um dessen Eintrag es geht',
  'opt.noshow.workshop': 'Der Workshop des Eintrags',
  'opt.noshow.reason': 'Warum er gelöscht wird (das Mitglied sieht es)',
  'noshow.clear.member_missing': 'Nenne das Mitglied, dessen Eintrag gelöscht werden soll, z. B. {example}',
  'noshow.clear.none': 'Dieses Mitglied hat bei Workshop #{id} keinen Eintrag wegen Nichterscheinens.',
  'noshow.clear.already': 'Dieser Eintrag bei Workshop #{id} wurde schon gelöscht.',
  'noshow.cleared': 'Der Eintrag wegen Nichterscheinens bei Workshop #{id} ist gelöscht und zählt nicht mehr für eine Sperrfrist.',
  'progress.no_shows': 'Nichterscheinen (nur du siehst das)',
  'progress.no_show.line': '#{id} {title}, verfällt am {expires}',
  'progress.no_show.cleared': '#{id} {title}: gelöscht ({reason})',
  'progress.cool_down': 'Sperrfrist in {chapter} bis {until}: Deine Anmeldungen dort kommen bis dahin auf die Warteliste.',
  'privacy.delete.no_show_cooldown':
    'Eine Sperrfrist wegen Nichterscheinens gilt bis {until}; würden deine Einträge gelöscht, fiele sie weg. Deine Daten können gelöscht werden, sobald sie endet. /privacy export geht schon jetzt.',
};
