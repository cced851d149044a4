import type { Texts } from './types.js';

/** Texts of /mod: the moderators' tools. */
export const en = {
  'cmd.mod': 'Moderators’ tools',
  'cmd.mod.audit': 'Who did what, when, to what: the audit trail',
  'opt.mod.limit': 'How many entries (default 20)',
  'opt.mod.action': 'Only this kind of action, e.g. partner or "partner decide"',
  'placeholder.mod.action': 'command',
  'mod.audit.title': '{count, plural, one {Audit trail: the last entry} other {Audit trail: the last # entries}}',
  'mod.audit.empty': 'The audit trail is empty here.',
  'mod.audit.empty_kind': 'No entries for /{action} here.',
} as const;

export const de: Texts<typeof en> = {
  'cmd.mod': 'Werkzeuge der Moderation',
  'cmd.mod.audit': 'Wer hat was wann woran getan: das Protokoll',
  'opt.mod.limit': 'Wie viele Einträge (Standard 20)',
  'opt.mod.action': 'Nur diese Art von Aktion, z. B. partner oder "partner decide"',
  'placeholder.mod.action': 'Befehl',
  'mod.audit.title': '{count, plural, one {Protokoll: der letzte Eintrag} other {Protokoll: die letzten # Einträge}}',
  'mod.audit.empty': 'Das Protokoll ist hier leer.',
  'mod.audit.empty_kind': 'Keine Einträge für /{action} hier.',
};
