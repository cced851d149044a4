import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { slackFetch } from '../../../src/adapters/slack/http.js';

/** A loopback server that answers each request with what it received. */
async function echoServer(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      if (req.url === '/moved') return void res.writeHead(302, { location: '/elsewhere' }).end();
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.writeHead(req.url === '/busy' ? 503 : 200, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '7' });
      res.end(JSON.stringify({ ok: true, method: req.method, type: req.headers['content-type'], auth: req.headers.authorization, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('the Web API transport sends the WebClient’s POST as given and hands back status, headers and body', async (t) => {
  const base = await echoServer(t);
  const res = await slackFetch(`${base}/api/chat.postMessage`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-1' },
    body: 'channel=C1&text=h%C3%A9',
  });
  assert.equal(res.status, 200);
  assert.equal(res.ok, true);
  assert.equal(res.url, `${base}/api/chat.postMessage`);
  assert.equal(res.headers.get('retry-after'), '7');
  assert.equal(res.headers.get('set-cookie'), 'a=1, b=2');
  const echoed = (await res.json()) as Record<string, string>;
  assert.deepEqual(echoed, {
    ok: true,
    method: 'POST',
    type: 'application/x-www-form-urlencoded',
    auth: 'Bearer xoxb-1',
    body: 'channel=C1&text=h%C3%A9',
  });
  assert.equal(JSON.parse(await res.text()).body, echoed.body);
  assert.equal(JSON.parse(Buffer.from(await res.arrayBuffer()).toString('utf8')).method, 'POST');

  const busy = await slackFetch(`${base}/busy`, { method: 'POST', body: '' });
  assert.equal(busy.status, 503);
  assert.equal(busy.ok, false);
  const moved = await slackFetch(`${base}/moved`, { method: 'POST', body: '', redirect: 'error' });
  assert.equal(moved.status, 302, 'a redirect is not followed: the WebClient sees a status that is not 200');
});

test('a multipart body (file upload) goes through the global fetch; an aborted request rejects', async (t) => {
  const base = await echoServer(t);
  const form = new FormData();
  form.append('file', new Blob(['hello']), 'a.txt');
  const res = await slackFetch(`${base}/upload`, { method: 'POST', body: form });
  assert.match(((await res.json()) as { type: string }).type, /^multipart\/form-data; boundary=/);
  await assert.rejects(slackFetch(`${base}/api/x`, { method: 'POST', body: 'a=1', signal: AbortSignal.abort() }));
});
