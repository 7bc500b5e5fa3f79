// `akkoord verify`, `akkoord purge` and `akkoord backup`: the operator's periodic
// checks (GDPR Art. 5(2), 32(1)(d)) and a consistent copy of a live SQLite database.
import fs from 'node:fs';
import path from 'node:path';
import { createStore } from '../db/create-db.js';
import { verifyLedger, type LedgerReport } from '../services/ledger-verify.js';
import { deleteTenant } from '../services/offboarding.js';
import { runRetention } from '../services/retention.js';
import { CliError, requireTenant, withContext, type Output } from './runtime.js';
import { CLI_ACTOR } from './tenant-commands.js';

export async function verifyCommand(out: Output, tenantId: string | undefined) {
  const reports = await withContext(async (ctx) => {
    const tenants = tenantId
      ? [await requireTenant(ctx, tenantId)]
      : await ctx.db.selectFrom('tenants').select(['id', 'name', 'status']).orderBy('id').execute();
    const results: Array<{ tenantId: string } & LedgerReport> = [];
    for (const tenant of tenants) {
      const head = await ctx.db.selectFrom('ledger_heads').select('ledger_seq').where('tenant_id', '=', tenant.id).executeTakeFirst();
      const bar = out.progress(head?.ledger_seq ?? 0, `verify ${tenant.id}`);
      try {
        results.push({ tenantId: tenant.id, ...(await verifyLedger(ctx.db, tenant.id, { onProgress: (n) => bar.update(n) })) });
      } finally {
        bar.stop();
      }
    }
    return results;
  }, { migrate: false });
  const human = reports.map((r) => r.ok
    ? `ok      ${r.tenantId}: ${r.events} events, head ${r.head}`
    : `BROKEN  ${r.tenantId}: at event ${r.brokenAt} (${r.reason}); ${r.events} events verified before it`).join('\n');
  out.result({ ok: reports.every((r) => r.ok), tenants: reports }, human || 'No tenants.');
  if (!reports.every((r) => r.ok)) process.exitCode = 3;
}

export async function purgeCommand(out: Output, tenantId: string | undefined) {
  const result = await withContext(async (ctx) => {
    if (tenantId) await requireTenant(ctx, tenantId);
    const retention = await runRetention(ctx, { tenantId });
    // Offboarded tenants past their grace period go too (with --tenant, only that one).
    const due = await ctx.db.selectFrom('tenants').select('id')
      .where('status', '=', 'offboarding').where('delete_after', '<=', ctx.clock.now().toISOString())
      .$if(tenantId !== undefined, (q) => q.where('id', '=', tenantId!))
      .execute();
    for (const { id } of due) await deleteTenant(ctx, id, CLI_ACTOR, 'grace_period_over');
    return { ...retention, tenantsDeleted: due.map((t) => t.id) };
  });
  out.result(result, [
    `Retention ran for ${result.tenants} tenant(s):`,
    `  ${result.subjectsErased} inactive people erased`,
    `  ${result.recordsDeleted} records past their data set's limit deleted`,
    `  ${result.consentsExpired} consents expired`,
    `  ${result.requests} erasure requests recorded (origin retention)`,
    `Offboarded tenants deleted: ${result.tenantsDeleted.length === 0 ? 'none' : result.tenantsDeleted.join(', ')}`,
  ].join('\n'));
}

/**
 * SQLite's online backup API copies the live database page by page through its own
 * connection, so the copy is one consistent state even while the server writes. A
 * write by another process restarts the copy; after a restart the rest is copied in
 * one step, which holds a read snapshot (WAL lets writers go on) and so always ends.
 */
export async function backupCommand(out: Output, target: string, options: { force?: boolean }) {
  const file = path.resolve(target);
  if (fs.existsSync(file) && !options.force) throw new CliError(`${target} exists; choose a new path or pass --force to overwrite it`);
  const result = await withContext(async (ctx) => {
    const sqlite = ctx.store.sqlite;
    if (!sqlite) {
      throw new CliError('backup works on SQLite only. This DATABASE_URL is PostgreSQL: use its own tools, e.g. pg_dump --format=custom --file=akkoord.dump "$DATABASE_URL"');
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (options.force) fs.rmSync(file, { force: true });
    let lowestRemaining = Infinity;
    let restarts = 0;
    let bar: ReturnType<Output['progress']> | null = null;
    const started = Date.now();
    const meta = await sqlite.backup(file, {
      progress: ({ totalPages, remainingPages }) => {
        bar ??= out.progress(totalPages, 'backup');
        bar.update(totalPages - remainingPages);
        if (remainingPages > lowestRemaining) restarts += 1;
        lowestRemaining = Math.min(lowestRemaining, remainingPages);
        return restarts > 0 ? 0x7fffffff : 1000;
      },
    });
    (bar as ReturnType<Output['progress']> | null)?.stop();
    return { pages: meta.totalPages, restarts, ms: Date.now() - started };
  }, { migrate: false });
  const check = await verifyBackup(file);
  if (!check.ok) throw new CliError(`The backup at ${target} did not verify`, check.problems);
  const bytes = fs.statSync(file).size;
  out.result({ path: file, bytes, ...result, ...check },
    `Backed up to ${file} (${(bytes / 1_048_576).toFixed(1)} MiB, ${result.pages} pages, ${result.ms} ms)\n` +
    `Verified: integrity ok, ${check.tenants} tenant(s), ${check.events} consent events, every ledger chain intact`);
}

/** Opens the copy as the server would and checks the file and every tenant's ledger. */
export async function verifyBackup(file: string) {
  const store = createStore(`sqlite:${file}`);
  const problems: string[] = [];
  let tenants = 0;
  let events = 0;
  try {
    const integrity = store.sqlite!.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const foreign = store.sqlite!.pragma('foreign_key_check') as unknown[];
    if (foreign.length > 0) problems.push(`${foreign.length} rows break a foreign key`);
    for (const { id } of await store.db.selectFrom('tenants').select('id').execute()) {
      tenants += 1;
      const report = await verifyLedger(store.db, id);
      events += report.events;
      if (!report.ok) problems.push(`tenant ${id}: ledger breaks at ${report.brokenAt} (${report.reason})`);
    }
  } finally {
    await store.close();
  }
  return { ok: problems.length === 0, problems, tenants, events };
}
