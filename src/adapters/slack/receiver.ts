import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import type { CustomRoute, Logger as BoltLogger, HTTPReceiver } from '@slack/bolt';
// Bolt's receiver and request checks from their own modules, not from Bolt's index (see adapter.ts).
import * as HTTPModuleFunctions from '@slack/bolt/dist/receivers/HTTPModuleFunctions.js';
import receiverModule from '@slack/bolt/dist/receivers/HTTPReceiver.js';
import { verifySlackRequest } from '@slack/bolt/dist/receivers/verify-request.js';
import type { Logger } from 'pino';
import { safeError } from '../../core/errors.js';

/** Slack's window for a request's timestamp, either side of now (Bolt checks only the past side). */
export const MAX_SKEW_SECONDS = 5 * 60;

export interface ReceiverOptions {
  readonly signingSecret: string;
  /** The events path (`/slack/events`); other paths (the custom routes) are passed to Bolt untouched. */
  readonly path: string;
  readonly customRoutes: CustomRoute[];
  readonly boltLogger: BoltLogger;
  readonly log: Logger;
  /**
   * True the first time a signature is offered, in any process sharing the database; false for
   * a replay. See `SeenRequests`.
   */
  readonly firstSight: (signature: string) => Promise<boolean>;
  /** The time to check timestamps against (milliseconds); Bolt's own check uses `Date.now()` too. */
  readonly now?: () => number;
}

type Verdict = 'pass' | 'unsigned' | 'future' | 'replay';

/**
 * Bolt's HTTP receiver, whose checks of each request to the events path are made here, once,
 * before Bolt runs it (Bolt's own verification is off: it would verify the signature a second
 * time and parse the body a third):
 *
 * - a request that is not validly signed (no signature, a wrong one, a timestamp more than 5
 *   minutes in the past) is refused with 401, as Bolt refuses it, by Bolt's `verifySlackRequest`;
 * - a timestamp more than 5 minutes in the future is refused with 401 too (Bolt 5.1's
 *   `verifySlackRequest` checks only staleness, so a request signed with a timestamp ahead would
 *   otherwise stay replayable for that much longer);
 * - a request whose signature was seen before (the same body and timestamp, replayed inside the
 *   window) gets an empty 200 and runs nothing. Seen signatures are in the database, so this
 *   holds across HTTP instances behind a load balancer.
 *
 * Slack's `ssl_check` pings carry no signature: as Bolt does, such a form goes on as the check
 * alone (anything smuggled beside it is dropped), and Bolt answers it. Socket Mode has no
 * signatures and does not pass here: replay protection is for HTTP mode.
 */
export function guardedReceiver(options: ReceiverOptions): HTTPReceiver {
  const receiver: HTTPReceiver = new receiverModule.default({
    signingSecret: options.signingSecret,
    endpoints: options.path,
    customRoutes: options.customRoutes,
    logger: options.boltLogger,
    // Verified here (screen), for every request Bolt is handed on the events path.
    signatureVerification: false,
  });
  const now = options.now ?? Date.now;
  const bolt = receiver.requestListener;

  /** Reads the body (Bolt reuses it: `rawBody` marks a request as read) and judges the request. */
  async function screen(req: IncomingMessage): Promise<Verdict> {
    const buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit);
    const body = buffered.rawBody.toString();
    // As Bolt's parseAndVerifyHTTPRequest: a form with `ssl_check=1` needs no signature, and goes on as that alone.
    if (req.headers['content-type'] === 'application/x-www-form-urlencoded' && parseForm(body).ssl_check === '1') {
      buffered.rawBody = Buffer.from('ssl_check=1');
      return 'pass';
    }
    const signature = req.headers['x-slack-signature'];
    const stamp = req.headers['x-slack-request-timestamp'];
    if (typeof signature !== 'string' || typeof stamp !== 'string') {
      options.log.warn('refused a Slack request without a signature');
      return 'unsigned';
    }
    const timestamp = Number(stamp);
    try {
      verifySlackRequest({
        signingSecret: options.signingSecret,
        body,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
        nowMilliseconds: now(),
      });
    } catch (err) {
      // Bolt's reason ("signature mismatch", "request is stale"): nothing of the request itself.
      options.log.warn({ reason: (err as Error).message }, 'refused a Slack request that is not validly signed');
      return 'unsigned';
    }
    if (timestamp > Math.floor(now() / 1000) + MAX_SKEW_SECONDS) return 'future';
    try {
      return (await options.firstSight(signature)) ? 'pass' : 'replay';
    } catch (err) {
      // The database cannot say: the request runs (its command needs the database anyway, and
      // answers "cannot reach the database" when it is down) rather than failing unexplained.
      options.log.warn({ err: safeError(err) }, 'could not check a Slack request for replay; running it');
      return 'pass';
    }
  }

  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method?.toUpperCase() !== 'POST' || path !== options.path) return bolt(req, res);
    void screen(req).then(
      (verdict) => {
        if (verdict === 'pass') return bolt(req, res);
        if (verdict === 'future') options.log.warn('refused a Slack request whose timestamp is more than 5 minutes ahead');
        if (verdict === 'replay') options.log.info('ignored a replayed Slack request (its signature was seen before)');
        res.writeHead(verdict === 'replay' ? 200 : 401).end();
      },
      (err: unknown) => {
        const tooLarge = HTTPModuleFunctions.isRawBodyError(err) && (err.type === 'entity.too.large' || err.statusCode === 413);
        options.log.warn({ err: safeError(err) }, tooLarge ? 'a Slack request was too large' : 'could not read a Slack request');
        if (!res.headersSent) res.writeHead(tooLarge ? 413 : 400);
        res.end();
      },
    );
  };
  return receiver;
}
