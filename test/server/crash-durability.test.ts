// A real server under a steady stream of consent writes is killed with
// SIGKILL, several times; after each restart every write that had been answered 201
// is in the database and the ledger chain verifies (GDPR-04: proof is not lost). The
// server runs from its sources and, in the middle round, as built (dist/server/), whose
// consent write worker is a file of its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { eventHash } from '../../server/services/ledger/ledger-hash.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';

const ADMIN = 'crash-test-admin-token-0123456789';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-crash-'));
const env = {
  DATABASE_URL: `sqlite:${path.join(dir, 'akkoord.db')}`,
  AKKOORD_ADMIN_TOKEN: ADMIN,
  AKKOORD_SECRET: 'crash-test-secret-0123456789-0123456789',
};

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function json(res: Response) {
  return (await res.json()) as Record<string, any>;
}

/** Writes consents from `writers` parallel loops until stopped; returns the acknowledged clientEventIds. */
function writeSteadily(url: string, publicKey: string, writers: number) {
  const acknowledged: string[] = [];
  let running = true;
  const loops = Array.from({ length: writers }, async () => {
    while (running) {
      const clientEventId = crypto.randomUUID();
      try {
        const res = await fetch(`${url}/v1/consents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
          body: JSON.stringify({
            key: publicKey,
            visitorId: `v_${crypto.randomBytes(18).toString('base64url')}`,
            decisions: { analytics: true, ads: Math.random() < 0.5 },
            configVersion: 1,
            locale: 'nl',
            source: 'banner',
            gpc: false,
            clientEventId,
          }),
        });
        if (res.status === 201) acknowledged.push(clientEventId);
        else await res.body?.cancel();
      } catch {
        return; // the server died mid-request: that write was never acknowledged
      }
    }
  });
  return {
    acknowledged,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('crash durability (SQLite, SIGKILL)', () => {
  it('loses no acknowledged consent over several kills, and the chain verifies', async () => {
    let server: ServerProcess = await startServerProcess(env, undefined, { compiled: false });
    const created = await json(
      await fetch(`${server.url}/v1/admin/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Crash BV', allowedOrigins: ['https://shop.example'] }),
      }),
    );
    const published = await fetch(`${server.url}/v1/config`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${created.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(demoConfig('https://shop.example')),
    });
    expect(published.status).toBe(201);

    const acknowledged: string[] = [];
    for (let round = 0; round < 3; round++) {
      const load = writeSteadily(server.url, created.publicKey, 8);
      // The kill comes while writes are being answered: after the first answer (a server run
      // from source starts its write worker through tsx, which on a busy machine takes seconds).
      for (const until = Date.now() + 30_000; load.acknowledged.length === 0 && Date.now() < until;)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1200));
      server.child.kill('SIGKILL');
      await load.stop();
      await server.kill();
      acknowledged.push(...load.acknowledged);
      server = await startServerProcess(env, undefined, { compiled: round === 0 });
    }
    await server.kill();
    expect(acknowledged.length).toBeGreaterThan(20);

    const db = new SQLite(env.DATABASE_URL.slice('sqlite:'.length), { readonly: true });
    const stored = new Set(
      db
        .prepare('SELECT DISTINCT client_event_id AS id FROM consent_events')
        .all()
        .map((r: any) => r.id),
    );
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    const rows = db.prepare('SELECT * FROM consent_events ORDER BY tenant_id, seq').all() as any[];
    for (const [i, row] of rows.entries()) {
      expect(eventHash(row)).toBe(row.hash);
      if (i > 0 && rows[i - 1].tenant_id === row.tenant_id)
        expect(row.prev_hash).toBe(rows[i - 1].hash);
    }
    db.close();
  }, 90_000);
});
