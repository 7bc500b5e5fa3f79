// A server under benchmark runs in its own child process, so the load generator or the
// reading client never shares its event loop: on two cores each gets one, and the
// server's CPU time (asked over IPC) is its own. Two kinds: a bare Hono route that parses
// the JSON body and answers 201 (the baseline), and the whole Akkoord app on a store the
// parent prepared (any DATABASE_URL).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type ServerKind = 'bare' | 'app';

export interface AppStore {
  databaseUrl: string;
  /** The AKKOORD_SECRET the store was built with (its keyring). */
  secret: string;
  /** SQLite: banner consents written by the worker thread (the default) or inline on the event loop. */
  consentWrites?: 'worker' | 'inline';
}

export interface BenchServer {
  port: number;
  /** The child's CPU time so far (user + system), ms. */
  cpuMs(): Promise<number>;
  /** The child's resident memory now and its peak so far, bytes. */
  memory(): Promise<{ rss: number; peakRss: number }>;
  stop(): Promise<void>;
}

export function startBenchServer(kind: 'bare'): Promise<BenchServer>;
export function startBenchServer(kind: 'app', store: AppStore): Promise<BenchServer>;
export function startBenchServer(kind: ServerKind, store?: AppStore): Promise<BenchServer> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: {
      ...process.env,
      AKKOORD_BENCH_SERVE: kind,
      ...(store ? { AKKOORD_BENCH_STORE: JSON.stringify(store) } : {}),
    },
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
    ],
    // The app's log goes nowhere, as it would to a log shipper: its cost is counted, not its I/O waits.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (port) =>
      resolve({
        port: port as number,
        cpuMs: async () => (await ask(child)).cpuMs,
        memory: async () => (await ask(child)).memory,
        stop: () => stop(child),
      }),
    );
    child.once('exit', (code) => reject(new Error(`${kind} bench server exited with ${code}`)));
  });
}

interface Stats {
  cpuMs: number;
  memory: { rss: number; peakRss: number };
}

function ask(child: ChildProcess): Promise<Stats> {
  return new Promise((resolve) => {
    child.once('message', (stats) => resolve(stats as Stats));
    child.send('stats');
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    // SIGINT lets --cpu-prof write its profile.
    child.kill('SIGINT');
  });
}

// ---------------------------------------------------------------- child side

async function serveBare(): Promise<number> {
  const { Hono } = await import('hono');
  const app = new Hono().post('/v1/consents', async (c) => {
    const body = (await c.req.json()) as { clientEventId?: string };
    return c.json({ id: body.clientEventId ?? null }, 201);
  });
  return listen(app.fetch);
}

async function serveApp(store: AppStore): Promise<number> {
  const { createApp, createContext } = await import('../../server/app.js');
  const { loadConfig } = await import('../../server/config.js');
  const { createStore } = await import('../../server/db/create-db.js');
  const config = loadConfig({
    DATABASE_URL: store.databaseUrl,
    AKKOORD_SECRET: store.secret,
    PUBLIC_URL: 'http://127.0.0.1:8080',
    // A flood from one address is exactly what the limiter exists to stop; here it is the point.
    // BENCH_RATE_LIMITS='{"publicPerIp":"100000000/60","publicPerKey":"100000000/60"}' measures
    // the limits' counting without refusing anything.
    AKKOORD_RATE_LIMITS: process.env.BENCH_RATE_LIMITS ?? 'off',
    // warn: the request log is off for the run (one line per request written to a pipe nobody
    // reads measured the logger, not the server); LOG_LEVEL=info measures it too.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const db = createStore(config.databaseUrl, { consentWrites: store.consentWrites });
  await db.migrate();
  return listen(createApp(createContext({ db, config })).fetch);
}

async function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<number> {
  const { serve } = await import('@hono/node-server');
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  return (server.address() as import('node:net').AddressInfo).port;
}

if (process.env.AKKOORD_BENCH_SERVE) {
  const kind = process.env.AKKOORD_BENCH_SERVE as ServerKind;
  const port =
    kind === 'app'
      ? await serveApp(JSON.parse(process.env.AKKOORD_BENCH_STORE ?? '{}') as AppStore)
      : await serveBare();
  process.send?.(port);
  process.on('message', (message) => {
    if (message !== 'stats') return;
    const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
    const stats: Stats = {
      cpuMs: (userCPUTime + systemCPUTime) / 1000,
      memory: { rss: process.memoryUsage.rss(), peakRss: maxRSS * 1024 },
    };
    process.send?.(stats);
  });
  process.on('SIGINT', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}
