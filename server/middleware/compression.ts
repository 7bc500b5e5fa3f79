// gzip for text answers, for clients that accept it. An answer built in memory is
// compressed only from 1,400 bytes on (about what one TCP segment carries): below that gzip
// saves a packet at most, and the consent API's answer (a receipt, about a kilobyte) would
// pay for it on every banner choice. A streamed answer (NDJSON exports and
// audiences, which can be large) is compressed as it streams. Answers that carry their own
// encoding (the widget caches its gzipped bundle) and paths the caller skips are left alone.
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { createMiddleware } from 'hono/factory';

const gzipAsync = promisify(gzip);
const THRESHOLD = 1400;
/**
 * Up to this size an answer is gzipped on the event loop: a small body compresses in a
 * tenth of a millisecond, while zlib's asynchronous round trip through the thread pool
 * cost about half a millisecond of CPU per answer. Larger bodies go to the pool.
 */
const SYNC_LIMIT = 32 * 1024;
const TEXT =
  /^(text\/|application\/(json|javascript|xml|x-ndjson|[\w.+-]+\+json)|image\/svg\+xml)/i;
/** The content types our routes stream; everything else is built in memory anyway. */
const STREAMED = /^application\/x-ndjson/i;

function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((x) => x !== undefined);
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q) > 0);
  });
}

export function compression(skip: (path: string) => boolean) {
  return createMiddleware(async (c, next) => {
    await next();
    // Status and headers first: reading `body` turns @hono/node-server's lightweight answer
    // into a web Response, which it then writes through a stream, a cost most answers (small,
    // or to clients without gzip) need not pay.
    const res = c.res;
    if (skip(c.req.path) || c.req.method === 'HEAD' || [204, 206, 304].includes(res.status)) return;
    const type = res.headers.get('content-type') ?? '';
    if (res.headers.has('content-encoding') || !TEXT.test(type)) return;
    if (/no-transform/i.test(res.headers.get('cache-control') ?? '')) return;
    const vary = res.headers.get('vary');
    if (!/accept-encoding|\*/i.test(vary ?? ''))
      res.headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    if (!acceptsGzip(c.req.header('accept-encoding'))) return;
    const length = res.headers.get('content-length');
    if ((length !== null && Number(length) < THRESHOLD) || !res.body) return;
    let body: ReadableStream<Uint8Array> | Uint8Array;
    if (STREAMED.test(type)) {
      body = res.body.pipeThrough(
        new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
      );
    } else {
      const raw = new Uint8Array(await res.arrayBuffer());
      if (raw.byteLength < THRESHOLD) {
        c.res = new Response(raw, res);
        return;
      }
      body = new Uint8Array(raw.byteLength <= SYNC_LIMIT ? gzipSync(raw) : await gzipAsync(raw));
    }
    c.res = new Response(body as BodyInit, res);
    // Set after the assignment: Hono copies the old answer's headers onto the new one.
    c.res.headers.delete('content-length');
    c.res.headers.set('content-encoding', 'gzip');
    const etag = c.res.headers.get('etag');
    // The compressed bytes differ from the plain ones: the same ETag can only be weak.
    if (etag && !etag.startsWith('W/')) c.res.headers.set('etag', `W/${etag}`);
  });
}
