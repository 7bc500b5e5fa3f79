// Growth benchmarks: consent writes on a store that already holds 1 million
// (and, with BENCH_GROWTH_10M=1, 10 million) ledger rows, as a ratio of the same
// benchmark on an empty store built the same way in the same run; and the audience
// of 1 million subjects streamed as NDJSON. Stores are built directly (bulk-store.ts).
// Run: `npm run bench -- growth`.
import fs from 'node:fs';
import http from 'node:http';
import { machineRows } from './benchmarks-file.js';
import { buildStore, type BuiltStore } from './bulk-store.js';
import { measure } from './consents.js';
import { startBenchServer } from './server-process.js';

type Rows = Record<string, number | string>;

const EVENTS_PER_SUBJECT = 3;
const AUDIENCE_SUBJECTS = Number(process.env.BENCH_AUDIENCE_SUBJECTS ?? 1_000_000);
const AUDIENCE_RUNS = 3;

/** BENCH_GROWTH_ROWS=30000 (comma-separated) for a quick check of the bench itself. */
const ledgerSizes = (): number[] =>
  process.env.BENCH_GROWTH_ROWS?.split(',').map(Number) ??
  (process.env.BENCH_GROWTH_10M ? [1_000_000, 10_000_000] : [1_000_000]);
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

function drop(store: BuiltStore): void {
  fs.rmSync(store.dir, { recursive: true, force: true });
}

async function writesAt(ledgerRows: number): Promise<{
  built: BuiltStore;
  reqPerSec: number;
  p50: number;
  p99: number;
  cpu: number;
  non2xx: number;
}> {
  const built = await buildStore({
    subjects: Math.ceil(ledgerRows / EVENTS_PER_SUBJECT),
    kind: 'banner',
  });
  try {
    const m = await measure('app', built);
    return {
      built,
      reqPerSec: m.reqPerSec,
      p50: m.p50,
      p99: m.p99,
      cpu: m.cpuMsPerRequest,
      non2xx: m.non2xx + m.errors,
    };
  } finally {
    drop(built);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function streamLines(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let lines = 0;
    http
      .get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.on('data', (chunk: Buffer) => {
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(lines)
            : reject(new Error(`audience answered ${res.statusCode}`)),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** subjects/s of GET /v1/audience over HTTP with a feed:read key (no pii: nothing decrypted), the server in its own process. */
async function audienceRate(): Promise<{
  perSecond: number;
  serverCpuPerSecond: number;
  buildMs: number;
  bytes: number;
}> {
  const built = await buildStore({ subjects: AUDIENCE_SUBJECTS, kind: 'newsletter' });
  const server = await startBenchServer('app', {
    databaseUrl: `sqlite:${built.file}`,
    secret: built.secret,
  });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const { secretKey: feedOnly } = (await (
      await fetch(`${base}/v1/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${built.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ scopes: ['feed:read'] }),
      })
    ).json()) as { secretKey: string };
    const url = `${base}/v1/audience?purpose=newsletter&channel=email`;
    const runs: Array<{ ms: number; cpuMs: number }> = [];
    for (let run = 0; run <= AUDIENCE_RUNS; run++) {
      const cpuBefore = await server.cpuMs();
      const started = performance.now();
      const lines = await streamLines(url, feedOnly);
      if (lines !== AUDIENCE_SUBJECTS) throw new Error(`the audience lost subjects: ${lines}`);
      // run 0 warms the page cache
      if (run > 0)
        runs.push({ ms: performance.now() - started, cpuMs: (await server.cpuMs()) - cpuBefore });
    }
    const median = runs.sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
    return {
      perSecond: Math.round((AUDIENCE_SUBJECTS / median.ms) * 1000),
      serverCpuPerSecond: Math.round((AUDIENCE_SUBJECTS / median.cpuMs) * 1000),
      buildMs: built.buildMs,
      bytes: built.bytes,
    };
  } finally {
    await server.stop();
    agent.destroy();
    drop(built);
  }
}

export async function runGrowthBench(): Promise<Rows> {
  const rows = machineRows();
  console.log('growth bench: empty store');
  const empty = await writesAt(0);
  rows['empty store: consent writes req/s, p50 / p99 ms'] =
    `${empty.reqPerSec}, ${empty.p50} / ${empty.p99}`;
  rows['empty store: server CPU ms per request'] = empty.cpu;
  for (const size of ledgerSizes()) {
    const label = `${(size / 1_000_000).toLocaleString('en')} M ledger rows`;
    console.log(`growth bench: building ${label}`);
    const at = await writesAt(size);
    rows[`${label}: build time s, file MiB`] =
      `${(at.built.buildMs / 1000).toFixed(0)}, ${mib(at.built.bytes)}`;
    rows[`${label}: consent writes req/s, p50 / p99 ms`] = `${at.reqPerSec}, ${at.p50} / ${at.p99}`;
    rows[`${label}: server CPU ms per request`] = at.cpu;
    rows[`${label}: non-2xx / errors`] = at.non2xx;
    rows[`${label}: req/s as % of the empty store`] =
      `${((at.reqPerSec / empty.reqPerSec) * 100).toFixed(0)} %`;
    rows[`${label}: CPU per request, empty store as % of this`] =
      `${((empty.cpu / at.cpu) * 100).toFixed(0)} %`;
  }
  console.log(`growth bench: audience of ${AUDIENCE_SUBJECTS} subjects`);
  const audience = await audienceRate();
  rows[
    `audience of ${(AUDIENCE_SUBJECTS / 1_000_000).toLocaleString('en')} M subjects: build time s, file MiB`
  ] = `${(audience.buildMs / 1000).toFixed(0)}, ${mib(audience.bytes)}`;
  rows['audience NDJSON over HTTP, no pii: subjects/s'] = audience.perSecond;
  rows['audience: subjects per server CPU second'] = audience.serverCpuPerSecond;
  return rows;
}

export const GROWTH_INTRO = `
Measured by \`npm run bench -- growth\` (test/bench/growth.ts; 10 million rows too with \`BENCH_GROWTH_10M=1\`). Each store
is built directly (test/bench/bulk-store.ts: migrations, tenant and config through the services, then prepared
better-sqlite3 INSERTs in 50,000-subject transactions with the secondary indexes made after the load): per subject a
visitor link, three ledger events linked by prev_hash (a look-alike chain, not the canonical event hash), three state
rows and a feed event. The empty store is built the same way with no subjects. Writes: the consents benchmark (autocannon,
50 connections, 2 s warm-up, ${process.env.BENCH_DURATION ?? 10} s, server in a child process, \`synchronous=FULL\`) against each
store. Audience: the whole app in its own process (server-process.ts), \`GET /v1/audience?purpose=newsletter&channel=email\` with a feed:read key
(no personal data decrypted) over node:http, lines counted, median of ${AUDIENCE_RUNS} after a warm-up. Targets: writes
at 10 M rows within 20 % of the empty store; audience at least 200,000 subjects/s.
`;
