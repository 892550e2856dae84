/**
 * The HTTP transport bureau adapters talk through. In AWS and locally it is node:http(s) with
 * keep-alive connections ({@link keepAliveTransport}); in-process
 * backtests plug the simulator's world in directly. Resilience (timeouts, retries, breaker, rate
 * limit) wraps a transport, it does not live in one.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { ResponseTooLargeError } from '#shared/errors.ts';

/**
 * The largest answer read off the wire, and once decoded. The largest real answers (a Companies
 * House filing history page, a group's roles) are a few hundred KB; a 300 KB gzip bomb decodes to
 * gigabytes, and a Lambda function has a few hundred MB.
 */
export const MAX_RESPONSE_BYTES = { wire: 5 * 1024 * 1024, decoded: 20 * 1024 * 1024 } as const;

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** The network transport on the runtime's `fetch` (undici): simpler, but dearer per request than {@link keepAliveTransport}. */
export const fetchTransport: HttpTransport = async (request) => {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(request.timeoutMs),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  // fetch decodes as it reads: the decoded size is what is capped, chunk by chunk.
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES.decoded) {
      await response.body?.cancel();
      throw tooLarge(request.url, 'decoded', MAX_RESPONSE_BYTES.decoded);
    }
    chunks.push(chunk);
  }
  return { status: response.status, headers, body: Buffer.concat(chunks).toString('utf8') };
};

function tooLarge(url: string, what: 'on the wire' | 'decoded', limit: number): ResponseTooLargeError {
  const path = new URL(url).pathname;
  return new ResponseTooLargeError(`answer for ${path} exceeds ${limit / (1024 * 1024)} MB ${what}`);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Connections are kept open between requests (TLS handshakes are the dearest part of a small call). */
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

class TransportTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * The real network transport on node:http/node:https with keep-alive agents: what `fetch` does for
 * a JSON API (redirects followed, gzip/deflate/br decoded) at a fraction of its CPU per request, as
 * a monitor invocation makes several bureau calls per subject.
 *
 * @example
 * const response = await keepAliveTransport({ method: 'GET', url: 'https://data.brreg.no/enhetsregisteret/api/enheter/923609016', headers: { accept: 'application/json' }, timeoutMs: 5000 });
 * response.status; // 200
 */
export const keepAliveTransport: HttpTransport = (request) => {
  const deadline = Date.now() + request.timeoutMs;
  return send(request.method, new URL(request.url), request.headers, request.body, deadline, 0);
};

function send(
  method: 'GET' | 'POST',
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: string | undefined,
  deadline: number,
  redirects: number,
): Promise<HttpResponse> {
  const protocol = url.protocol === 'https:' ? 'https:' : url.protocol === 'http:' ? 'http:' : null;
  if (protocol === null) return Promise.reject(new Error(`unsupported protocol ${url.protocol}`));
  const outgoing: Record<string, string> = {
    'accept-encoding': 'gzip, deflate, br',
    'user-agent': 'credmon',
    ...headers,
  };
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  if (payload) outgoing['content-length'] = String(payload.length);
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = (protocol === 'https:' ? https : http).request(url, {
      method,
      headers: outgoing,
      agent: agents[protocol],
    });
    const timer = setTimeout(
      () => request.destroy(new TransportTimeout('timed out')),
      Math.max(0, deadline - Date.now()),
    );
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES.wire) {
          request.destroy(tooLarge(url.toString(), 'on the wire', MAX_RESPONSE_BYTES.wire));
          return;
        }
        chunks.push(chunk);
      });
      response.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      response.once('end', () => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (REDIRECTS.has(status) && location && redirects < MAX_REDIRECTS) {
          // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
          const asGet = status === 303 || ((status === 301 || status === 302) && method === 'POST');
          const next = new URL(location, url);
          const nextHeaders = { ...headers };
          if (asGet) delete nextHeaders['content-type'];
          if (next.origin !== url.origin) {
            delete nextHeaders.authorization;
          }
          send(
            asGet ? 'GET' : method,
            next,
            nextHeaders,
            asGet ? undefined : body,
            deadline,
            redirects + 1,
          ).then(resolve, reject);
          return;
        }
        try {
          resolve({
            status,
            headers: flatHeaders(response.headers),
            body: decode(Buffer.concat(chunks), response.headers['content-encoding']),
          });
        } catch (error) {
          reject(
            (error as { code?: string } | null)?.code === 'ERR_BUFFER_TOO_LARGE'
              ? tooLarge(url.toString(), 'decoded', MAX_RESPONSE_BYTES.decoded)
              : error,
          );
        }
      });
    });
    request.end(payload);
  });
}

function flatHeaders(incoming: http.IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function decode(raw: Buffer, encoding: string | undefined): string {
  // zlib stops at maxOutputLength with ERR_BUFFER_TOO_LARGE rather than inflating a bomb whole.
  const limit = { maxOutputLength: MAX_RESPONSE_BYTES.decoded };
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(raw, limit).toString('utf8');
    case 'deflate':
      return zlib.inflateSync(raw, limit).toString('utf8');
    case 'br':
      return zlib.brotliDecompressSync(raw, limit).toString('utf8');
    default:
      return raw.toString('utf8');
  }
}
