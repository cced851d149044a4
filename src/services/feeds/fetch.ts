import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { UserError } from '../../core/errors.js';

/** What one fetch of a feed may cost: issue "Where the events already are", Safety. */
export interface FetchLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  /** Loopback and private addresses allowed (FEED_ALLOW_PRIVATE). */
  readonly allowPrivate: boolean;
  /** Which addresses are refused when they are not allowed; default `isPrivateAddress` (tests name loopback ones to try redirects). */
  readonly blocked?: (address: string) => boolean;
}

export const DEFAULT_LIMITS: Omit<FetchLimits, 'allowPrivate'> = { timeoutMs: 10_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 3 };

export type FetchResult =
  | { readonly status: 'not-modified' }
  | { readonly status: 'ok'; readonly body: Buffer; readonly etag: string | null; readonly lastModified: string | null };

const EXAMPLE = 'https://www.meetup.com/your-group/events/ical/';

/**
 * A feed address as stored: http or https (`webcal://`, which calendar buttons use, is https), no
 * user name or password, no fragment. Anything else is refused with the form expected.
 */
export function normaliseFeedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim().replace(/^webcals?:\/\//i, 'https://'));
  } catch {
    throw new UserError('feed.bad_url', { example: EXAMPLE });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || !url.hostname)
    throw new UserError('feed.bad_url', { example: EXAMPLE });
  url.hash = '';
  return url.toString();
}

/** Addresses a feed may not live on unless FEED_ALLOW_PRIVATE: loopback, private, link-local, shared, reserved, multicast. */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address inside an IPv6 one that carries it (`::ffff:10.0.0.1`, NAT64 `64:ff9b::a00:1`, 6to4 `2002:a00:1::`). */
function embeddedV4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex =
    /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower) ?? /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4})(?::|$)/.exec(lower);
  if (!hex) return null;
  const a = parseInt(hex[1]!, 16);
  const b = parseInt(hex[2]!, 16);
  return [a >> 8, a & 255, b >> 8, b & 255].join('.');
}

export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedV4(bare);
  return (v4 !== null && blocked.check(v4, 'ipv4')) || blocked.check(bare, 'ipv6');
}

/** Raised inside the connection's address lookup; becomes `feed.error.private`. */
class PrivateAddress extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} resolves to a private address`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The address lookup every connection of a fetch makes (a hook of net.connect): it resolves the
 * name and refuses it when any address is private, so the address connected to is the address
 * checked (no second lookup an attacker's DNS could answer differently).
 */
function checkedLookup(refused: (address: string) => boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const bad = addresses.find((a) => refused(a.address));
      if (bad) return callback(new PrivateAddress(hostname, bad.address), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) out.push(e);
  return out;
}

/**
 * Fetches a feed: a conditional GET (If-None-Match, If-Modified-Since) that follows at most
 * `maxRedirects` redirects, each new address checked again (scheme, and its resolved addresses in
 * the lookup hook), reads at most `maxBytes`, and gives up after `timeoutMs` in all. Every refusal
 * is a UserError naming the reason, in words a moderator can act on.
 */
export async function fetchFeed(
  address: string,
  validators: { etag: string | null; lastModified: string | null },
  limits: FetchLimits,
): Promise<FetchResult> {
  // undici is loaded at the first fetch, not at start: a bot whose chapters follow no feed never needs it (about 10 MB resident).
  const { Agent, request } = await import('undici');
  const refused = limits.allowPrivate ? () => false : (limits.blocked ?? isPrivateAddress);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  const agent = new Agent({
    connect: { lookup: checkedLookup(refused), timeout: limits.timeoutMs },
    headersTimeout: limits.timeoutMs,
    bodyTimeout: limits.timeoutMs,
  });
  let url = new URL(normaliseFeedUrl(address));
  try {
    for (let hop = 0; ; hop++) {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      // A literal address is connected to without a lookup: checked here.
      if (isIP(host) && refused(host)) throw new UserError('feed.error.private', { host, address: host });
      const res = await request(url, {
        method: 'GET',
        dispatcher: agent,
        signal: controller.signal,
        headers: {
          'user-agent': 'community-bot calendar feed (+https://www.opentechschool.org)',
          accept: 'text/calendar, text/plain;q=0.8, */*;q=0.5',
          ...(validators.etag ? { 'if-none-match': validators.etag } : {}),
          ...(validators.lastModified ? { 'if-modified-since': validators.lastModified } : {}),
        },
      });
      const header = (name: string): string | null => {
        const v = res.headers[name];
        return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? null) : null;
      };
      if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304) {
        await res.body.dump();
        const location = header('location');
        if (!location) throw new UserError('feed.error.status', { status: res.statusCode });
        if (hop >= limits.maxRedirects) throw new UserError('feed.error.redirects', { max: limits.maxRedirects });
        url = new URL(normaliseFeedUrl(new URL(location, url).toString()));
        continue;
      }
      if (res.statusCode === 304) {
        await res.body.dump();
        return { status: 'not-modified' };
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new UserError('feed.error.status', { status: res.statusCode });
      }
      const mb = Math.round(limits.maxBytes / (1024 * 1024));
      if (Number(header('content-length') ?? 0) > limits.maxBytes) {
        controller.abort();
        throw new UserError('feed.error.too_large', { mb });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > limits.maxBytes) {
          controller.abort();
          throw new UserError('feed.error.too_large', { mb });
        }
        chunks.push(chunk as Buffer);
      }
      return { status: 'ok', body: Buffer.concat(chunks), etag: header('etag'), lastModified: header('last-modified') };
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    const chain = causes(err);
    const privateAddress = chain.find((e): e is PrivateAddress => e instanceof PrivateAddress);
    if (privateAddress) throw new UserError('feed.error.private', { host: privateAddress.host, address: privateAddress.address });
    if (
      controller.signal.aborted ||
      chain.some((e) => (e as { code?: string }).code?.startsWith('UND_ERR_') && /TIMEOUT/.test(String((e as { code?: string }).code)))
    )
      throw new UserError('feed.error.timeout', { seconds: Math.max(1, Math.round(limits.timeoutMs / 1000)) });
    const code = chain.map((e) => (e as { code?: unknown }).code).find((c): c is string => typeof c === 'string');
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA')
      throw new UserError('feed.error.dns', { host: url.hostname });
    throw new UserError('feed.error.network', { reason: code ?? 'connection failed' });
  } finally {
    clearTimeout(timer);
    await agent.destroy().catch(() => undefined);
  }
}
