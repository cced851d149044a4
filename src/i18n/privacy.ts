import type { Texts } from './types.js';

/** Texts of /privacy: members' data rights. */
export const en = {
  'cmd.privacy': 'Your data: see everything the bot holds about you, or erase it',
  'cmd.privacy.export': 'Everything the bot holds about you, as a JSON file only you see',
  'cmd.privacy.delete': 'Erase your data and unlink your anonymous questions from you',
  'opt.privacy.confirm': 'true to erase now; without it, what would be erased is shown',
  'privacy.export.done': 'Everything the bot holds about you is in the attached file.',
  'privacy.export.note': 'Your anonymous questions are found by your pseudonym; nobody else can run this for you.',
  'privacy.delete.what': 'This erases, for good:',
  'privacy.delete.item.profile':
    'your profile, your coach profile, your attendance and your disclaimers (materials you added stay, without you)',
  'privacy.delete.item.signups': 'your workshop sign-ups (your places go to the next on the waitlist)',
  'privacy.delete.item.questions':
    'the link between you and your anonymous questions and reports (they stay, unlinked; a report you make later is a new one)',
  'privacy.delete.item.metoo': 'your me-toos: each of those questions counts one fewer',
  'privacy.delete.item.names':
    'your name and id where you acted openly (answers, requirement ticks, blocks, decisions, proposals and moderator actions keep the action, not you)',
  'privacy.delete.how': 'To go ahead: /privacy delete confirm:true. To keep a copy first: /privacy export.',
  'privacy.delete.done': 'Your data is erased.',
  'privacy.delete.counts':
    'Sign-ups withdrawn: {signups}; disclaimers erased: {disclaimers}; anonymous questions unlinked: {questions}; me-toos removed: {metoo}.',
  'privacy.delete.blocked':
    'A moderation block on your anonymous questions is in force until {until}; it is kept by your pseudonym, so your data can be erased once it ends. /privacy export works now.',
  'privacy.cooldown':
    'You ran {command} a short while ago; it looks through the whole database, so each member can run it once every few minutes. Try again in {minutes} min.',
  'privacy.erased_member': '(erased member)',
} as const;

export const de: Texts<typeof en> = {
  'cmd.privacy': 'Deine Daten: sieh alles, was der Bot über dich speichert, oder lösche es',
  'cmd.privacy.export': 'Alles, was der Bot über dich speichert, als JSON-Datei nur für dich',
  'cmd.privacy.delete': 'Lösche deine Daten und trenne deine anonymen Fragen von dir',
  'opt.privacy.confirm': 'true löscht sofort; ohne wird gezeigt, was gelöscht würde',
  'privacy.export.done': 'Alles, was der Bot über dich speichert, steht in der angehängten Datei.',
  'privacy.export.note': 'Deine anonymen Fragen werden über dein Pseudonym gefunden; niemand sonst kann das für dich abrufen.',
  'privacy.delete.what': 'Das löscht endgültig:',
  'privacy.delete.item.profile':
    'dein Profil, dein Coach-Profil, deine Teilnahmen und deine Hinweise (von dir eingetragene Materialien bleiben, ohne dich)',
  'privacy.delete.item.signups': 'deine Workshop-Anmeldungen (deine Plätze gehen an die Nächsten auf der Warteliste)',
  'privacy.delete.item.questions':
    'die Verbindung zwischen dir und deinen anonymen Fragen und Meldungen (sie bleiben, ohne Verbindung; eine spätere Meldung von dir ist eine neue)',
  'privacy.delete.item.metoo': 'deine Ich-auchs: jede dieser Fragen zählt eins weniger',
  'privacy.delete.item.names':
    'deinen Namen und deine ID, wo du offen gehandelt hast (Antworten, abgehakte Anforderungen, Sperren, Entscheidungen, Vorschläge und Moderationsaktionen behalten die Aktion, nicht dich)',
  'privacy.delete.how': 'Zum Fortfahren: /privacy delete confirm:true. Vorher eine Kopie: /privacy export.',
  'privacy.delete.done': 'Deine Daten sind gelöscht.',
  'privacy.delete.counts':
    'Abgemeldet: {signups}; gelöschte Hinweise: {disclaimers}; getrennte anonyme Fragen: {questions}; entfernte Ich-auchs: {metoo}.',
  'privacy.delete.blocked':
    'Eine Moderationssperre für deine anonymen Fragen gilt bis {until}; sie hängt an deinem Pseudonym, daher können deine Daten gelöscht werden, sobald sie endet. /privacy export geht jetzt schon.',
  'privacy.cooldown':
    'Du hast {command} gerade erst ausgeführt; es durchsucht die ganze Datenbank, daher geht es für jedes Mitglied nur alle paar Minuten. Versuch es in {minutes} Min. wieder.',
  'privacy.erased_member': '(gelöschtes Mitglied)',
};
