// How long a tenant keeps the proof Akkoord holds for it (storage limitation, Art.
// 5(1)(e), weighed against the duty to demonstrate consent, Art. 7(1)): ledger events,
// audit entries, feed events and the erasure register. Left out means the default.
import * as v from 'valibot';

const Days = (min: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(min, `at least ${min} days`), v.maxValue(36_500));

export const ProofRetentionBody = v.strictObject({
  /** Ledger events are kept this long after they were recorded; default: the consent lifetime plus five years. */
  ledgerDays: v.optional(v.nullable(Days(365))),
  /** Default 90. */
  feedDays: v.optional(v.nullable(Days(7))),
  /** Default five years (1826 days). */
  auditDays: v.optional(v.nullable(Days(365))),
  /** Tombstones of erased people (the erasure register); default: as long as the tenant exists. */
  erasureRegisterDays: v.optional(v.nullable(Days(365))),
});
export type ProofRetentionBody = v.InferOutput<typeof ProofRetentionBody>;

export const ProofRetentionResponse = v.object({
  settings: ProofRetentionBody,
  /** What applies now, defaults filled in; erasureRegisterDays null means kept while the tenant exists. */
  effective: v.object({
    ledgerDays: v.number(),
    feedDays: v.number(),
    auditDays: v.number(),
    erasureRegisterDays: v.nullable(v.number()),
  }),
  updatedAt: v.nullable(v.string()),
});

export const ProofPruneResponse = v.object({
  ledgerPruned: v.number(),
  ledgerCheckpoint: v.nullable(v.number()),
  feedPruned: v.number(),
  auditPruned: v.number(),
  erasureEntriesPruned: v.number(),
});
