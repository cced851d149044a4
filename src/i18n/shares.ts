import type { Texts } from './types.js';

/** Texts of /share (what learners made, in the chapter's showcase channel) and of /progress's story. */
export const en = {
  // /chapter set
  'purpose.showcase': 'showcase',
  'opt.chapter.showcase_channel': 'Where learners’ shared projects are posted (/share)',

  // /share
  'cmd.share': 'Share what you made with your chapter, under your name',
  'cmd.share.hide': 'Hide a shared project, with the reason (moderators)',
  'opt.share.text': 'What you made, in a few words',
  'opt.share.url': 'A link to it: an http(s) address',
  'opt.share.workshop': 'The workshop you made it at (one you attended)',
  'opt.share.id': 'The shared project’s number',
  'opt.share.reason': 'Why it is hidden (shown in its post)',
  'share.no_channel':
    'Chapter {chapter} has no showcase channel here yet, so there is nowhere to share. A moderator can set one with: /chapter set name:{chapter} showcase-channel:#showcase',
  'share.not_attended':
    'You were not recorded at workshop #{id}, so a share cannot name it. Share without workshop:, or ask its coaches to record you (/workshop attendance).',
  'share.not_found': 'There is no shared project #{id}.',
  'share.already_hidden': 'Shared project #{id} is hidden already.',
  'share.done': 'Thank you for sharing! Your project #{id} is in {channel}.',
  'share.done.workshop': 'It counts for workshop #{workshop}.',
  'share.done.invited': 'With it, you have been to enough workshops to coach one: see your direct messages.',
  'share.hidden': 'Shared project #{id} is hidden; its post now says why.',
  // The post, in the bot's language.
  'share.post.title': 'Shared project #{id}',
  'share.post.by': '{name} shared what they made:',
  'share.post.workshop': 'Made at',
  'share.post.hidden': 'Hidden by the moderators: {reason}',
  'share.post.removed': 'Removed at the request of the member who shared it.',

  // /privacy
  'privacy.delete.item.shares': 'the projects you shared: their posts then say they were removed',
  'privacy.delete.shares': 'Shared projects removed: {shares}.',

  // The invitation to coach, when shares counted towards it.
  'workshop.dm.invite_to_coach.shared':
    'Thank you for coming to our workshops, and for sharing what you made there! Would you like to coach one? Every level is welcome; helping others is a great way to learn.',

  // /progress
  'progress.story': 'You attended {attended}, shared {shared} and coached {coached}.',
  'progress.story.new': 'You have not been to a workshop yet.',
  'progress.count.workshops.zero': 'no workshops',
  'progress.count.workshops.one': 'one workshop',
  'progress.count.workshops.many': '{n} workshops',
  'progress.count.projects.zero': 'no projects',
  'progress.count.projects.one': 'one project',
  'progress.count.projects.many': '{n} projects',
  'progress.shared': 'Shared ({n})',
  'progress.next.coach': 'What comes next: you have come a long way. Why not coach a workshop? Every level is welcome: /coach volunteer',
  'progress.next.topic': 'What comes next: {workshop} on {date}, on {topic} again. Join with /workshop join id:{id}',
  'progress.next.any': 'What comes next: {workshop} in {chapter} on {date}. Join with /workshop join id:{id}',
  'progress.next.signed_up': 'What comes next: {workshop} on {date}, which you signed up for.',
  'progress.next.none': 'What comes next: no workshop is planned yet; /workshop list shows new ones as they come.',
  'progress.next.share': 'Made something at a workshop? Share it: /share text:"what you made" workshop:<number>',
} as const;

