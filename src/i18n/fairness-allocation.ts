import type { Texts } from './types.js';

/** Texts of fair sign-ups (issue 21), allocation: the lottery for oversubscribed workshops, and waitlist offers. */
export const en = {
  // /chapter set
  'opt.chapter.allocation': 'How new workshops give learner seats: first-come (default) or lottery',
  'opt.chapter.lottery_first_timers': 'Lotteries draw learners who have not attended a workshop yet first',
  'chapter.set.allocation.first-come': 'New workshops of {name} give learner seats in the order learners join.',
  'chapter.set.allocation.lottery': 'New workshops of {name} give learner seats by lottery among those who join before the draw.',
  'chapter.set.first_timers.on': 'Lotteries of {name} draw first-timers first.',
  'chapter.set.first_timers.off': 'Lotteries of {name} draw everyone alike.',

  // /workshop create|edit
  'opt.workshop.allocation': 'How learner seats are given: first-come, or lottery among early joins',
  'opt.workshop.draw_hours': 'Lottery: draw this many hours after sign-ups open (default 24)',
  'opt.workshop.offer_hours': 'Hours a waitlist offer waits for an answer (default 12)',
  'workshop.change.allocation': 'how seats are given',
  'workshop.change.draw': 'draw time',
  'workshop.change.offer_hours': 'offer time',
  'lottery.drawn_already': 'The lottery of workshop #{id} has been drawn: its allocation and draw time stay as they are.',

  // /workshop show and join
  'lottery.field': 'Lottery',
  'lottery.field.before':
    'Seats are drawn by lottery at {at} among everyone who joins before then. The draw’s seed is fixed; its SHA-256 is {hash}. Check after the draw with {example}.',
  'lottery.field.drawn': 'Drawn at {at}. The seed and the order: {example}',
  'workshop.field.your_place': 'Your place',
  'workshop.place.confirmed': 'You have a seat.',
  'workshop.place.pool': 'You are in the lottery pool: you will get a message with the result of the draw.',
  'workshop.place.waiting': 'You are number {position} on the waitlist.',
  'workshop.place.offered': 'A seat is offered to you until {until}. Accept it with {example}',
  'lottery.join.pool':
    'You are in the lottery for workshop #{id}. Seats are drawn at {at}; you will get a message with the result. Joining early or late before then makes no difference.',
  'workshop.roster.offered': 'Seats on offer',
  'workshop.roster.pool': 'Lottery pool ({n})',

  // /workshop draw
  'cmd.workshop.draw': 'A workshop lottery’s seed hash, pool size and, after the draw, its seed and order',
  'lottery.none': 'Workshop #{id} ({title}) gives its seats in the order learners join: it has no lottery.',
  'lottery.draw.title': 'Lottery of {ref}',
  'lottery.draw.hash': 'SHA-256 of the seed (published before the draw): {hash}',
  'lottery.draw.pending': 'The draw is at {at}. In the pool now: {n}.',
  'lottery.draw.drawn': 'Drawn at {at} among {n} in the pool.',
  'lottery.draw.seed': 'Seed: {seed}',
  'lottery.draw.order':
    'Order by sign-up number (1 = the first to join the pool; the first numbers got the seats, the rest went on the waitlist in this order):',
  'lottery.draw.how':
    'Anyone can check it: the seed’s SHA-256 is the hash above, and the order is the Fisher–Yates shuffle driven by HMAC-SHA256 of the seed, as the README explains.',

  // The draw's DMs
  'lottery.dm.seat': 'The lottery for workshop #{id} ({title}) is drawn: you have a seat!',
  'lottery.dm.waiting':
    'The lottery for workshop #{id} ({title}) is drawn: you did not get a seat this time. You are number {position} on the waitlist; if a seat frees up you will be offered it.',
  'lottery.dm.check': 'The draw can be checked by anyone: {example}',

  // Waitlist offers
  'cmd.workshop.offer': 'Accept or decline a seat offered to you from the waitlist',
  'opt.workshop.offer_answer': 'accept takes the seat; decline leaves the waitlist',
  'offer.dm': 'A seat at workshop #{id} ({title}) has freed up, and it is yours if you want it.',
  'offer.dm.until': 'It is held for you until {until}. After that it goes to the next person on the waitlist.',
  'offer.button.accept': 'Accept the seat',
  'offer.button.decline': 'Decline',
  'offer.accepted': 'Your seat at workshop #{id} is confirmed. See you there!',
  'offer.declined': 'You declined the seat at workshop #{id} and left its waitlist. It goes to the next person.',
  'offer.none': 'There is no seat on offer for you at workshop #{id}.',
  'offer.already_seated': 'You have a seat at workshop #{id} already.',
  'offer.expired': 'The offer of a seat at workshop #{id} has run out: it goes to the next person on the waitlist.',
  'offer.dm.expired':
    'The seat offered to you at workshop #{id} ({title}) was not accepted in time, so it went to the next person, and you left the waitlist.',
  'offer.dm.join_again': 'If you would still like to come, join again: {example}',

  // /progress
  'progress.as.learner.pool': 'in the lottery',
  'progress.as.learner.offered': 'seat offered',
  'progress.as.coach.pool': 'in the lottery',
  'progress.as.coach.offered': 'slot offered',
};

