// Consent writes benchmark: autocannon against (a) a bare Hono route that parses
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
import pg from 'pg';
import type { Dialect } from '../../server/db/create-db.js';
import { visitorIdNow } from '../../widget/consent/random-id.js';
import { coresBusyBetween, sampleCpu, type CoresBusy } from './machine-cpu.js';
import { watchHeadLockWaits, type HeadLockWaits } from './head-lock-waits.js';
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

/**
 * A fresh store with one tenant (or more) and the demo configuration published, made in this
 * process before the server starts. `publicKey` is the first tenant's; `publicKeys` all of them.
 */
export async function freshStore(
  dialect: Dialect = 'sqlite',
  tenants = 1,
): Promise<PrebuiltStore & { dir: string; databaseUrl: string; publicKeys: string[] }> {
  const { createContext } = await import('../../server/app.js');
  const { loadConfig } = await import('../../server/config.js');
  const { createStore } = await import('../../server/db/create-db.js');
  const { createTenant } = await import('../../server/services/tenants/tenants.js');
  const { publishConfig } = await import('../../server/services/config/config.js');
  const { demoConfig } = await import('../../server/services/config/demo.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-bench-'));
  const file = path.join(dir, 'akkoord.db');
  const databaseUrl =
    dialect === 'sqlite'
      ? `sqlite:${file}`
      : postgresSchemaUrl(`bench_${crypto.randomBytes(6).toString('hex')}`);
  const secret = crypto.randomBytes(32).toString('base64url');
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    AKKOORD_SECRET: secret,
    PUBLIC_URL: 'http://127.0.0.1:8080',
    LOG_LEVEL: 'warn',
  });
  const store = createStore(config.databaseUrl);
  try {
    await store.migrate();
    const ctx = createContext({ db: store, config });
    const publicKeys: string[] = [];
    for (let n = 1; n <= tenants; n++) {
      const tenant = await createTenant(ctx, {
        name: `Bench ${n} BV`,
        allowedOrigins: ['https://shop.example'],
      });
      await publishConfig(ctx, tenant.tenant.id, demoConfig('https://shop.example'), 'bench');
      publicKeys.push(tenant.publicKey);
    }
    return { dir, file, databaseUrl, secret, publicKey: publicKeys[0], publicKeys };
  } finally {
    await store.close();
  }
}

export function consentBody(publicKey: string): string {
  return JSON.stringify({
    key: publicKey,
    // A new visitor per request, with an id made as the widget makes it.
    visitorId: visitorIdNow(),
    decisions: { necessary: true, analytics: true, ads: false },
    configVersion: 1,
    locale: 'nl',
    source: 'banner',
    gpc: false,
    clientEventId: `ce_${crypto.randomBytes(16).toString('hex')}`,
  });
}

/**
 * One write answered before the load starts: the app starts its consent write worker on
 * the first write, and from source (through tsx, as the bench runs it) on a busy machine
 * that takes seconds, which are no part of the steady state measured.
 */
async function firstWrite(port: number, publicKey: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/consents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
    body: consentBody(publicKey),
  });
  if (res.status !== 201) throw new Error(`the first consent write answered ${res.status}`);
}

async function load(
  port: number,
  publicKey: string,
  seconds: number,
  connections = CONNECTIONS,
): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/v1/consents',
        headers: {
          'content-type': 'application/json',
          origin: 'https://shop.example',
          'user-agent': 'Mozilla/5.0 (bench)',
          // As a browser's fetch sends it.
          'accept-encoding': 'gzip, deflate, br, zstd',
        },
        // A new visitor and clientEventId on every request: no idempotent replays are counted.
        setupRequest: (request) => ({ ...request, body: consentBody(publicKey) }),
      },
    ],
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
  /** Cores kept busy during the measured run, by whom (Linux only). */
  cores?: CoresBusy & { server: number };
  /** How often a server's transaction waited for a ledger head row (PostgreSQL runs). */
  headLockWaits?: HeadLockWaits;
}

