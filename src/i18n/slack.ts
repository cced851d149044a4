import type { Texts } from './types.js';

/** Texts of the Slack adapter (forms, Web API failures) and of the chapter's moderator group. */
export const en = {
  'opt.chapter.moderator_group': 'Slack: the user group whose members moderate this chapter here (type @group)',
  'placeholder.moderator_group': '@user-group',
  'chapter.field.moderator_group': 'Moderator group here',
  'chapter.set.moderator_group': 'Members of the user group {group} now moderate {name} here.',

  'slack.manifest.description': 'Anonymous questions, coaches and workshops, partnerships: the {community} community bot',
  'slack.form.submit': 'Send',
  'slack.form.cancel': 'Cancel',
  'slack.form.yes': 'yes',
  'slack.form.no': 'no',
  'slack.error.channel_not_found':
    'I cannot find the channel {channel}: it may have been deleted or be private. A moderator can choose another with /chapter set.',
  'slack.error.not_in_channel':
    'I am not a member of the channel {channel}, so I cannot post there. Invite me with /invite @{bot} in that channel, or a moderator chooses another with /chapter set.',
  'slack.error.is_archived': 'The channel {channel} is archived, so I cannot post there. A moderator can choose another with /chapter set.',
  'slack.error.cannot_dm': 'I could not send you a direct message: Slack refused it ({error}).',
  'slack.error.missing_scope':
    'The Slack app lacks the permission {scope}, which this needs. A workspace admin updates the app from the current manifest (npm run slack:manifest) and reinstalls it.',
  'slack.file.sent_dm': 'I sent {files} to our direct messages.',
  'slack.file.no_scope': 'Add the files:write scope to the Slack app to receive files as files.',
  'slack.file.failed': 'Slack did not take {files} as a file, so here it is as text.',
  'slack.file.too_long': '{file} ({n} characters) is too long to show in a message.',
} as const;

export const de: Texts<typeof en> = {
  'opt.chapter.moderator_group': 'Slack: die Benutzergruppe, deren Mitglieder dieses Chapter hier moderieren (tippe @gruppe)',
  'placeholder.moderator_group': '@benutzergruppe',
  'chapter.field.moderator_group': 'Moderationsgruppe hier',
  'chapter.set.moderator_group': 'Mitglieder der Benutzergruppe {group} moderieren {name} jetzt hier.',

  'slack.manifest.description': 'Anonyme Fragen, Coaches und Workshops, Partnerschaften: der Community-Bot von {community}',
  'slack.form.submit': 'Senden',
  'slack.form.cancel': 'Abbrechen',
  'slack.form.yes': 'ja',
  'slack.form.no': 'nein',
  'slack.error.channel_not_found':
    'Ich finde den Kanal {channel} nicht: Vielleicht wurde er gelöscht oder ist privat. Die Moderation kann mit /chapter set einen anderen wählen.',
  'slack.error.not_in_channel':
    'Ich bin nicht Mitglied im Kanal {channel} und kann dort nicht posten. Lade mich dort mit /invite @{bot} ein, oder die Moderation wählt mit /chapter set einen anderen.',
  'slack.error.is_archived':
    'Der Kanal {channel} ist archiviert, dort kann ich nicht posten. Die Moderation kann mit /chapter set einen anderen wählen.',
  'slack.error.cannot_dm': 'Ich konnte dir keine Direktnachricht schicken: Slack hat sie abgelehnt ({error}).',
  'slack.error.missing_scope':
    'Der Slack-App fehlt die Berechtigung {scope}, die dafür nötig ist. Ein:e Workspace-Admin aktualisiert die App mit dem aktuellen Manifest (npm run slack:manifest) und installiert sie neu.',
  'slack.file.sent_dm': 'Ich habe dir {files} in unsere Direktnachrichten geschickt.',
  'slack.file.no_scope': 'Füge der Slack-App die Berechtigung files:write hinzu, damit du Dateien als Dateien bekommst.',
  'slack.file.failed': 'Slack hat {files} nicht als Datei angenommen, deshalb steht der Inhalt hier als Text.',
  'slack.file.too_long': '{file} ({n} Zeichen) ist zu lang, um es in einer Nachricht zu zeigen.',
};