export const de: Texts<typeof en> = {
  'purpose.showcase': 'Projekte',
  'opt.chapter.showcase_channel': 'Wo die geteilten Projekte der Lernenden erscheinen (/share)',

  'cmd.share': 'Teile mit deinem Chapter, was du gemacht hast, unter deinem Namen',
  'cmd.share.hide': 'Ein geteiltes Projekt mit Begründung ausblenden (Moderation)',
  'opt.share.text': 'Was du gemacht hast, in ein paar Worten',
  'opt.share.url': 'Ein Link dazu: eine http(s)-Adresse',
  'opt.share.workshop': 'Der Workshop, bei dem es entstanden ist (einer, den du besucht hast)',
  'opt.share.id': 'Die Nummer des geteilten Projekts',
  'opt.share.reason': 'Warum es ausgeblendet wird (steht im Post)',
  'share.no_channel':
    'Das Chapter {chapter} hat hier noch keinen Projekte-Kanal, also gibt es keinen Ort zum Teilen. Die Moderation legt ihn fest mit: /chapter set name:{chapter} showcase-channel:#projekte',
  'share.not_attended':
    'Deine Teilnahme an Workshop #{id} ist nicht erfasst, darum kann ein geteiltes Projekt ihn nicht nennen. Teile ohne workshop: oder bitte die Coaches, dich einzutragen (/workshop attendance).',
  'share.not_found': 'Es gibt kein geteiltes Projekt #{id}.',
  'share.already_hidden': 'Das geteilte Projekt #{id} ist schon ausgeblendet.',
  'share.done': 'Danke fürs Teilen! Dein Projekt #{id} steht in {channel}.',
  'share.done.workshop': 'Es zählt für Workshop #{workshop}.',
  'share.done.invited': 'Damit warst du bei genug Workshops, um selbst einen zu coachen: Schau in deine Direktnachrichten.',
  'share.hidden': 'Das geteilte Projekt #{id} ist ausgeblendet; sein Post nennt jetzt den Grund.',
  'share.post.title': 'Geteiltes Projekt #{id}',
  'share.post.by': '{name} zeigt, was entstanden ist:',
  'share.post.workshop': 'Entstanden bei',
  'share.post.hidden': 'Von der Moderation ausgeblendet: {reason}',
  'share.post.removed': 'Auf Wunsch der Person, die es geteilt hat, entfernt.',

  'privacy.delete.item.shares': 'die Projekte, die du geteilt hast: Ihre Posts sagen dann, dass sie entfernt wurden',
  'privacy.delete.shares': 'Entfernte geteilte Projekte: {shares}.',

  'workshop.dm.invite_to_coach.shared':
    'Danke, dass du zu unseren Workshops kommst und zeigst, was du dort gemacht hast! Möchtest du mal einen coachen? Jedes Niveau ist willkommen; anderen zu helfen ist eine tolle Art zu lernen.',

  'progress.story': 'Du hast {attended} besucht, {shared} geteilt und {coached} gecoacht.',
  'progress.story.new': 'Du warst noch bei keinem Workshop.',
  'progress.count.workshops.zero': 'keine Workshops',
  'progress.count.workshops.one': 'einen Workshop',
  'progress.count.workshops.many': '{n} Workshops',
  'progress.count.projects.zero': 'keine Projekte',
  'progress.count.projects.one': 'ein Projekt',
  'progress.count.projects.many': '{n} Projekte',
  'progress.shared': 'Geteilt ({n})',
  'progress.next.coach':
    'Wie es weitergeht: Du bist schon weit gekommen. Wie wäre es, selbst einen Workshop zu coachen? Jedes Niveau ist willkommen: /coach volunteer',
  'progress.next.topic': 'Wie es weitergeht: {workshop} am {date}, wieder zu {topic}. Anmelden mit /workshop join id:{id}',
  'progress.next.any': 'Wie es weitergeht: {workshop} in {chapter} am {date}. Anmelden mit /workshop join id:{id}',
  'progress.next.signed_up': 'Wie es weitergeht: {workshop} am {date}, für den du angemeldet bist.',
  'progress.next.none': 'Wie es weitergeht: Noch ist kein Workshop geplant; /workshop list zeigt neue, sobald es sie gibt.',
  'progress.next.share': 'Bei einem Workshop etwas gebaut? Teile es: /share text:"was du gemacht hast" workshop:<Nummer>',
} as const;
