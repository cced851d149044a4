import type { webApi } from '@slack/bolt';
import { request } from 'undici';

type FetchFunction = NonNullable<webApi.WebClientOptions['fetch']>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/**
 * The Web API's HTTP for the WebClient (its documented `fetch` option, "for transport-level
 * behaviour"): undici's `request()` rather than Node's global `fetch`. Both are undici with
 * keep-alive connections; `fetch` adds the WHATWG request, response and stream objects around each
 * call, which made a Web API call cost about 1.3 ms of CPU against 0.35 ms here — on an `/ask`,
 * which asks Slack twice, more than the rest of the command (BENCHMARKS.md).
 *
 * It implements what the WebClient uses: a POST with a text body, the status, the headers and
 * the body as text or JSON. Anything else (a multipart upload) goes to the global `fetch`.
 * Redirects are not followed (the WebClient asks for `redirect: 'error'`): a 3xx reaches the
 * WebClient as a status that is not 200, which it reports as an HTTP error.
 */
export const slackFetch: FetchFunction = async (url, init = {}) => {
  if (init.body !== undefined && typeof init.body !== 'string') return fetch(url, init);
  const res = await request(url, {
    method: (init.method ?? 'GET') as 'GET' | 'POST',
    headers: init.headers,
    body: init.body,
    signal: init.signal,
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const response: FetchResponse = {
    ok: res.statusCode >= 200 && res.statusCode < 300,
    status: res.statusCode,
    statusText: '',
    url: String(url),
    headers,
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    json: async () => JSON.parse(body.toString('utf8')) as unknown,
    text: async () => body.toString('utf8'),
  };
  return response;
};
