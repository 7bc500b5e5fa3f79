// The proof of the gap-free feed (GET /v1/feed): two real server processes on one
// database, 4 concurrent writers recording 2,000 consents through both, and one
// consumer paging the feed through both while they write. Every event must be seen
// exactly once and in the order of the database's positions. Runs on SQLite and, when
// TEST_DATABASE_URL is set, on PostgreSQL, where a naive auto-increment cursor would
// skip events whose transactions commit after a later one.
import { afterEach, describe, expect, it } from 'vitest';
import { appendFeedEvent } from '../../server/services/feed/feed-events.js';
import { readFeedHead } from '../../server/services/feed/feed-watch.js';
import { readFeedPage } from '../../server/services/feed/feed.js';
import { dialects } from '../helpers/db.js';
import {
  ADMIN_TOKEN,
  createTestTenant,
  startTestApp,
  TEST_SECRET,
  type TestApp,
} from '../helpers/app.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';

const WRITERS = 4;
const PER_WRITER = 500;

/** The compiled server (what `npm start` runs) on a free port, once it answers. */
function spawnServer(databaseUrl: string): Promise<ServerProcess> {
  return startServerProcess(
    {
      DATABASE_URL: databaseUrl,
      AKKOORD_SECRET: TEST_SECRET,
      AKKOORD_ADMIN_TOKEN: ADMIN_TOKEN,
      NODE_ENV: 'test',
    },
    90_000,
  );
}

describe.each(dialects)('gap-free feed on %s with two server processes', (dialect) => {
  let t: TestApp | undefined;
  const servers: ServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.kill()));
    await t?.close();
  });

  it(`GDPR-36: ${WRITERS} writers record ${WRITERS * PER_WRITER} consents through both processes; a consumer paging meanwhile sees each event once`, async () => {
    t = await startTestApp(dialect);
    const tenant = await createTestTenant(t);
    servers.push(
      ...(await Promise.all([spawnServer(t.testStore.url), spawnServer(t.testStore.url)])),
    );
    expect(new Set(servers.map((s) => s.url)).size).toBe(2);
    const auth = { authorization: `Bearer ${tenant.secretKey}` };

    let writersDone = false;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < PER_WRITER; i++) {
        const server = servers[(w + i) % servers.length];
        const res = await fetch(`${server.url}/v1/subjects/w${w}-${i}/consents`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ decisions: { analytics: true } }),
        });
        if (res.status !== 201)
          throw new Error(`write ${w}-${i} answered ${res.status}: ${await res.text()}`);
      }
    });
    const allWritten = Promise.all(writers).finally(() => {
      writersDone = true;
    });

    const seen: string[] = [];
    const externalIds: string[] = [];
    let after: string | null = null;
    let pagesWhileWriting = 0;
    for (let page = 0; ; page++) {
      const server = servers[page % servers.length];
      const finishedBefore = writersDone;
      const res = await fetch(
        `${server.url}/v1/feed?limit=37&wait=1${after ? `&after=${after}` : ''}`,
        { headers: auth },
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        events: Array<{ id: string; subject: { externalId: string } }>;
        next: string;
      };
      for (const event of body.events) {
        seen.push(event.id);
        externalIds.push(event.subject.externalId);
      }
      after = body.next;
      if (!finishedBefore) pagesWhileWriting += 1;
      // Done once a page asked after every write had finished comes back empty.
      if (finishedBefore && body.events.length === 0) break;
    }
    await allWritten;

    expect(pagesWhileWriting).toBeGreaterThan(10);
    expect(seen).toHaveLength(WRITERS * PER_WRITER);
    expect(new Set(seen).size).toBe(seen.length);
    const stored = await t.ctx.db
      .selectFrom('feed_events')
      .select(['id', 'seq'])
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('seq')
      .execute();
    expect(stored.map((r) => r.seq)).toEqual(
      Array.from({ length: stored.length }, (_, i) => i + 1),
    );
    expect(seen).toEqual(stored.map((r) => r.id));
    // Each writer wrote in sequence, so its events appear in its own order.
    for (let w = 0; w < WRITERS; w++) {
      expect(externalIds.filter((id) => id.startsWith(`w${w}-`))).toEqual(
        Array.from({ length: PER_WRITER }, (_, i) => `w${w}-${i}`),
      );
    }
  }, 400_000);
});

// The mechanism itself, on PostgreSQL where transactions really overlap: a writer that
// took a position holds the head row until it commits, so a second writer cannot take
// the next position (and commit) before it, and readers never see past the committed head.
describe.runIf(dialects.includes('postgres'))('feed positions on postgres', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it('GDPR-36: a later writer waits for the earlier one; a reader never sees a position before the ones below it', async () => {
    t = await startTestApp('postgres');
    const tenant = await createTestTenant(t);
    const db = t.ctx.db;
    const event = {
      type: 'subject.objected' as const,
      subjectId: null,
      externalId: null,
      data: {},
    };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstSeq = 0;
    let secondSeq = 0;
    const firstReserved = new Promise<void>((resolve) => {
      void db.transaction().execute(async (trx) => {
        firstSeq = (await appendFeedEvent(trx, tenant.tenantId, event, new Date().toISOString()))
          .seq;
        resolve();
        await held;
      });
    });
    await firstReserved;
    const second = db.transaction().execute(async (trx) => {
      secondSeq = (await appendFeedEvent(trx, tenant.tenantId, event, new Date().toISOString()))
        .seq;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondSeq).toBe(0);
    expect(await readFeedHead(db, tenant.tenantId)).toBe(firstSeq - 1);
    expect((await readFeedPage(db, tenant.tenantId, 0, 100)).rows.map((r) => r.seq)).toEqual(
      Array.from({ length: firstSeq - 1 }, (_, i) => i + 1),
    );
    release();
    await second;
    expect(secondSeq).toBe(firstSeq + 1);
    expect(
      (await readFeedPage(db, tenant.tenantId, firstSeq - 1, 100)).rows.map((r) => r.seq),
    ).toEqual([firstSeq, secondSeq]);
  });
});
