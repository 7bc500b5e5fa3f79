// `akkoord verify` and `akkoord purge`: the operator's periodic checks (GDPR Art. 5(2), 32(1)(d)),
// and the removal of what is past its retention, the tenant's proof included (Art. 5(1)(e)).
import { verifyLedger, type LedgerReport } from '../services/ledger/ledger-verify.js';
import { deleteTenant } from '../services/tenants/offboarding.js';
import { pruneProof } from '../services/registers/proof-retention.js';
import { runRetention } from '../services/registers/retention.js';
import { requireTenant, withContext, type Output } from './runtime.js';
import { CLI_ACTOR } from './tenant-commands.js';

export async function verifyCommand(out: Output, tenantId: string | undefined) {
  const reports = await withContext(
    out,
    async (ctx) => {
      const tenants = tenantId
        ? [await requireTenant(ctx, tenantId)]
        : await ctx.db
            .selectFrom('tenants')
            .select(['id', 'name', 'status'])
            .orderBy('id')
            .execute();
      const results: Array<{ tenantId: string } & LedgerReport> = [];
      for (const tenant of tenants) {
        const head = await ctx.db
          .selectFrom('ledger_heads')
          .select('ledger_seq')
          .where('tenant_id', '=', tenant.id)
          .executeTakeFirst();
        const bar = out.progress(head?.ledger_seq ?? 0, `verify ${tenant.id}`);
        try {
          results.push({
            tenantId: tenant.id,
            ...(await verifyLedger(ctx.db, tenant.id, { onProgress: (n) => bar.update(n) })),
          });
        } finally {
          bar.stop();
        }
      }
      return results;
    },
    { migrate: false },
  );
  const human = reports
    .map((r) =>
      r.ok
        ? `ok      ${r.tenantId}: ${r.events} events, head ${r.head}${r.checkpoint ? `, from the checkpoint at event ${r.checkpoint.seq} (${r.checkpoint.pruned} older events pruned)` : ''}`
        : `BROKEN  ${r.tenantId}: at event ${r.brokenAt} (${r.reason}); ${r.events} events verified before it`,
    )
    .join('\n');
  out.result({ ok: reports.every((r) => r.ok), tenants: reports }, human || 'No tenants.');
  if (!reports.every((r) => r.ok)) out.exitCode = 3;
}

export async function purgeCommand(out: Output, tenantId: string | undefined) {
  const result = await withContext(out, async (ctx) => {
    if (tenantId) await requireTenant(ctx, tenantId);
    const retention = await runRetention(ctx, { tenantId });
    // The proof itself past its retention (ledger, feed, audit log, erasure register), per tenant.
    const active = await ctx.db
      .selectFrom('tenants')
      .select('id')
      .where('status', '=', 'active')
      .$if(tenantId !== undefined, (q) => q.where('id', '=', tenantId!))
      .orderBy('id')
      .execute();
    const proof = { ledgerPruned: 0, feedPruned: 0, auditPruned: 0, erasureEntriesPruned: 0 };
    for (const { id } of active) {
      const counts = await pruneProof(ctx, id, CLI_ACTOR);
      for (const key of Object.keys(proof) as Array<keyof typeof proof>) proof[key] += counts[key];
    }
    // Offboarded tenants past their grace period go too (with --tenant, only that one).
    const due = await ctx.db
      .selectFrom('tenants')
      .select('id')
      .where('status', '=', 'offboarding')
      .where('delete_after', '<=', ctx.clock.now().toISOString())
      .$if(tenantId !== undefined, (q) => q.where('id', '=', tenantId!))
      .execute();
    for (const { id } of due) await deleteTenant(ctx, id, CLI_ACTOR, 'grace_period_over');
    return { ...retention, proof, tenantsDeleted: due.map((t) => t.id) };
  });
  out.result(
    result,
    [
      `Retention ran for ${result.tenants} tenant(s):`,
      `  ${result.subjectsErased} inactive people erased`,
      `  ${result.recordsDeleted} records past their data set's limit deleted`,
      `  ${result.keptRecordsDeleted} records kept by law deleted at the end of their term`,
      `  ${result.consentsExpired} consents expired`,
      `  ${result.requests} erasure requests recorded (origin retention)`,
      `Proof past its retention: ${result.proof.ledgerPruned} ledger events (a signed checkpoint replaces them), ` +
        `${result.proof.feedPruned} feed events, ${result.proof.auditPruned} audit entries, ${result.proof.erasureEntriesPruned} erasure-register entries`,
      `Offboarded tenants deleted: ${result.tenantsDeleted.length === 0 ? 'none' : result.tenantsDeleted.join(', ')}`,
    ].join('\n'),
  );
}
