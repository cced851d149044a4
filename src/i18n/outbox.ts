import type { Texts } from './types.js';

/** Texts of the outbox (src/services/outbox): the moderators' notice of messages given up, and /mod outbox. */
export const en = {
  'outbox.gave_up':
    '{count, plural, one {A message of this chapter} other {# messages of this chapter}} could not be delivered after several tries (the platform kept failing, or refused it) and {count, plural, one {was} other {were}} given up. /mod outbox lists them, with a button to try again.',
  'outbox.title': 'Undelivered messages',
  'outbox.empty': 'Nothing is waiting: every message of this chapter went out.',
  'outbox.line': '#{id} · {kind}{subject} · {state}',
  'outbox.subject.workshop': ' (workshop #{id})',
  'outbox.subject.question': ' (question #{id})',
  'outbox.state.given_up': 'given up after {attempts, plural, one {# try} other {# tries}} ({error})',
  'outbox.state.retrying': '{attempts, plural, one {# try} other {# tries}} so far, next try {next} ({error})',
  'outbox.state.waiting': '{attempts, plural, one {# try} other {# tries}} so far, next try {next}',
  'outbox.kind.reminder': 'Reminder',
  'outbox.kind.signup': 'Sign-up message',
  'outbox.kind.offer': 'Waitlist offer',
  'outbox.kind.draw': 'Draw result',
  'outbox.kind.day': 'Workshop-day message',
  'outbox.kind.stuck': '“I’m stuck” message',
  'outbox.kind.feedback': 'Feedback request',
  'outbox.kind.no_show': 'No-show notice',
  'outbox.kind.question_post': 'Question post',
  'outbox.kind.asker_notice': 'Note to an asker',
  'outbox.kind.notice': 'Notice to a channel',
  'outbox.kind.dm': 'Direct message',
  'outbox.retry': 'Try #{id} again',
  'outbox.retried': 'Message #{id} was tried again and went out.',
  'outbox.retried.failed':
    'Message #{id} was tried again and failed again ({error}). /mod outbox still lists it; try again once the cause is fixed.',
  'outbox.retried.dropped': 'Message #{id} was tried again, but its recipient can no longer be reached, so it was dropped.',
  'outbox.retried.busy': 'Message #{id} is being sent right now; /mod outbox shows whether it went out.',
  'outbox.retried.elsewhere': 'Message #{id} will be sent again within seconds, by the bot process that runs its platform.',
  'outbox.not_found':
    'There is no undelivered message #{id} in this chapter (it may have gone out meanwhile). /mod outbox lists those waiting.',
  'cmd.mod.outbox': 'List this chapter’s messages that could not be delivered, with a button to try each again',
  'opt.mod.outbox.retry': 'The number of a message to try again, as /mod outbox shows it',
} as const;

export const de: Texts<typeof en> = {
  'outbox.gave_up':
    '{count, plural, one {Eine Nachricht dieses Chapters konnte} other {# Nachrichten dieses Chapters konnten}} auch nach mehreren Versuchen nicht zugestellt werden (die Plattform scheiterte wiederholt oder lehnte ab) und {count, plural, one {wurde} other {wurden}} aufgegeben. /mod outbox listet sie auf, mit einem Knopf für einen neuen Versuch.',
  'outbox.title': 'Nicht zugestellte Nachrichten',
  'outbox.empty': 'Nichts wartet: Jede Nachricht dieses Chapters ist angekommen.',
  'outbox.line': '#{id} · {kind}{subject} · {state}',
  'outbox.subject.workshop': ' (Workshop #{id})',
  'outbox.subject.question': ' (Frage #{id})',
  'outbox.state.given_up': 'aufgegeben nach {attempts, plural, one {# Versuch} other {# Versuchen}} ({error})',
  'outbox.state.retrying': 'bisher {attempts, plural, one {# Versuch} other {# Versuche}}, nächster Versuch {next} ({error})',
  'outbox.state.waiting': 'bisher {attempts, plural, one {# Versuch} other {# Versuche}}, nächster Versuch {next}',
  'outbox.kind.reminder': 'Erinnerung',
  'outbox.kind.signup': 'Nachricht zur Anmeldung',
  'outbox.kind.offer': 'Angebot von der Warteliste',
  'outbox.kind.draw': 'Ergebnis der Verlosung',
  'outbox.kind.day': 'Nachricht zum Workshop-Tag',
  'outbox.kind.stuck': '„Ich komme nicht weiter“-Nachricht',
  'outbox.kind.feedback': 'Bitte um Feedback',
  'outbox.kind.no_show': 'Hinweis auf Nichterscheinen',
  'outbox.kind.question_post': 'Beitrag einer Frage',
  'outbox.kind.asker_notice': 'Benachrichtigung an Fragende',
  'outbox.kind.notice': 'Benachrichtigung in einem Kanal',
  'outbox.kind.dm': 'Direktnachricht',
  'outbox.retry': '#{id} erneut versuchen',
  'outbox.retried': 'Nachricht #{id} wurde erneut versucht und ist angekommen.',
  'outbox.retried.failed':
    'Nachricht #{id} wurde erneut versucht und ist wieder gescheitert ({error}). /mod outbox listet sie weiter auf; versuche es erneut, wenn die Ursache behoben ist.',
  'outbox.retried.dropped':
    'Nachricht #{id} wurde erneut versucht, aber ihr Empfänger ist nicht mehr erreichbar, deshalb wurde sie verworfen.',
  'outbox.retried.busy': 'Nachricht #{id} wird gerade gesendet; /mod outbox zeigt, ob sie angekommen ist.',
  'outbox.retried.elsewhere': 'Nachricht #{id} wird in wenigen Sekunden erneut gesendet, von dem Bot-Prozess, der ihre Plattform bedient.',
  'outbox.not_found':
    'In diesem Chapter gibt es keine nicht zugestellte Nachricht #{id} (vielleicht ist sie inzwischen angekommen). /mod outbox listet die wartenden auf.',
  'cmd.mod.outbox': 'Nicht zugestellte Nachrichten dieses Chapters auflisten, mit einem Knopf für neue Versuche',
  'opt.mod.outbox.retry': 'Die Nummer einer Nachricht für einen neuen Versuch, wie /mod outbox sie zeigt',
} as const;
