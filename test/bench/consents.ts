// Consent writes benchmark (issue 3): autocannon against (a) a bare Hono route that parses
// the JSON and answers 201, storing nothing, and (b) the real Akkoord app recording consents
// on a fresh SQLite file (synchronous=FULL: every answered write is on disk). Each server
// runs in a child process (server-process.ts), one after the other, so the load generator
// and the server do not share an event loop. Run: `npm run bench -- consents`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startBenchServer, type ServerKind } from './server-process.js';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = 2;

/** A store built beforehand (growth bench): its file, the keyring secret it was built with and its tenant's public key. */
export interface PrebuiltStore {
  file: string;
  secret: string;
  publicKey: string;
}

/** A fresh SQLite file with one tenant and the demo configuration published, made in this process before the server starts. */
async function freshStore(): Promise<PrebuiltStore & { dir: string }> {
  const { createContext } = await import('../../server/app.js');
  const { loadConfig } = await import('../../server/config.js');
  const { createStore } = await import('../../server/db/create-db.js');
  const { createTenant } = await import('../../server/services/tenants.js');
  const { publishConfig } = await import('../../server/services/config.js');
  const { demoConfig } = await import('../../server/services/demo.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-bench-'));
  const file = path.join(dir, 'akkoord.db');
  const secret = crypto.randomBytes(32).toString('base64url');
  const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, AKKOORD_SECRET: secret, PUBLIC_URL: 'http://127.0.0.1:8080', LOG_LEVEL: 'warn' });
  const store = createStore(config.databaseUrl);
  try {
    await store.migrate();
    const ctx = createContext({ db: store, config });
    const tenant = await createTenant(ctx, { name: 'Bench BV', allowedOrigins: ['https://shop.example'] });
    await publishConfig(ctx, tenant.tenant.id, demoConfig('https://shop.example'), 'bench');
    return { dir, file, secret, publicKey: tenant.publicKey };
  } finally {
    await store.close();
  }
}

function consentBody(publicKey: string): string {
  return JSON.stringify({
    key: publicKey,
    visitorId: `v_${crypto.randomBytes(16).toString('base64url')}`,
    decisions: { necessary: true, analytics: true, ads: false },
    configVersion: 1,
    locale: 'nl',
    source: 'banner',
    gpc: false,
    clientEventId: `ce_${crypto.randomBytes(16).toString('hex')}`,
  });
}

async function load(port: number, publicKey: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{
      method: 'POST',
      path: '/v1/consents',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example', 'user-agent': 'Mozilla/5.0 (bench)' },
      // A new visitor and clientEventId on every request: no idempotent replays are counted.
      setupRequest: (request) => ({ ...request, body: consentBody(publicKey) }),
    }],
  });
}

export interface Measured {
  /** Server CPU time per answered request, ms: steadier than req/s on a shared machine. */
  cpuMsPerRequest: number;
  /** 2xx answers over the warm-up and the measured run. */
  acknowledged: number;
  stored?: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

/** Load against one server; `prebuilt` serves an existing file (left in place) instead of a fresh one. */
export async function measure(kind: ServerKind, prebuilt?: PrebuiltStore): Promise<Measured> {
  const fresh = kind === 'app' && !prebuilt ? await freshStore() : undefined;
  const store = prebuilt ?? fresh;
  const server = store ? await startBenchServer('app', { databaseUrl: `sqlite:${store.file}`, secret: store.secret }) : await startBenchServer('bare');
  const publicKey = store?.publicKey ?? 'pk_bare';
  let measured: Measured | undefined;
  try {
    const warmup = await load(server.port, publicKey, WARMUP_S);
    const cpuBefore = await server.cpuMs();
    const result = await load(server.port, publicKey, DURATION_S);
    const cpu = (await server.cpuMs()) - cpuBefore;
    measured = {
      cpuMsPerRequest: Math.round((cpu / Math.max(1, result['2xx'])) * 1000) / 1000,
      acknowledged: warmup['2xx'] + result['2xx'],
      reqPerSec: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      total: result.requests.total,
    };
  } finally {
    await server.stop();
    if (fresh) {
      if (measured) measured.stored = countStored(fresh.file);
      fs.rmSync(fresh.dir, { recursive: true, force: true });
    }
  }
  return measured;
}

/** How many consent calls reached the file: a cross-check that answered means stored. */
function countStored(file: string): number {
  const SQLite = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  const db = new SQLite(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(DISTINCT consent_id) AS n FROM consent_events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export async function runConsentsBench(): Promise<Record<string, number | string>> {
  const started = new Date();
  const load1 = os.loadavg()[0].toFixed(1);
  console.log(`consents bench: ${CONNECTIONS} connections, ${DURATION_S} s per server after ${WARMUP_S} s warm-up`);
  const bare = await measure('bare');
  console.log(`  bare Hono:   ${bare.reqPerSec} req/s, p50 ${bare.p50} ms, p99 ${bare.p99} ms, ${bare.cpuMsPerRequest} ms CPU/request`);
  const app = await measure('app');
  console.log(`  consent API: ${app.reqPerSec} req/s, p50 ${app.p50} ms, p99 ${app.p99} ms, ${app.cpuMsPerRequest} ms CPU/request, non-2xx ${app.non2xx}, errors ${app.errors}`);
  console.log(`  acknowledged writes ${app.acknowledged}, consent calls in the file after the run ${app.stored}`);
  const ratio = app.reqPerSec / bare.reqPerSec;
  console.log(`  ratio: ${(ratio * 100).toFixed(1)} % of the bare route`);
  return {
    date: started.toISOString().slice(0, 10),
    'machine: nproc, load average (1 min) at start': `${os.availableParallelism()}, ${load1}`,
    'bare Hono route: req/s': bare.reqPerSec,
    'bare Hono route: p50 / p99 ms': `${bare.p50} / ${bare.p99}`,
    'bare Hono route: server CPU ms per request': bare.cpuMsPerRequest,
    'POST /v1/consents (SQLite, synchronous=FULL): req/s': app.reqPerSec,
    'POST /v1/consents: p50 / p99 ms': `${app.p50} / ${app.p99}`,
    'POST /v1/consents: server CPU ms per request': app.cpuMsPerRequest,
    'POST /v1/consents: non-2xx / errors': `${app.non2xx} / ${app.errors}`,
    'POST /v1/consents: acknowledged / in the file afterwards': `${app.acknowledged} / ${app.stored}`,
    'consent writes as % of bare (req/s)': `${(ratio * 100).toFixed(1)} %`,
    'consent writes as % of bare (CPU per request)': `${((bare.cpuMsPerRequest / app.cpuMsPerRequest) * 100).toFixed(1)} %`,
  };
}
