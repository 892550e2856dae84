import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { keepAliveTransport, MAX_RESPONSE_BYTES } from '#shared/adapters/bureaus/transport.ts';
import { outcomeOf, ResponseTooLargeError } from '#shared/errors.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A loopback server whose answers each test scripts; records which sockets served requests. */
async function serve(handler: Handler): Promise<{ url: string; sockets: Set<unknown>; server: Server }> {
  const sockets = new Set<unknown>();
  const server = createServer((req, res) => {
    sockets.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, sockets, server };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('keepAliveTransport', () => {
  it('returns status, lower-cased headers and body, and reuses one connection for calls in sequence', async () => {
    // Prepare
    const { url, sockets, server } = await serve((req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Trace': 'a' }).end(`{"path":"${req.url}"}`);
    });
    try {
      // Act
      const first = await keepAliveTransport({
        method: 'GET',
        url: `${url}/a?x=1`,
        headers: {},
        timeoutMs: 5000,
      });
      const second = await keepAliveTransport({
        method: 'GET',
        url: `${url}/b`,
        headers: {},
        timeoutMs: 5000,
      });

      // Assess
      expect(first).toEqual({
        status: 200,
        headers: expect.objectContaining({ 'content-type': 'application/json', 'x-trace': 'a' }),
        body: '{"path":"/a?x=1"}',
      });
      expect(second.body).toBe('{"path":"/b"}');
      expect(sockets.size).toBe(1);
    } finally {
      await stop(server);
    }
  });

  it('sends a POST body with its length and the caller headers', async () => {
    // Prepare
    const seen: { method?: string; body?: string; type?: string; length?: string } = {};
    const { url, server } = await serve((req, body, res) => {
      Object.assign(seen, {
        method: req.method,
        body,
        type: req.headers['content-type'],
        length: req.headers['content-length'],
      });
      res.writeHead(201).end('{}');
    });
    try {
      // Act
      const response = await keepAliveTransport({
        method: 'POST',
        url: `${url}/lookup`,
        headers: { 'content-type': 'application/json' },
        body: '{"name":"Åse"}',
        timeoutMs: 5000,
      });

      // Assess
      expect(response.status).toBe(201);
      expect(seen).toEqual({
        method: 'POST',
        body: '{"name":"Åse"}',
        type: 'application/json',
        length: String(Buffer.byteLength('{"name":"Åse"}')),
      });
    } finally {
      await stop(server);
    }
  });

  it('decodes a gzip body and follows a redirect, as fetch does', async () => {
    // Prepare
    const { url, server } = await serve((req, _body, res) => {
      if (req.url === '/old') {
        res.writeHead(302, { location: '/new' }).end();
        return;
      }
      const accepted = String(req.headers['accept-encoding']);
      res
        .writeHead(200, { 'content-encoding': 'gzip', 'x-accepted': accepted })
        .end(gzipSync('{"moved":true}'));
    });
    try {
      // Act
      const response = await keepAliveTransport({
        method: 'GET',
        url: `${url}/old`,
        headers: {},
        timeoutMs: 5000,
      });

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toBe('{"moved":true}');
      expect(response.headers['x-accepted']).toContain('gzip');
    } finally {
      await stop(server);
    }
  });

  it('fails with a TimeoutError when no answer comes within the timeout', async () => {
    // Prepare
    const { url, server } = await serve(() => {
      // never answers
    });
    try {
      // Act
      const outcome = keepAliveTransport({ method: 'GET', url: `${url}/slow`, headers: {}, timeoutMs: 100 });

      // Assess
      await expect(outcome).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      await stop(server);
    }
  });

  it('fails with a network error when nothing listens', async () => {
    // Prepare
    const { url, server } = await serve(() => {});
    await stop(server);

    // Act
    const outcome = keepAliveTransport({ method: 'GET', url: `${url}/gone`, headers: {}, timeoutMs: 1000 });

    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses a gzip answer that decodes past the cap, without inflating it whole', async () => {
    // Prepare: 30 MB of zeros gzip to about 30 KB
    const bomb = gzipSync(Buffer.alloc(MAX_RESPONSE_BYTES.decoded + 10 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    const { url, server } = await serve((_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).end(bomb);
    });
    try {
      // Act
      const outcome = keepAliveTransport({
        method: 'GET',
        url: `${url}/bomb?key=secret`,
        headers: {},
        timeoutMs: 5000,
      });

      // Assess
      const error = await outcome.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect(outcomeOf(error)).toBe('dead-letter');
      expect((error as Error).message).toBe('answer for /bomb exceeds 20 MB decoded');
    } finally {
      await stop(server);
    }
  });

  it('stops reading an answer larger than the cap on the wire', async () => {
    // Prepare: 6 MB, sent in 64 KB chunks
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const { url, server } = await serve((_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let sent = 0; sent < MAX_RESPONSE_BYTES.wire + 1024 * 1024; sent += chunk.length) res.write(chunk);
      res.end();
    });
    try {
      // Act
      const outcome = keepAliveTransport({ method: 'GET', url: `${url}/huge`, headers: {}, timeoutMs: 5000 });

      // Assess
      await expect(outcome).rejects.toThrow(
        new ResponseTooLargeError('answer for /huge exceeds 5 MB on the wire'),
      );
    } finally {
      await stop(server);
    }
  });
});
