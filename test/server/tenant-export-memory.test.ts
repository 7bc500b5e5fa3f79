// The tenant export streams in constant memory (GET /v1/export, `akkoord export`): 200,000
// consent events exported by `akkoord export` in a child process whose peak resident
// memory, measured by /usr/bin/time, stays under 150 MB. The database is filled
// directly (one transaction, prepared statements) so the test spends its time on the
// export, not the setup.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createStore, type Store } from '../../server/db/create-db.js';
import { publishConfig } from '../../server/services/config/config.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { createTenant } from '../../server/services/tenants/tenants.js';
import { TEST_SECRET } from '../helpers/app.js';

const EVENTS = 200_000;
const SUBJECTS = 20_000;
const LIMIT_KB = 150 * 1024;
const hasTime = fs.existsSync('/usr/bin/time');

async function fill(
  store: Store,
  tenantId: string,
  keyring: ReturnType<typeof createContext>['keyring'],
) {
  const db = store.sqlite!;
  const at = '2026-06-01T10:00:00.000Z';
  const subject =
    db.prepare(`INSERT INTO subjects (id, tenant_id, external_id, email_enc, email_hash, phone_enc, phone_hash, attributes_enc,
    restricted, restriction_reason, objected_at, created_at, updated_at, last_activity_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, 0, NULL, NULL, ?, ?, ?)`);
  const event =
    db.prepare(`INSERT INTO consent_events (tenant_id, seq, consent_id, subject_id, purpose, channel, status, config_version, notice_hash,
    locale, source, gpc, ip_truncated, user_agent, context_digest, client_event_id, captured_at, occurred_at, prev_hash, hash)
    VALUES (?, ?, ?, ?, ?, '', ?, 1, ?, 'nl', 'banner', 0, '192.0.2.0', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', ?, NULL, NULL, ?, ?, ?)`);
  // Distinct 64-hex-digit values: the export copies them, nothing here checks the chain, and
  // 400,000 calls of the CSPRNG took seconds.
  let made = 0;
  const hash = () => (made++).toString(16).padStart(64, '0');
  const notice = hash();
  db.transaction(() => {
    for (let i = 0; i < SUBJECTS; i += 1) {
      const id = `sub_mem${String(i).padStart(6, '0')}`;
      subject.run(
        id,
        tenantId,
        `cust-${i}`,
        keyring.encrypt(`klant${i}@example.nl`),
        keyring.hmac('email', `klant${i}@example.nl`),
        at,
        at,
        at,
      );
    }
    let prev = '0'.repeat(64);
    for (let seq = 1; seq <= EVENTS; seq += 1) {
      const next = hash();
      event.run(
        tenantId,
        seq,
        `cns_mem${seq}`,
        `sub_mem${String(seq % SUBJECTS).padStart(6, '0')}`,
        seq % 2 ? 'analytics' : 'ads',
        seq % 3 ? 'granted' : 'denied',
        notice,
        hash(),
        at,
        prev,
        next,
      );
      prev = next;
    }
  })();
}

/** Runs the CLI under /usr/bin/time -v; answers its exit code, stderr and peak RSS in kB. */
function runMeasured(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stderr: string; maxRssKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      '/usr/bin/time',
      ['-v', process.execPath, path.resolve('server/cli/bin.js'), ...args],
      { env: { ...process.env, ...env } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({ code: code ?? -1, stderr, maxRssKb: match ? Number(match[1]) : NaN });
    });
  });
}

describe.skipIf(!hasTime)('tenant export memory bound (needs /usr/bin/time)', () => {
  let dir: string;
  let url: string;
  let tenantId: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-export-mem-'));
    url = `sqlite:${path.join(dir, 'akkoord.db')}`;
    const store = createStore(url);
    await store.migrate();
    const ctx = createContext({
      db: store,
      config: loadConfig({ DATABASE_URL: url, AKKOORD_SECRET: TEST_SECRET }),
    });
    const created = await createTenant(ctx, { name: 'Big Shop BV', allowedOrigins: [] });
    tenantId = created.tenant.id;
    await publishConfig(ctx, tenantId, demoConfig('https://shop.example'), 'test');
    await fill(store, tenantId, ctx.keyring);
    await store.close();
  }, 120_000);
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`exports ${EVENTS.toLocaleString('en')} consent events within 150 MB of resident memory, every row once`, async () => {
    const out = path.join(dir, 'export.ndjson');
    const run = await runMeasured(['export', '--tenant', tenantId, '--out', out, '--json'], {
      DATABASE_URL: url,
      AKKOORD_SECRET: TEST_SECRET,
    });
    expect(run.code, run.stderr).toBe(0);
    console.log(
      `akkoord export: peak RSS ${(run.maxRssKb / 1024).toFixed(1)} MB for ${EVENTS} events, ${(fs.statSync(out).size / 1_048_576).toFixed(1)} MiB of NDJSON`,
    );
    expect(run.maxRssKb).toBeLessThan(LIMIT_KB);
    // The bound means something only if the export is large next to it: the runtime alone
    // takes about 110 MB, so an export held in memory, even once, could not fit.
    expect(fs.statSync(out).size).toBeGreaterThan(100 * 1_048_576);

    const counts: Record<string, number> = {};
    let last = '';
    for await (const line of readline.createInterface({ input: fs.createReadStream(out) })) {
      const type = /^\{"type":"([a-z_]+)"/.exec(line)?.[1] ?? 'bad';
      counts[type] = (counts[type] ?? 0) + 1;
      last = line;
    }
    expect(counts).toMatchObject({ header: 1, consent_event: EVENTS, subject: SUBJECTS, end: 1 });
    expect(counts.bad).toBeUndefined();
    expect(JSON.parse(last).counts.consent_event).toBe(EVENTS);
  }, 180_000);
});
