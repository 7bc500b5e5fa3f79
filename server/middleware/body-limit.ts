// Request body limits: 413 above 64 KiB unless an endpoint says otherwise.
// A body whose length is declared (Content-Length, no Transfer-Encoding) is judged by that
// header alone: Node's HTTP parser never hands a handler more bytes than it declares.
// hono's bodyLimit first reads `c.req.raw.body`, which makes @hono/node-server build a
// whole web Request and stream for the body, and the JSON is then read through that
// stream instead of straight from the socket: about a fifth of the HTTP cost of a consent
// write. Any other body (chunked, or a Request made in-process without the header) goes
// through hono's bodyLimit, which counts while reading; GET and HEAD have none.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export interface BodyLimitRule {
  pattern: RegExp;
  maxSize: number;
}

export function bodyLimits(
  rules: BodyLimitRule[],
  defaultMaxSize: number,
  tooLarge: () => never,
): MiddlewareHandler {
  const counting = new Map(
    [...rules.map((r) => r.maxSize), defaultMaxSize].map((max) => [
      max,
      bodyLimit({ maxSize: max, onError: tooLarge }),
    ]),
  );
  return (c, next) => {
    const maxSize = rules.find((r) => r.pattern.test(c.req.path))?.maxSize ?? defaultMaxSize;
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(declared) > maxSize) tooLarge();
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return counting.get(maxSize)!(c, next);
  };
}
