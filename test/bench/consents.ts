// Consent writes benchmark (issue 3): autocannon against (a) a bare Hono route that parses
// the JSON and answers 201, storing nothing, and (b) the real Akkoord app recording consents
// on a fresh SQLite file (synchronous=FULL: every answered write is on disk). Each server
// runs in a child process of this script, one after the other, so the load generator and the
// server do not share an event loop. Run: `npm run bench -- consents`.
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = 2;

type Kind = 'bare' | 'app';
interface Ready {
  port: number;
  publicKey: string;
  dir?: string;
}

// ---------------------------------------------------------------- child side: the servers

async function serveBare(): Promise<Ready> {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const app = new Hono().post('/v1/consents', async (c) => {
    const body = (await c.req.json()) as { clientEventId?: string };
    return c.json({ id: body.clientEventId ?? null }, 201);
  });
  return listen(serve, app.fetch, { publicKey: 'pk_bare' });
}

/** A store built beforehand (growth bench): its file, the keyring secret it was built with and its tenant's public key. */
export interface PrebuiltStore {
  file: string;
  secret: string;
  publicKey: string;
}

async function serveApp(): Promise<Ready> {
  const { serve } = await import('@hono/node-server');
  const { createApp, createContext } = await import('../../server/app.js');
  const { loadConfig } = await import('../../server/config.js');
  const { createStore } = await import('../../server/db/create-db.js');
  const { createTenant } = await import('../../server/services/tenants.js');
  const { publishConfig } = await import('../../server/services/config.js');
  const { demoConfig } = await import('../../server/services/demo.js');
  const prebuilt = process.env.AKKOORD_BENCH_PREBUILT ? (JSON.parse(process.env.AKKOORD_BENCH_PREBUILT) as PrebuiltStore) : null;
  const dir = prebuilt ? path.dirname(prebuilt.file) : fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-bench-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${prebuilt?.file ?? path.join(dir, 'akkoord.db')}`,
    AKKOORD_SECRET: prebuilt?.secret ?? crypto.randomBytes(32).toString('base64url'),
    PUBLIC_URL: 'http://127.0.0.1:8080',
    // A flood from one address is exactly what the limiter exists to stop; here it is the point.
    AKKOORD_RATE_LIMITS: 'off',
    // warn: the request log is off for the run (one line per request written to a pipe nobody reads
    // measured the logger, not the write path); LOG_LEVEL=info measures it too.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const store = createStore(config.databaseUrl);
  await store.migrate();
  const ctx = createContext({ db: store, config });
  if (prebuilt) return listen(serve, createApp(ctx).fetch, { publicKey: prebuilt.publicKey });
  const tenant = await createTenant(ctx, { name: 'Bench BV', allowedOrigins: ['https://shop.example'] });
  await publishConfig(ctx, tenant.tenant.id, demoConfig('https://shop.example'), 'bench');
  return listen(serve, createApp(ctx).fetch, { publicKey: tenant.publicKey, dir });
}

async function listen(
  serve: typeof import('@hono/node-server').serve,
  fetch: (request: Request, env: unknown) => Response | Promise<Response>,
  ready: Omit<Ready, 'port'>,
): Promise<Ready> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  return { ...ready, port: (server.address() as import('node:net').AddressInfo).port };
}

// ---------------------------------------------------------------- parent side: the load

function startServer(kind: Kind, prebuilt?: PrebuiltStore): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, AKKOORD_BENCH_SERVE: kind, ...(prebuilt ? { AKKOORD_BENCH_PREBUILT: JSON.stringify(prebuilt) } : {}) },
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    // The app's request log goes nowhere, as it would to a log shipper: its cost is counted, not its I/O waits.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // SIGINT lets --cpu-prof write its profile.
    child.kill('SIGINT');
  });
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

/** The server process's CPU time (user + system, ms), asked over the IPC channel. */
function serverCpuMs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (ms) => resolve(ms as number));
    child.send('cpu');
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
export async function measure(kind: Kind, prebuilt?: PrebuiltStore): Promise<Measured> {
  const { child, ready } = await startServer(kind, prebuilt);
  let measured: Measured | undefined;
  try {
    const warmup = await load(ready.port, ready.publicKey, WARMUP_S);
    const cpuBefore = await serverCpuMs(child);
    const result = await load(ready.port, ready.publicKey, DURATION_S);
    const cpu = (await serverCpuMs(child)) - cpuBefore;
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
    await stopServer(child);
    if (ready.dir) {
      if (measured) measured.stored = countStored(ready.dir);
      fs.rmSync(ready.dir, { recursive: true, force: true });
    }
  }
  return measured;
}

/** How many consent calls reached the file: a cross-check that answered means stored. */
function countStored(dir: string): number {
  const SQLite = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  const db = new SQLite(path.join(dir, 'akkoord.db'), { readonly: true });
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

if (process.env.AKKOORD_BENCH_SERVE) {
  const ready = await (process.env.AKKOORD_BENCH_SERVE === 'app' ? serveApp() : serveBare());
  process.send?.(ready);
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send?.((user + system) / 1000);
  });
  process.on('SIGINT', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}
