// A second loopback web server on another port: a site's own pages that embed the banner from
// the Akkoord server, so the browser sees a real cross-origin embed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtherOrigin {
  /** http://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

export interface Served {
  body: string;
  headers?: Record<string, string>;
}

/** Serves what `respond(url, path)` returns; a string is HTML, or JavaScript for a path ending in .js. */
export async function serveOtherOrigin(
  respond: (url: string, path: string) => string | Served,
): Promise<OtherOrigin> {
  let url = '';
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', url).pathname;
    const answer = respond(url, path);
    const { body, headers } = typeof answer === 'string' ? { body: answer, headers: {} } : answer;
    const type = path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
