// Builds a big SQLite store fast for the growth and audience benchmarks: the schema
// through the real migrations and services (tenant, published config), then the rows
// written directly with prepared better-sqlite3 INSERTs in large transactions, as a
// store would look after that many banner writes: per subject a visitor link, three
// chained ledger events (necessary, analytics, ads), three state rows and one feed event.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createStore } from '../../server/db/create-db.js';
import { newId, newOrderedId, sha256Hex } from '../../server/ids.js';
import { publishConfig } from '../../server/services/config/config.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { feedEventJson } from '../../server/services/feed/feed.js';
import { GENESIS_HASH } from '../../server/services/ledger/ledger-head.js';
import { visitorHash } from '../../server/services/subjects/subjects-core.js';
import { createTenant } from '../../server/services/tenants/tenants.js';
import type { PrebuiltStore } from './consents.js';

export interface BuiltStore extends PrebuiltStore {
  tenantId: string;
  secretKey: string;
  dir: string;
  buildMs: number;
  bytes: number;
}

export interface BuildShape {
  subjects: number;
  /** 'banner': three chained events, state rows and a feed event per subject; 'newsletter': one granted e-mail state row only. */
  kind: 'banner' | 'newsletter';
}

const CHUNK = 50_000;

export async function buildStore(shape: BuildShape): Promise<BuiltStore> {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-bulk-'));
  const file = path.join(dir, 'akkoord.db');
  const secret = crypto.randomBytes(32).toString('base64url');
  const config = loadConfig({
    DATABASE_URL: `sqlite:${file}`,
    AKKOORD_SECRET: secret,
    PUBLIC_URL: 'http://127.0.0.1:8080',
    AKKOORD_RATE_LIMITS: 'off',
    LOG_LEVEL: 'warn',
  });
  const store = createStore(config.databaseUrl);
  await store.migrate();
  const ctx = createContext({ db: store, config });
  const { tenant, publicKey, secretKey } = await createTenant(ctx, {
    name: 'Bench BV',
    allowedOrigins: ['https://shop.example'],
  });
  const published = await publishConfig(
    ctx,
    tenant.id,
    demoConfig('https://shop.example'),
    'bench',
  );
  const noticeHash = published.noticeHashes.nl;
  const db = store.sqlite!;
  // Only for the build: the rows are made again if it fails. The benchmark itself runs with synchronous=FULL.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  // Secondary indexes are dropped for the load and made again after it: building an index by
  // sorting is far faster than a million inserts at random places in it.
  const tables = ['subjects', 'subject_visitors', 'consent_events', 'consent_state', 'feed_events'];
  const indexes = db
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`,
    )
    .all(...tables) as Array<{ name: string; sql: string }>;
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  const t = tenant.id;
  const at = new Date().toISOString();
  const expires = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const ins = {
    subject: db.prepare(
      'INSERT INTO subjects (id, tenant_id, restricted, created_at, updated_at, last_activity_at) VALUES (?, ?, 0, ?, ?, ?)',
    ),
    visitor: db.prepare(
      'INSERT INTO subject_visitors (tenant_id, visitor_hash, subject_id, created_at) VALUES (?, ?, ?, ?)',
    ),
    event:
      db.prepare(`INSERT INTO consent_events (tenant_id, seq, consent_id, subject_id, purpose, channel, status, config_version,
      notice_hash, locale, source, gpc, ip_truncated, user_agent, context_digest, client_event_id, captured_at, occurred_at, prev_hash, hash)
      VALUES (?, ?, ?, ?, ?, '', ?, 1, ?, 'nl', 'banner', 0, '127.0.0.0', 'Mozilla/5.0 (bench)', ?, ?, NULL, ?, ?, ?)`),
    state:
      db.prepare(`INSERT INTO consent_state (tenant_id, subject_id, purpose, channel, status, event_seq, config_version, source, updated_at, expires_at)
      VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`),
    feed: db.prepare(`INSERT INTO feed_events (tenant_id, seq, id, type, subject_id, external_id, data, occurred_at, event_json)
      VALUES (@tenant_id, @seq, @id, @type, @subject_id, @external_id, @data, @occurred_at, @event_json)`),
  };
  const digest = sha256Hex('bench-context');
  const feedData = JSON.stringify({
    state: { analytics: 'granted', ads: 'denied' },
    source: 'banner',
    configVersion: 1,
  });
  const decisions = [
    ['necessary', 'granted'],
    ['analytics', 'granted'],
    ['ads', 'denied'],
  ] as const;
  const firstCreated = Date.now() - 365 * 86_400_000;
  const msPerSubject = (365 * 86_400_000) / Math.max(1, shape.subjects);
  let seq = 0;
  let hash = GENESIS_HASH;
  let feedSeq = 0;
  const writeChunk = db.transaction((from: number, to: number) => {
    // Subject ids are ordered by creation time (newOrderedId), as a store that grew over a year has them.
    const ids = Array.from({ length: to - from }, (_, j) =>
      newOrderedId('sub', firstCreated + (from + j) * msPerSubject),
    );
    for (let i = from; i < to; i++) {
      const subjectId = ids[i - from];
      ins.subject.run(subjectId, t, at, at, at);
      if (shape.kind === 'newsletter') {
        ins.state.run(t, subjectId, 'newsletter', 'email', 'granted', 0, 'import', at, expires);
        continue;
      }
      ins.visitor.run(t, visitorHash(`bulk-${i}`), subjectId, at);
      const consentId = newId('cns');
      for (const [purpose, status] of decisions) {
        seq += 1;
        // A chain that looks like the real one (64 hex chars linked by prev_hash); not the canonical event hash.
        const next = sha256Hex(`${hash}${seq}`);
        ins.event.run(
          t,
          seq,
          consentId,
          subjectId,
          purpose,
          status,
          noticeHash,
          digest,
          `ce_bulk_${i}`,
          at,
          hash,
          next,
        );
        hash = next;
        ins.state.run(
          t,
          subjectId,
          purpose,
          '',
          status,
          seq,
          'banner',
          at,
          status === 'granted' ? expires : null,
        );
      }
      feedSeq += 1;
      const event = {
        id: newId('evt'),
        type: 'consent.updated',
        subject_id: subjectId,
        external_id: null,
        data: feedData,
        occurred_at: at,
      };
      ins.feed.run({ tenant_id: t, seq: feedSeq, ...event, event_json: feedEventJson(event) });
    }
  });
  for (let from = 0; from < shape.subjects; from += CHUNK) {
    writeChunk(from, Math.min(shape.subjects, from + CHUNK));
    if (process.env.BENCH_VERBOSE)
      console.log(
        `  built ${Math.min(shape.subjects, from + CHUNK)} subjects, ${Math.round(performance.now() - started)} ms`,
      );
  }
  db.prepare(
    'UPDATE ledger_heads SET ledger_seq = ?, ledger_hash = ?, feed_seq = ? WHERE tenant_id = ?',
  ).run(seq, hash, feedSeq, t);
  for (const index of indexes) db.exec(index.sql);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  await store.close();
  return {
    file,
    secret,
    publicKey,
    tenantId: t,
    secretKey,
    dir,
    buildMs: Math.round(performance.now() - started),
    bytes: fs.statSync(file).size,
  };
}
