import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Structured logs on stderr (stdout belongs to the console adapter's replies). Secrets are
 * redacted by path in case a careless caller passes a config object; anonymous askers'
 * ids are never passed to the logger at all.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['*.token', '*.botToken', '*.signingSecret', '*.appToken', '*.anonSecret', '*.password'], censor: '[secret]' },
    },
    destination ?? pino.destination(2),
  );
}