/** A database in the PostgreSQL of TEST_DATABASE_URL, kept apart in its own schema. */
function postgresSchemaUrl(schema: string): string {
  const base = process.env.TEST_DATABASE_URL!;
  return `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
}

/** Load against one server; `prebuilt` serves an existing file (left in place) instead of a fresh one. */
export async function measure(
  kind: ServerKind,
  prebuilt?: PrebuiltStore,
  dialect: Dialect = 'sqlite',
  consentWrites?: 'worker' | 'inline',
): Promise<Measured> {
  const fresh = kind === 'app' && !prebuilt ? await freshStore(dialect) : undefined;
  const store = prebuilt ?? fresh;
  const databaseUrl = fresh?.databaseUrl ?? `sqlite:${store?.file}`;
  const server = store
    ? await startBenchServer('app', { databaseUrl, secret: store.secret, consentWrites })
    : await startBenchServer('bare');
  const publicKey = store?.publicKey ?? 'pk_bare';
  let measured: Measured | undefined;
  try {
    if (store) await firstWrite(server.port, publicKey);
    const warmup = await load(server.port, publicKey, WARMUP_S);
    const cpuBefore = await server.cpuMs();
    const machineBefore = sampleCpu();
    const waits =
      dialect === 'postgres' ? watchHeadLockWaits(process.env.TEST_DATABASE_URL!) : undefined;
    const result = await load(server.port, publicKey, DURATION_S);
    const headLockWaits = await waits?.stop();
    const machineAfter = sampleCpu();
    const cpu = (await server.cpuMs()) - cpuBefore;
    measured = {
      cpuMsPerRequest: Math.round((cpu / Math.max(1, result['2xx'])) * 1000) / 1000,
      acknowledged: (store ? 1 : 0) + warmup['2xx'] + result['2xx'],
      reqPerSec: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      total: result.requests.total,
      cores: coresOf(cpu, machineBefore, machineAfter),
      ...(headLockWaits ? { headLockWaits } : {}),
    };
  } finally {
    await server.stop();
    if (fresh) {
      if (measured)
        measured.stored =
          dialect === 'sqlite'
            ? countStored(fresh.file)
            : await countStoredAndDrop(fresh.databaseUrl);
      fs.rmSync(fresh.dir, { recursive: true, force: true });
    }
  }
  return measured;
}

/** The cores a run kept busy; `serverCpuMs` is the server processes' CPU time over the run. */
function coresOf(
  serverCpuMs: number,
  before: ReturnType<typeof sampleCpu>,
  after: ReturnType<typeof sampleCpu>,
): Measured['cores'] {
  if (!before || !after) return undefined;
  const busy = coresBusyBetween(before, after);
  return { ...busy, server: Math.round((serverCpuMs / (after.at - before.at)) * 100) / 100 };
}

const CORES = 'cores busy: server / PostgreSQL / load generator / whole machine';

/** Cores busy as a table cell: the server's, PostgreSQL's, the load generator's, the machine's. */
function coresCell(cores: Measured['cores']): string {
  if (!cores) return 'not measured (no /proc)';
  return `${cores.server} / ${cores.postgres} / ${cores.loadGenerator} / ${cores.machine} of ${os.availableParallelism()}`;
}

/** Head-row waits as a table cell: how often a transaction waited, and how many on average. */
function waitsCell(waits: HeadLockWaits | undefined): string {
  if (!waits) return 'not measured';
  return `${waits.withWaiterPct} % of ${waits.samples} samples, ${waits.meanWaiting} waiting on average`;
}

/** How many consent calls reached the file: a cross-check that answered means stored. */
function countStored(file: string): number {
  const SQLite = createRequire(import.meta.url)(
    'better-sqlite3',
  ) as typeof import('better-sqlite3');
  const db = new SQLite(file, { readonly: true });
  try {
    return (
      db.prepare('SELECT COUNT(DISTINCT consent_id) AS n FROM consent_events').get() as {
        n: number;
      }
    ).n;
  } finally {
    db.close();
  }
}

/** The same count in a PostgreSQL schema, which is dropped afterwards. */
async function countStoredAndDrop(databaseUrl: string): Promise<number> {
  const schema = new URL(databaseUrl).searchParams.get('schema')!;
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT COUNT(DISTINCT consent_id) AS n FROM ${schema}.consent_events`,
    );
    return Number(rows[0].n);
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

