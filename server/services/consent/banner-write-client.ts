// The server's side of the banner's write worker (banner-write-worker.ts). Requests are
// grouped as before (group commit); a batch goes to the worker as one message and comes
// back as one answer per request once it committed. While the worker writes, this thread
// parses the next requests and answers the last batch's. On SQLite the worker owns a
// second connection to the file, so a batch holds Kysely's connection meanwhile: the
// server's own transactions on the file wait for it, as they wait for an inline batch, and
// never meet SQLite's busy errors. On PostgreSQL the worker has a small pool of its own,
// the database orders the writers, and each tenant's batches go out apart.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AppContext } from '../../context.js';
import type { Store } from '../../db/create-db.js';
import type { PublishedConfig } from '../config/config.js';
import type { Issuer, StoredBannerAnswer, VisitorConsentInput } from './banner-write.js';
import { fromWire, type WireError } from './banner-write-errors.js';
import { createBatchCommit, type GroupCommit, type Outcome } from './group-commit.js';
import { countRetry, type RetryableCode } from '../../db/transaction-retry.js';

export interface BatchMessage {
  id: number;
  /** Config versions the worker has not seen yet. */
  configs: Array<[string, PublishedConfig]>;
  jobs: Array<{ input: VisitorConsentInput; config: string; kid: string; at: string }>;
}

export type BatchReply = (
  | {
      id: number;
      outcomes: Array<{ ok: true; output: StoredBannerAnswer } | { ok: false; error: WireError }>;
    }
  | { id: number; failed: WireError }
) & {
  /** Transactions the worker ran again since its last reply (PostgreSQL), for /metrics. */
  retries?: Array<[RetryableCode | 'exhausted', number]>;
};

export interface BannerJob {
  input: VisitorConsentInput;
  issuer: Issuer;
  published: PublishedConfig;
  at: string;
}

const workers = new WeakMap<Store, GroupCommit<BannerJob, StoredBannerAnswer>>();

/** The store's write worker, started on first use; null where the store has none (in-memory SQLite). */
export function bannerWriteWorker(
  ctx: AppContext,
): GroupCommit<BannerJob, StoredBannerAnswer> | null {
  const { store } = ctx;
  if (!store.writeWorkerUrl) return null;
  let found = workers.get(store);
  if (!found) {
    found = startClient(store, store.writeWorkerUrl, ctx.config.publicUrl);
    workers.set(store, found);
  }
  return found;
}

/** What a write worker is started with: the database it writes to, and the receipts' issuer. */
export interface WorkerData {
  databaseUrl: string;
  publicUrl: string;
}

interface Running {
  worker: Worker;
  sentConfigs: Set<string>;
  pending: Map<number, { resolve: (reply: BatchReply) => void; reject: (error: unknown) => void }>;
}

function startClient(
  store: Store,
  databaseUrl: string,
  publicUrl: string,
): GroupCommit<BannerJob, StoredBannerAnswer> {
  let running: Running | null = null;
  let nextId = 1;
  let closed = false;

  let starting: Promise<Running> | null = null;

  /** The worker, started again if it died: the batches it held failed, nothing of them was answered. */
  function current(): Promise<Running> {
    if (running) return Promise.resolve(running);
    starting ??= start().finally(() => (starting = null));
    return starting;
  }

  async function start(): Promise<Running> {
    const worker = await spawn({ databaseUrl, publicUrl });
    const started: Running = {
      worker,
      sentConfigs: new Set(),
      pending: new Map(),
    };
    worker.on('message', (reply: BatchReply) => {
      for (const [code, times] of reply.retries ?? []) countRetry(store.db, code, times);
      const call = started.pending.get(reply.id);
      started.pending.delete(reply.id);
      call?.resolve(reply);
    });
    const fail = (error: unknown) => {
      if (running === started) running = null;
      for (const call of started.pending.values()) call.reject(error);
      started.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the consent write worker exited with ${code}`)));
    running = started;
    return started;
  }

  async function send(jobs: BannerJob[]): Promise<BatchReply> {
    const target = await current();
    if (closed) throw new Error('the store is closed');
    const message: BatchMessage = { id: nextId++, configs: [], jobs: [] };
    for (const { input, issuer, published, at } of jobs) {
      const config = `${input.tenantId}:${published.version}`;
      if (!target.sentConfigs.has(config)) {
        target.sentConfigs.add(config);
        message.configs.push([config, published]);
      }
      message.jobs.push({ input, config, kid: issuer.kid, at });
    }
    return new Promise((resolve, reject) => {
      target.pending.set(message.id, { resolve, reject });
      target.worker.postMessage(message);
    });
  }

  store.onClose(async () => {
    closed = true;
    const stopping = running ?? (await starting?.catch(() => null)) ?? null;
    running = null;
    if (stopping) await stopping.worker.terminate();
  });

  return createBatchCommit(
    async (jobs: BannerJob[]): Promise<Outcome<StoredBannerAnswer>[]> => {
      const reply =
        store.dialect === 'sqlite'
          ? await store.db.connection().execute(() => send(jobs))
          : await send(jobs);
      // The commit failed: nothing of the batch is stored, and every request says so.
      if ('failed' in reply) throw fromWire(reply.failed);
      return reply.outcomes.map((o) => (o.ok ? o : { ok: false, error: fromWire(o.error) }));
    },
    { countsFor: store.db, maxBatch: 512 },
  );
}

/**
 * The built worker lies next to this module's chunk (dist/server/). When the server runs
 * from its TypeScript sources (tests, development), the worker's sources are bundled once
 * per process with esbuild (a development dependency, as the build uses it), into
 * node_modules/.cache/akkoord/, two levels below the root like dist/server/, so that its
 * packages resolve: loading some forty modules through tsx in every new worker took
 * seconds, bundled it takes a fraction of one.
 */
let bundled: Promise<string> | null = null;

async function spawn(workerData: WorkerData): Promise<Worker> {
  const here = import.meta.url;
  if (!here.endsWith('.ts'))
    return new Worker(new URL('./banner-write-worker.js', here), { workerData });
  bundled ??= bundleSources(here);
  bundled.catch(() => (bundled = null));
  return new Worker(await bundled, { workerData });
}

async function bundleSources(here: string): Promise<string> {
  const { build } = await import('esbuild');
  const root = fileURLToPath(new URL('../../../', here));
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./banner-write-worker.ts', here))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].contents;
  const dir = path.join(root, 'node_modules/.cache/akkoord');
  const file = path.join(
    dir,
    `banner-write-worker-${crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`,
  );
  if (!fs.existsSync(file)) {
    // Written aside and renamed: test processes running side by side may bundle at once.
    fs.mkdirSync(dir, { recursive: true });
    const aside = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(aside, code);
    fs.renameSync(aside, file);
  }
  return file;
}
