// Which files of server/ one banner consent write runs: the app in this process on a fresh
// SQLite file, three writes to warm it up, then V8's precise coverage (the inspector) around
// a fourth. A file counts when any of its functions ran during that write. Measured twice:
// written inline, where the whole write runs on the one thread, and with the write worker
// (the default), where only the server thread's part is seen (the worker runs a bundle of
// its own). Run: `npm run bench -- write-trace`.
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineRows, writeSection, type Rows } from './benchmarks-file.js';
import { consentBody, freshStore } from './consents.js';

const SERVER_DIR = fileURLToPath(new URL('../../server/', import.meta.url));

/** The write's own code, as opposed to the HTTP layer around it: its services, the writers, ids. */
const isWritesOwn = (file: string) => /^(services|db)\/|^ids\.ts$/.test(file);

async function filesOfOneWrite(consentWrites: 'inline' | 'worker'): Promise<string[]> {
  const { createApp, createContext } = await import('../../server/app.js');
  const { loadConfig } = await import('../../server/config.js');
  const { createStore } = await import('../../server/db/create-db.js');
  const fresh = await freshStore('sqlite');
  const config = loadConfig({
    DATABASE_URL: fresh.databaseUrl,
    AKKOORD_SECRET: fresh.secret,
    PUBLIC_URL: 'http://127.0.0.1:8080',
    LOG_LEVEL: 'silent',
    AKKOORD_RATE_LIMITS: 'off',
  });
  const store = createStore(config.databaseUrl, { consentWrites });
  const app = createApp(createContext({ db: store, config }));
  const write = async () => {
    const res = await app.request('/v1/consents', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
      body: consentBody(fresh.publicKey),
    });
    if (res.status !== 201) throw new Error(`the consent write answered ${res.status}`);
    await res.text();
  };
  const session = new inspector.Session();
  try {
    for (let i = 0; i < 3; i++) await write();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    // Taking the coverage resets its counts: what the next take reports ran in between.
    await session.post('Profiler.takePreciseCoverage');
    await write();
    const { result } = await session.post('Profiler.takePreciseCoverage');
    return result
      .filter((script) => script.url.startsWith('file://'))
      .filter((script) => script.functions.some((fn) => fn.ranges[0].count > 0))
      .map((script) => path.relative(SERVER_DIR, fileURLToPath(script.url)))
      .filter((file) => !file.startsWith('..'))
      .sort();
  } finally {
    session.disconnect();
    await store.close();
    fs.rmSync(fresh.dir, { recursive: true, force: true });
  }
}

export async function runWriteTraceBench(): Promise<Rows> {
  const inline = await filesOfOneWrite('inline');
  const worker = await filesOfOneWrite('worker');
  const own = inline.filter(isWritesOwn);
  return {
    ...machineRows(),
    'written inline: files of server/ one banner write runs': inline.length,
    "written inline: of which the write's own (services/, db/, ids.ts)": own.length,
    "written inline: the write's own files": own.join(', '),
    'write worker: files of server/ run on the server thread': worker.length,
    "write worker: of which the write's own": worker.filter(isWritesOwn).length,
  };
}

const INTRO = `
Measured by \`npm run bench -- write-trace\` (test/bench/write-trace.ts): the files of server/ that one
banner consent write (\`POST /v1/consents\`, a new visitor, three decisions) runs, read from V8's precise
coverage around the fourth write of a fresh app on a fresh SQLite file. Written inline, the whole write
runs on one thread; with the write worker (the default) only the server thread is seen, as the worker
runs a bundle of its own. The rest of server/ on the list is the HTTP layer: the app, middleware,
CORS, validation, the route.
`;

const NOTES = `
The target for this trace is at most 8 files of server/, and it is NOT reached: the HTTP layer
alone runs 16 (the app, 7 middleware, the request context, CORS, the rate limiter, validation,
auth, the clock, the OpenAPI description and the route), and the write's own 18 are each one
concern: the request and its answer (visitor-consents, banner-write, and banner-write-client,
which says whether a worker writes), the batching (group-commit), the orchestration, its plan and
the ledger rules (consent-write, consent-write-plan, record-consent), the state and its lifetime
(consent-state, consent-lifetime), the feed line and its watchers (feed, feed-watch), the
idempotency key, the chain hash, the signature and the receipt (ledger-hash, ed25519, receipts),
the visitor hash (subjects-core), ids, and the one SQLite writer. Several are shared with the read
paths. They are not merged to meet a count.
`;

export function writeWriteTraceSection(rows: Rows): void {
  writeSection('Banner write trace', INTRO, rows, NOTES);
}
