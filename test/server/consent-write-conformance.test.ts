// One consent write, two writers: the same scenarios run through the SQLite writer
// (prepared statements, inside a group-commit batch) and the Kysely writer (on SQLite,
// and on PostgreSQL when TEST_DATABASE_URL is set), with a fixed clock and fixed ids.
// Every writer must leave the same rows, byte for byte: chained events and their
// hashes, state, subjects and visitor links, feed events, stored answers and the head.
// The expectation is recorded in a file beside this test; a change to what a consent
// write stores shows up there as a diff.
import { afterEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/database.js';
import { kyselyConsentWriter } from '../../server/db/kysely-consent-writer.js';
import type { PublishedConfig } from '../../server/services/config/config.js';
import {
  writeConsent,
  writeConsentBatch,
  writeConsentSync,
} from '../../server/services/consent/consent-write.js';
import type {
  ConsentWriteOutcome,
  ConsentWriteRequest,
  WriteIds,
} from '../../server/services/consent/consent-write-plan.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { bannerOwner } from '../../server/services/idempotency.js';
import { createHead } from '../../server/services/ledger/ledger-head.js';
import { decisionsToChanges } from '../../server/services/consent/record-consent.js';
import type { Decisions } from '../../shared/schemas/consent.js';
import { dialects, openTestStore, type TestStore } from '../helpers/db.js';

const TENANT = 'ten_conformance';
const START = Date.parse('2026-03-01T09:00:00.000Z');

const demo = demoConfig('https://shop.example');
// One purpose on legitimate interest besides the demo's: the person may object to it.
const personalisation = { ...demo.purposes[0], key: 'personalisation', required: false };

const published: PublishedConfig = {
  version: 1,
  materialVersion: 1,
  config: { ...demo, purposes: [...demo.purposes, personalisation] },
  noticeHashes: { en: 'a'.repeat(64), nl: 'b'.repeat(64), de: 'c'.repeat(64), fr: 'd'.repeat(64) },
  publishedAt: '2026-02-01T00:00:00.000Z',
};

/** Ids numbered in the order the plan asks for them. */
function countingIds(): WriteIds {
  let n = 0;
  const next = (prefix: string) => `${prefix}_${String((n += 1)).padStart(6, '0')}`;
  return { subject: () => next('sub'), consent: () => next('cns'), event: () => next('evt') };
}

const hashOf = (visitor: string) => `hash-of-${visitor}`.padEnd(64, '0');

/** A banner visitor's choice, answered with a stable rendering of what was recorded. */
function banner(visitor: string, decisions: Decisions, clientEventId: string): ConsentWriteRequest {
  return {
    subject: { visitorHash: hashOf(visitor) },
    ledger: {
      tenantId: TENANT,
      configVersion: 1,
      locale: 'nl',
      source: 'banner',
      gpc: false,
      interaction: 'save_choices',
      ipTruncated: '203.0.113.0',
      // Quotes, a backslash, braces, commas and the word NULL: what an array literal must escape.
      userAgent: 'Mozilla/5.0 (conformance; "quoted" \\ {a,b} NULL)',
      clientEventId,
      published,
    },
    changes: (current) => decisionsToChanges(published.config, decisions, current),
    idempotency: {
      owner: bannerOwner,
      clientEventId,
      answer: (recorded, subjectId) => JSON.stringify({ subjectId, recorded }),
    },
  };
}

/** A write for a known subject by a tool or the system (no stored answer). */
function known(
  subjectId: string,
  source: 'api' | 'preference_center' | 'expiry',
  decisions: Decisions,
  extra: Partial<ConsentWriteRequest['ledger']> = {},
): ConsentWriteRequest {
  return {
    subject: { subjectId },
    ledger: { tenantId: TENANT, configVersion: 1, locale: 'en', source, published, ...extra },
    changes: (current) => decisionsToChanges(published.config, decisions, current),
  };
}

/** The scenarios, in order; each step is one batch of requests written at one time. */
const steps: Array<{ name: string; requests: ConsentWriteRequest[] }> = [
  {
    name: 'a new visitor chooses',
    requests: [banner('v1', { necessary: true, analytics: true, ads: false }, 'ce_1')],
  },
  {
    name: 'the same clientEventId again is answered from the store',
    requests: [banner('v1', { analytics: false }, 'ce_1')],
  },
  {
    name: 'the visitor withdraws and subscribes',
    requests: [banner('v1', { analytics: false, newsletter: { email: true } }, 'ce_2')],
  },
  {
    name: 'nothing changes: no rows but the answer',
    requests: [banner('v1', { analytics: false }, 'ce_3')],
  },
  {
    name: 'a tool grants under an objection: refused, reason objected',
    requests: [
      known(
        'sub_000001',
        'api',
        { newsletter: { sms: true } },
        { objectedAt: '2026-03-01T08:00:00.000Z', byPerson: false },
      ),
    ],
  },
  {
    name: 'the person grants: the objection is lifted for that channel',
    requests: [
      known(
        'sub_000001',
        'preference_center',
        { newsletter: { sms: true } },
        { objectedAt: '2026-03-01T08:00:00.000Z' },
      ),
    ],
  },
  {
    name: 'an expiry does not touch the subject',
    requests: [known('sub_000001', 'expiry', {}, {})],
  },
  {
    name: 'the visitor objects to a purpose on legitimate interest',
    requests: [banner('v1', { personalisation: false }, 'ce_4')],
  },
  {
    name: 'a tool cannot lift that objection',
    requests: [known('sub_000001', 'api', { personalisation: true })],
  },
  { name: 'the visitor lifts it', requests: [banner('v1', { personalisation: true }, 'ce_5')] },
  {
    name: 'one batch: two visitors, one of them twice, and a refused request',
    requests: [
      banner('v2', { analytics: true }, 'ce_a'),
      banner('v3', { tracking: true }, 'ce_b'),
      banner('v2', { ads: true }, 'ce_c'),
      banner('v4', { ads: true, newsletter: { sms: true } }, 'ce_d'),
    ],
  },
];
// The expiry step records an expired grant the way the expiry job does.
steps[6].requests[0].changes = [{ purpose: 'newsletter', channel: 'email', status: 'expired' }];

type Answer = { ok: true; output: ConsentWriteOutcome } | { ok: false; error: string };
type Runner = (requests: ConsentWriteRequest[], at: string, ids: WriteIds) => Promise<Answer[]>;

const failed = (error: unknown): Answer => ({ ok: false, error: (error as Error).message });

/** The SQLite writer as the banner's group commit runs it: one batch, each request in its own savepoint. */
function sqliteRunner(test: TestStore): Runner {
  const writer = test.store.consentWriter!;
  return (requests, at, ids) =>
    writer.batch(() =>
      requests.map((request): Answer => {
        try {
          return {
            ok: true,
            output: writer.isolated(() => writeConsentSync(writer, request, { at, ids })),
          };
        } catch (error) {
          return failed(error);
        }
      }),
    );
}

/** The Kysely writer: one request in one transaction, or a batch through writeConsentBatch. */
function kyselyRunner(db: Kysely<Database>): Runner {
  return async (requests, at, ids) => {
    if (requests.length === 1) {
      try {
        return [
          {
            ok: true,
            output: await db
              .transaction()
              .execute((trx) => writeConsent(kyselyConsentWriter(trx), requests[0], { at, ids })),
          },
        ];
      } catch (error) {
        return [failed(error)];
      }
    }
    const outcomes = await db
      .transaction()
      .execute((trx) => writeConsentBatch(kyselyConsentWriter(trx), requests, { at, ids }));
    return outcomes.map((o) => (o.ok ? o : failed(o.error)));
  };
}

async function dump(db: Kysely<Database>) {
  return {
    consent_events: await db.selectFrom('consent_events').selectAll().orderBy('seq').execute(),
    consent_state: await db
      .selectFrom('consent_state')
      .selectAll()
      .orderBy('subject_id')
      .orderBy('purpose')
      .orderBy('channel')
      .execute(),
    subjects: await db
      .selectFrom('subjects')
      .select([
        'id',
        'external_id',
        'restricted',
        'objected_at',
        'created_at',
        'updated_at',
        'last_activity_at',
        'merged_into',
      ])
      .orderBy('id')
      .execute(),
    subject_visitors: await db
      .selectFrom('subject_visitors')
      .selectAll()
      .orderBy('visitor_hash')
      .execute(),
    feed_events: await db.selectFrom('feed_events').selectAll().orderBy('seq').execute(),
    idempotency_keys: await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .orderBy('owner')
      .orderBy('client_event_id')
      .execute(),
    ledger_heads: await db.selectFrom('ledger_heads').selectAll().execute(),
  };
}

/** The scenarios' tenant, with its ledger head. */
async function seedTenant(db: Kysely<Database>) {
  await db
    .insertInto('tenants')
    .values({
      id: TENANT,
      name: 'Conformance BV',
      allowed_origins: '[]',
      public_key: 'pk_conformance',
      settings: '{}',
      status: 'active',
      delete_after: null,
      created_at: '2026-02-01T00:00:00.000Z',
    })
    .execute();
  await createHead(db, TENANT);
}

async function runScenarios(db: Kysely<Database>, run: Runner) {
  await seedTenant(db);
  const ids = countingIds();
  const answers: Array<{ step: string; answers: Answer[] }> = [];
  for (const [i, step] of steps.entries()) {
    const at = new Date(START + i * 60_000).toISOString();
    answers.push({ step: step.name, answers: await run(step.requests, at, ids) });
  }
  return { answers, rows: await dump(db) };
}

const writers = [
  { name: 'the SQLite writer', dialect: 'sqlite' as const, runner: sqliteRunner },
  {
    name: 'the Kysely writer on SQLite',
    dialect: 'sqlite' as const,
    runner: (t: TestStore) => kyselyRunner(t.store.db),
  },
  ...(dialects.includes('postgres')
    ? [
        {
          name: 'the Kysely writer on PostgreSQL',
          dialect: 'postgres' as const,
          runner: (t: TestStore) => kyselyRunner(t.store.db),
        },
      ]
    : []),
];

describe.each(writers)('consent write conformance: $name', ({ dialect, runner }) => {
  let test: TestStore | undefined;
  afterEach(async () => {
    await test?.cleanup();
  });

  it('GDPR-04: writes the recorded rows, hashes, feed events and answers byte for byte', async () => {
    test = await openTestStore(dialect);
    const result = await runScenarios(test.store.db, runner(test));
    await expect(`${JSON.stringify(result, null, 1)}\n`).toMatchFileSnapshot(
      './consent-write-conformance.expected.json',
    );
  });
});

describe('the SQLite writer in a batch', () => {
  let test: TestStore | undefined;
  afterEach(async () => {
    await test?.cleanup();
  });

  it('GDPR-04: a request undone after writing its rows leaves the head, and so the chain, as before it', async () => {
    test = await openTestStore('sqlite');
    const { db } = test.store;
    await seedTenant(db);
    const writer = test.store.consentWriter!;
    const options = { at: new Date(START).toISOString(), ids: countingIds() };
    const write = (request: ConsentWriteRequest) => () =>
      writeConsentSync(writer, request, options);
    const outcomes = await writer.batch(() =>
      [
        write(banner('v1', { analytics: true, ads: false }, 'ce_1')),
        () => {
          write(banner('v2', { analytics: true, ads: true }, 'ce_2'))();
          throw new Error('failed after its rows were written');
        },
        write(banner('v3', { analytics: false, ads: true }, 'ce_3')),
      ].map((work) => {
        try {
          return writer.isolated(work).replayed;
        } catch (error) {
          return (error as Error).message;
        }
      }),
    );
    expect(outcomes).toEqual([false, 'failed after its rows were written', false]);

    const events = await db.selectFrom('consent_events').selectAll().orderBy('seq').execute();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.subject_id)).size).toBe(2);
    events.forEach((event, i) => {
      if (i > 0) expect(event.prev_hash).toBe(events[i - 1].hash);
    });
    const feed = await db.selectFrom('feed_events').select('seq').orderBy('seq').execute();
    expect(feed.map((f) => f.seq)).toEqual([1, 2]);
    expect(
      await db
        .selectFrom('ledger_heads')
        .select(['ledger_seq', 'ledger_hash', 'feed_seq'])
        .where('tenant_id', '=', TENANT)
        .executeTakeFirstOrThrow(),
    ).toEqual({ ledger_seq: events.length, ledger_hash: events.at(-1)!.hash, feed_seq: 2 });
  });
});
