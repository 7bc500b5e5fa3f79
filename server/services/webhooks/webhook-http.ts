// The HTTP client of webhook deliveries. It connects to an address given to it (one
// that passed the SSRF check), never to whatever a fresh DNS lookup of the URL's host
// would answer, while the Host header and the TLS server name stay the URL's host, so
// certificates and virtual hosts work as usual. Redirects are never followed: a 3xx is
// just a status that is not an acknowledgement.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { ResolvedAddress } from './webhook-target.js';

export interface PostInit {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** Posts `init.body` to `url` over a connection to `address`; resolves with the status code. */
export function postToAddress(url: URL, address: ResolvedAddress, init: PostInit): Promise<number> {
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (secure ? 443 : 80);
  return new Promise<number>((resolve, reject) => {
    const request = (secure ? https : http).request(
      {
        method: 'POST',
        host,
        port,
        path: `${url.pathname}${url.search}`,
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
        // No agent: each delivery gets its own connection, made here and nowhere else.
        createConnection: () =>
          secure
            ? tls.connect({
                host: address.address,
                port,
                servername: net.isIP(host) ? undefined : host,
              })
            : net.connect({ host: address.address, port }),
      },
      (response) => {
        // Only the status counts; the body is never read, so nothing of it can be stored.
        resolve(response.statusCode ?? 0);
        response.destroy();
      },
    );
    const timer = setTimeout(
      () => request.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })),
      init.timeoutMs,
    );
    request.on('error', reject);
    request.on('close', () => clearTimeout(timer));
    request.end(init.body);
  });
}
