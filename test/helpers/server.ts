// A real Akkoord server on an ephemeral port, for browser tests: createApp on a temp SQLite file,
// served by @hono/node-server, with PUBLIC_URL pointing at itself.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ensureDemoTenant, type DemoTenant } from '../../server/services/config/demo.js';
import { startTestApp, type TestApp } from './app.js';

export interface ServedApp {
  /** http://127.0.0.1:PORT, also the app's PUBLIC_URL. */
  url: string;
  t: TestApp;
  close(): Promise<void>;
}

/** Options as for startTestApp; PUBLIC_URL is always the served address. */
export async function serveTestApp(
  options: Parameters<typeof startTestApp>[1] = {},
): Promise<ServedApp> {
  // The port is known only after listening, and PUBLIC_URL must name it: listen first and
  // hand requests to the app once it exists.
  const late: { app?: TestApp['app'] } = {};
  // The env carries the Node request, which is where the app reads the client's IP.
  const server = serve({
    fetch: (request, env) =>
      late.app?.fetch(request, env) ?? new Response('starting', { status: 503 }),
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await startTestApp('sqlite', { ...options, env: { ...options.env, PUBLIC_URL: url } });
  late.app = t.app;
  return {
    url,
    t,
    async close() {
      // Keep-alive connections from the browser would hold close() open.
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

/** A served app with the demo tenant and its shop page at /, as `npm start` sets it up. */
export async function serveDemoShop(
  options: Parameters<typeof serveTestApp>[0] = {},
): Promise<ServedApp & { demo: DemoTenant & { secretKey: string } }> {
  const served = await serveTestApp(options);
  const demo = await ensureDemoTenant(served.t.ctx);
  if (!demo?.secretKey) throw new Error('the demo tenant was not created');
  return { ...served, demo: { ...demo, secretKey: demo.secretKey } };
}

/** Sets the demo tenant's allowed origins through the API, as a site owner would. */
export function allowShopOrigins(
  shop: Awaited<ReturnType<typeof serveDemoShop>>,
  origins: string[],
): Promise<Response> {
  return fetch(`${shop.url}/v1/tenant/origins`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${shop.demo.secretKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ allowedOrigins: origins }),
  });
}
