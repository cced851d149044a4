import type { Texts } from './types.js';

/**
 * Texts of buttons in direct messages (see `DirectButtons`). A stale and a forged button get the
 * same answer, so pressing made-up references teaches nothing.
 */
export const en = {
  'button.stale': 'This button has expired or is no longer valid. Type the command in the server or workspace instead; /help lists them.',
  'button.not_yours': 'This button was sent to someone else, so it does nothing for you. /help lists the commands you can type.',
  'discord.not_in_server': 'You are no longer a member of the server this button belongs to, so it cannot act there for you.',
} as const;

export const de: Texts<typeof en> = {
  'button.stale':
    'Dieser Button ist abgelaufen oder nicht mehr gültig. Gib den Befehl stattdessen auf dem Server oder im Workspace ein; /help zeigt die Befehle.',
  'button.not_yours':
    'Dieser Button wurde jemand anderem geschickt und bewirkt für dich nichts. /help zeigt die Befehle, die du eingeben kannst.',
  'discord.not_in_server':
    'Du bist nicht mehr Mitglied des Servers, zu dem dieser Button gehört, deshalb kann er dort nichts für dich tun.',
};