/**
 * Two server processes on one PostgreSQL database: the same 50 connections, half to each.
 * With one tenant their writes serialise on its ledger head row (SELECT ... FOR UPDATE);
 * with two, each process writes for a tenant of its own, so only the machine is shared.
 */
async function measureTwoServers(tenants: 1 | 2): Promise<Measured> {
  const fresh = await freshStore('postgres', tenants);
  const store = { databaseUrl: fresh.databaseUrl, secret: fresh.secret };
  const servers = [await startBenchServer('app', store), await startBenchServer('app', store)];
  const keyOf = (n: number) => fresh.publicKeys[n % tenants];
  const half = CONNECTIONS / 2;
  let measured: Measured | undefined;
  try {
    await Promise.all(servers.map((s, n) => firstWrite(s.port, keyOf(n))));
    const warmups = await Promise.all(
      servers.map((s, n) => load(s.port, keyOf(n), WARMUP_S, half)),
    );
    const cpuBefore = await Promise.all(servers.map((s) => s.cpuMs()));
    const machineBefore = sampleCpu();
    const waits = watchHeadLockWaits(process.env.TEST_DATABASE_URL!);
    const results = await Promise.all(
      servers.map((s, n) => load(s.port, keyOf(n), DURATION_S, half)),
    );
    const headLockWaits = await waits.stop();
    const machineAfter = sampleCpu();
    const cpuAfter = await Promise.all(servers.map((s) => s.cpuMs()));
    const cpu = cpuAfter.reduce((sum, after, i) => sum + after - cpuBefore[i], 0);
    const answered = results.reduce((sum, r) => sum + r['2xx'], 0);
    measured = {
      cpuMsPerRequest: Math.round((cpu / Math.max(1, answered)) * 1000) / 1000,
      acknowledged: servers.length + [...warmups, ...results].reduce((sum, r) => sum + r['2xx'], 0),
      reqPerSec: results.reduce((sum, r) => sum + Math.round(r.requests.average), 0),
      p50: Math.max(...results.map((r) => r.latency.p50)),
      p99: Math.max(...results.map((r) => r.latency.p99)),
      non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
      errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
      total: results.reduce((sum, r) => sum + r.requests.total, 0),
      cores: coresOf(cpu, machineBefore, machineAfter),
      headLockWaits,
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    if (measured) measured.stored = await countStoredAndDrop(fresh.databaseUrl);
    fs.rmSync(fresh.dir, { recursive: true, force: true });
  }
  return measured;
}

/**
 * The whole sequence runs this many times: on a shared two-core machine one run's req/s can
 * be a third off the next, so each ratio is the median of the rounds' own ratios.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** One pass over every server kind, one after the other. */
interface Round {
  bare: Measured;
  app: Measured;
  inline: Measured;
  postgres?: Measured;
  two?: Measured;
  twoTenants?: Measured;
}

async function measureRound(n: number): Promise<Round> {
  console.log(`round ${n} of ${ROUNDS}`);
  const bare = await measure('bare');
  console.log(
    `  bare Hono:   ${bare.reqPerSec} req/s, p50 ${bare.p50} ms, p99 ${bare.p99} ms, ${bare.cpuMsPerRequest} ms CPU/request, cores ${coresCell(bare.cores)}`,
  );
  const app = await measure('app');
  console.log(
    `  consent API: ${app.reqPerSec} req/s, p50 ${app.p50} ms, p99 ${app.p99} ms, ${app.cpuMsPerRequest} ms CPU/request, non-2xx ${app.non2xx}, errors ${app.errors}, cores ${coresCell(app.cores)}`,
  );
  console.log(
    `  acknowledged writes ${app.acknowledged}, consent calls in the file after the run ${app.stored}`,
  );
  console.log(
    `  ratio: ${((app.reqPerSec / bare.reqPerSec) * 100).toFixed(1)} % of the bare route`,
  );
  // The same app with its SQLite batches written on the event loop: what the write worker changes.
  const inline = await measure('app', undefined, 'sqlite', 'inline');
  console.log(
    `  consent API, writes inline on the event loop: ${inline.reqPerSec} req/s, p50 ${inline.p50} ms, p99 ${inline.p99} ms, ${inline.cpuMsPerRequest} ms CPU/request, non-2xx ${inline.non2xx}, errors ${inline.errors}; acknowledged ${inline.acknowledged}, stored ${inline.stored}`,
  );
  // PostgreSQL in the same run when TEST_DATABASE_URL names one (its own schema, dropped afterwards).
  if (!process.env.TEST_DATABASE_URL) return { bare, app, inline };
  const postgres = await measure('app', undefined, 'postgres');
  console.log(
    `  consent API on PostgreSQL: ${postgres.reqPerSec} req/s, p50 ${postgres.p50} ms, p99 ${postgres.p99} ms, ${postgres.cpuMsPerRequest} ms CPU/request, non-2xx ${postgres.non2xx}, errors ${postgres.errors}, cores ${coresCell(postgres.cores)}`,
  );
  console.log(
    `  acknowledged ${postgres.acknowledged}, stored ${postgres.stored}; ${((postgres.reqPerSec / app.reqPerSec) * 100).toFixed(1)} % of SQLite`,
  );
  const two = await measureTwoServers(1);
  console.log(
    `  two server processes on PostgreSQL, one tenant: ${two.reqPerSec} req/s (${(two.reqPerSec / postgres.reqPerSec).toFixed(2)}x one), p50 ${two.p50} ms, p99 ${two.p99} ms, ${two.cpuMsPerRequest} ms CPU/request, non-2xx ${two.non2xx}, errors ${two.errors}, cores ${coresCell(two.cores)}, ${waitsCell(two.headLockWaits)}; acknowledged ${two.acknowledged}, stored ${two.stored}`,
  );
  const twoTenants = await measureTwoServers(2);
  console.log(
    `  two server processes on PostgreSQL, a tenant each: ${twoTenants.reqPerSec} req/s (${(twoTenants.reqPerSec / postgres.reqPerSec).toFixed(2)}x one), p50 ${twoTenants.p50} ms, p99 ${twoTenants.p99} ms, ${twoTenants.cpuMsPerRequest} ms CPU/request, cores ${coresCell(twoTenants.cores)}, ${waitsCell(twoTenants.headLockWaits)}; acknowledged ${twoTenants.acknowledged}, stored ${twoTenants.stored}`,
  );
  return { bare, app, inline, postgres, two, twoTenants };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export async function runConsentsBench(): Promise<Record<string, number | string>> {
  const started = new Date();
  const load1 = os.loadavg()[0].toFixed(1);
  console.log(
    `consents bench: ${CONNECTIONS} connections, ${DURATION_S} s per server after ${WARMUP_S} s warm-up, ${ROUNDS} rounds`,
  );
  const rounds: Round[] = [];
  for (let n = 1; n <= ROUNDS; n++) rounds.push(await measureRound(n));
  /** A server's rows come from its median round by req/s (the lower of the two middle ones). */
  const medianOf = (kind: keyof Round): Measured | undefined => {
    const runs = rounds.flatMap((round) => (round[kind] ? [round[kind]] : []));
    return runs.sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor((runs.length - 1) / 2)];
  };
  /** A ratio: the median of the rounds' own ratios, then each round's. */
  const ratioCell = (
    of: (round: Required<Round>) => number,
    format: (ratio: number) => string,
  ): string => {
    const ratios = rounds.map((round) => of(round as Required<Round>));
    return `${format(median(ratios))} (rounds: ${ratios.map(format).join(', ')})`;
  };
  const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
  const times = (ratio: number) => `${ratio.toFixed(2)}x`;
  const bare = medianOf('bare')!;
  const app = medianOf('app')!;
  const inline = medianOf('inline')!;
  const postgres = medianOf('postgres');
  const two = medianOf('two');
  const twoTenants = medianOf('twoTenants');
  const postgresRows: Record<string, number | string> = postgres
    ? {
        'POST /v1/consents (PostgreSQL, one server process): req/s': postgres.reqPerSec,
        'PostgreSQL: p50 / p99 ms': `${postgres.p50} / ${postgres.p99}`,
        'PostgreSQL: server CPU ms per request (the server process only)': postgres.cpuMsPerRequest,
        [`PostgreSQL: ${CORES}`]: coresCell(postgres.cores),
        'PostgreSQL: waits for the head row': waitsCell(postgres.headLockWaits),
        'PostgreSQL: non-2xx / errors': `${postgres.non2xx} / ${postgres.errors}`,
        'PostgreSQL: acknowledged / in the database afterwards': `${postgres.acknowledged} / ${postgres.stored}`,
        'PostgreSQL consent writes as % of SQLite (req/s)': ratioCell(
          (round) => round.postgres.reqPerSec / round.app.reqPerSec,
          percent,
        ),
        ...(two
          ? {
              'PostgreSQL, two server processes, one tenant: req/s (25 connections each)':
                two.reqPerSec,
              'PostgreSQL, two processes: p50 / p99 ms (the slower of the two)': `${two.p50} / ${two.p99}`,
              'PostgreSQL, two processes: server CPU ms per request (both)': two.cpuMsPerRequest,
              [`PostgreSQL, two processes: ${CORES}`]: coresCell(two.cores),
              'PostgreSQL, two processes: acknowledged / in the database afterwards': `${two.acknowledged} / ${two.stored}`,
              'PostgreSQL, two processes: waits for the head row': waitsCell(two.headLockWaits),
              'PostgreSQL, two processes as a multiple of one': ratioCell(
                (round) => round.two.reqPerSec / round.postgres.reqPerSec,
                times,
              ),
            }
          : {}),
        ...(twoTenants
          ? {
              'PostgreSQL, two processes, a tenant each: req/s (25 connections each)':
                twoTenants.reqPerSec,
              'PostgreSQL, two processes, a tenant each: p50 / p99 ms': `${twoTenants.p50} / ${twoTenants.p99}`,
              [`PostgreSQL, two processes, a tenant each: ${CORES}`]: coresCell(twoTenants.cores),
              'PostgreSQL, two processes, a tenant each: waits for a head row': waitsCell(
                twoTenants.headLockWaits,
              ),
              'PostgreSQL, two processes, a tenant each, as a multiple of one': ratioCell(
                (round) => round.twoTenants.reqPerSec / round.postgres.reqPerSec,
                times,
              ),
            }
          : {}),
      }
    : {};
  return {
    date: started.toISOString().slice(0, 10),
    'machine: nproc, load average (1 min) at start': `${os.availableParallelism()}, ${load1}`,
    rounds: ROUNDS,
    'bare Hono route: req/s': bare.reqPerSec,
    'bare Hono route: p50 / p99 ms': `${bare.p50} / ${bare.p99}`,
    'bare Hono route: server CPU ms per request': bare.cpuMsPerRequest,
    [`bare Hono route: ${CORES}`]: coresCell(bare.cores),
    'POST /v1/consents (SQLite, synchronous=FULL, write worker): req/s': app.reqPerSec,
    'POST /v1/consents: p50 / p99 ms': `${app.p50} / ${app.p99}`,
    'POST /v1/consents: server CPU ms per request': app.cpuMsPerRequest,
    [`POST /v1/consents: ${CORES}`]: coresCell(app.cores),
    'POST /v1/consents: non-2xx / errors': `${app.non2xx} / ${app.errors}`,
    'POST /v1/consents: acknowledged / in the file afterwards': `${app.acknowledged} / ${app.stored}`,
    'consent writes as % of bare (req/s)': ratioCell(
      (round) => round.app.reqPerSec / round.bare.reqPerSec,
      percent,
    ),
    'consent writes as % of bare (CPU per request)': ratioCell(
      (round) => round.bare.cpuMsPerRequest / round.app.cpuMsPerRequest,
      percent,
    ),
    'SQLite batches written inline on the event loop (no write worker): req/s': inline.reqPerSec,
    'inline: p50 / p99 ms': `${inline.p50} / ${inline.p99}`,
    'inline: server CPU ms per request': inline.cpuMsPerRequest,
    'inline: acknowledged / in the file afterwards': `${inline.acknowledged} / ${inline.stored}`,
    'inline as % of bare (req/s)': ratioCell(
      (round) => round.inline.reqPerSec / round.bare.reqPerSec,
      percent,
    ),
    ...postgresRows,
  };
}
