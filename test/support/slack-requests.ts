import { createHmac } from 'node:crypto';

/** `v0=` HMAC-SHA256 of `v0:timestamp:body` with the signing secret: Slack's request signature. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}

export interface SlackHttpAnswer {
  readonly status: number;
  readonly text: string;
  /** The body as JSON, when it is JSON. */
  readonly json: Record<string, unknown> | undefined;
}

/**
 * Posts a form-encoded body to the bot as Slack does: with `X-Slack-Request-Timestamp` and a
 * signature over exactly the bytes sent. `timestamp` and `signature` override, to forge.
 */
export async function postSigned(
  url: string,
  body: string,
  secret: string,
  forge: { timestamp?: number; signature?: string } = {},
): Promise<SlackHttpAnswer> {
  const timestamp = forge.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': forge.signature ?? slackSignature(secret, timestamp, body),
    },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** A slash command's body, form-encoded as Slack sends it. */
export function slashCommandBody(fields: {
  command: string;
  text: string;
  user: string;
  userName?: string;
  channel?: string;
  responseUrl: string;
  team?: string;
  triggerId?: string;
}): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: fields.team ?? 'T1',
    team_domain: 'test',
    channel_id: fields.channel ?? 'CGENERAL',
    channel_name: 'general',
    user_id: fields.user,
    user_name: fields.userName ?? fields.user.toLowerCase(),
    command: fields.command,
    text: fields.text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `trigger-${fields.user}`,
  }).toString();
}

/** An interactivity request (button press, form submission): `payload=` and the JSON. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/**
 * One signed request, fixed once (body, timestamp, signature): each call sends exactly the same
 * bytes and headers again, as someone replaying a captured request would.
 */
export function capturedRequest(
  url: string,
  body: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): () => Promise<SlackHttpAnswer> {
  const signature = slackSignature(secret, timestamp, body);
  return () => postSigned(url, body, secret, { timestamp, signature });
}