export const de: Texts<typeof en> = {
  'opt.chapter.allocation': 'Wie neue Workshops Plätze vergeben: first-come (Reihenfolge, Standard) oder lottery (Los)',
  'opt.chapter.lottery_first_timers': 'Verlosungen ziehen zuerst Lernende, die noch bei keinem Workshop waren',
  'chapter.set.allocation.first-come': 'Neue Workshops von {name} vergeben die Plätze in der Reihenfolge der Anmeldungen.',
  'chapter.set.allocation.lottery': 'Neue Workshops von {name} verlosen die Plätze unter allen, die sich vor der Ziehung anmelden.',
  'chapter.set.first_timers.on': 'Verlosungen von {name} ziehen zuerst, wer zum ersten Mal kommt.',
  'chapter.set.first_timers.off': 'Verlosungen von {name} behandeln alle gleich.',

  'opt.workshop.allocation': 'Wie Plätze vergeben werden: first-come (Reihenfolge) oder lottery (Los)',
  'opt.workshop.draw_hours': 'Verlosung: so viele Stunden nach Anmeldestart ziehen (Standard 24)',
  'opt.workshop.offer_hours': 'Stunden, die ein Platzangebot auf Antwort wartet (Standard 12)',
  'workshop.change.allocation': 'Platzvergabe',
  'workshop.change.draw': 'Zeitpunkt der Ziehung',
  'workshop.change.offer_hours': 'Frist für Platzangebote',
  'lottery.drawn_already':
    'Die Verlosung für Workshop #{id} ist schon gezogen: Platzvergabe und Zeitpunkt der Ziehung bleiben, wie sie sind.',

  'lottery.field': 'Verlosung',
  'lottery.field.before':
    'Die Plätze werden am {at} unter allen verlost, die sich bis dahin anmelden. Der Startwert der Ziehung steht fest; sein SHA-256 ist {hash}. Nach der Ziehung prüfen mit {example}.',
  'lottery.field.drawn': 'Gezogen am {at}. Startwert und Reihenfolge: {example}',
  'workshop.field.your_place': 'Dein Platz',
  'workshop.place.confirmed': 'Du hast einen Platz.',
  'workshop.place.pool': 'Du bist in der Verlosung: Du bekommst eine Nachricht mit dem Ergebnis der Ziehung.',
  'workshop.place.waiting': 'Du bist Nummer {position} auf der Warteliste.',
  'workshop.place.offered': 'Ein Platz ist für dich reserviert bis {until}. Nimm ihn an mit {example}',
  'lottery.join.pool':
    'Du bist in der Verlosung für Workshop #{id}. Die Plätze werden am {at} gezogen; du bekommst eine Nachricht mit dem Ergebnis. Ob du dich früh oder spät vorher anmeldest, macht keinen Unterschied.',
  'workshop.roster.offered': 'Angebotene Plätze',
  'workshop.roster.pool': 'In der Verlosung ({n})',

  'cmd.workshop.draw': 'Hash des Startwerts, Teilnehmende und nach der Ziehung Startwert und Reihenfolge einer Verlosung',
  'lottery.none': 'Workshop #{id} ({title}) vergibt die Plätze in der Reihenfolge der Anmeldungen: Es gibt keine Verlosung.',
  'lottery.draw.title': 'Verlosung für {ref}',
  'lottery.draw.hash': 'SHA-256 des Startwerts (vor der Ziehung veröffentlicht): {hash}',
  'lottery.draw.pending': 'Die Ziehung ist am {at}. Derzeit in der Verlosung: {n}.',
  'lottery.draw.drawn': 'Gezogen am {at} unter {n} Teilnehmenden.',
  'lottery.draw.seed': 'Startwert: {seed}',
  'lottery.draw.order':
    'Reihenfolge nach Anmeldenummer (1 = die erste Anmeldung zur Verlosung; die ersten Nummern bekamen die Plätze, die übrigen kamen in dieser Reihenfolge auf die Warteliste):',
  'lottery.draw.how':
    'Alle können das nachprüfen: Der SHA-256 des Startwerts ist der Hash oben, und die Reihenfolge ist der Fisher-Yates-Shuffle, gesteuert von HMAC-SHA256 mit dem Startwert, wie in der README beschrieben.',

  'lottery.dm.seat': 'Die Verlosung für Workshop #{id} ({title}) ist gezogen: Du hast einen Platz!',
  'lottery.dm.waiting':
    'Die Verlosung für Workshop #{id} ({title}) ist gezogen: Diesmal hast du keinen Platz bekommen. Du bist Nummer {position} auf der Warteliste; wird ein Platz frei, wird er dir angeboten.',
  'lottery.dm.check': 'Alle können die Ziehung nachprüfen: {example}',

  'cmd.workshop.offer': 'Einen dir angebotenen Platz von der Warteliste annehmen oder ablehnen',
  'opt.workshop.offer_answer': 'accept nimmt den Platz; decline verlässt die Warteliste',
  'offer.dm': 'Bei Workshop #{id} ({title}) ist ein Platz frei geworden, und er gehört dir, wenn du ihn möchtest.',
  'offer.dm.until': 'Er ist für dich reserviert bis {until}. Danach geht er an die nächste Person auf der Warteliste.',
  'offer.button.accept': 'Platz annehmen',
  'offer.button.decline': 'Ablehnen',
  'offer.accepted': 'Dein Platz bei Workshop #{id} ist bestätigt. Bis dann!',
  'offer.declined': 'Du hast den Platz bei Workshop #{id} abgelehnt und die Warteliste verlassen. Er geht an die nächste Person.',
  'offer.none': 'Bei Workshop #{id} ist dir gerade kein Platz angeboten.',
  'offer.already_seated': 'Du hast bei Workshop #{id} schon einen Platz.',
  'offer.expired': 'Das Platzangebot bei Workshop #{id} ist abgelaufen: Der Platz geht an die nächste Person auf der Warteliste.',
  'offer.dm.expired':
    'Der dir angebotene Platz bei Workshop #{id} ({title}) wurde nicht rechtzeitig angenommen. Er ging an die nächste Person, und du bist nicht mehr auf der Warteliste.',
  'offer.dm.join_again': 'Wenn du trotzdem kommen möchtest, melde dich erneut an: {example}',

  'progress.as.learner.pool': 'in der Verlosung',
  'progress.as.learner.offered': 'Platz angeboten',
  'progress.as.coach.pool': 'in der Verlosung',
  'progress.as.coach.offered': 'Platz angeboten',
};
