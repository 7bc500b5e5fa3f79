// Reads of personal data leave an audit entry (GDPR Art. 32 access logging, Art. 5(2)):
// who read (the key), what (which fields, through which route) and whose (subject ids
// or, for an audience, the selection), never the personal data itself.
import type { AppContext } from '../../context.js';
import { appendAudit } from '../registers/audit.js';

export interface PiiRead {
  /** The key (key_...) or 'data_subject' that received the data. */
  actor: string;
  /** subject.pii_read, audience.pii_read, request.export_read. */
  action: string;
  /** A subject id (sub_...) or, for an audience, the purpose key. */
  target: string;
  /** Ids and field names only. */
  details: Record<string, unknown>;
}

/** Written in its own transaction before the data is answered: no entry, no answer. */
export async function auditPiiRead(
  ctx: AppContext,
  tenantId: string,
  read: PiiRead,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute((trx) => appendAudit(trx, tenantId, read, at));
}
