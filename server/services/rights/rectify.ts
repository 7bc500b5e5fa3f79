// The right to rectification (Art. 16, GDPR-31): correct or complete profile fields,
// re-sealed as personal-data.ts prescribes; recipients hear which fields changed,
// never the values (Art. 19, GDPR-36).
import type { RectificationScope } from '../../../shared/schemas/requests.js';
import type { AppContext } from '../../context.js';
import type { SubjectsTable } from '../../db/database.js';
import { appendAudit } from '../registers/audit.js';
import { appendFeedEvent } from '../feed/feed-events.js';
import {
  emailHash,
  openJson,
  phoneHash,
  sealEmail,
  sealJson,
  sealPhone,
} from '../subjects/personal-data.js';
import { recipientsToNotify } from '../registers/disclosures.js';
import { completeRequestIn } from './requests.js';
import { loadSubject } from './subject-row.js';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'keyring'>;

export interface RectifyInput {
  tenantId: string;
  subjectId: string;
  /** New values; an attribute set to null is removed. */
  fields: RectificationScope;
  requestId?: string | null;
  actor: string;
}

export interface RectifyResult {
  /** Names of the fields that changed: `email`, `phone`, `attributes.<name>`. */
  changed: string[];
  /** Art. 19: the recipients told of it (they received the person's data, or receive the feed). */
  notified: Awaited<ReturnType<typeof recipientsToNotify>>;
}

export async function rectifySubject(ctx: Ctx, input: RectifyInput): Promise<RectifyResult> {
  return ctx.db.transaction().execute(async (trx) => {
    const subject = await loadSubject(trx, input.tenantId, input.subjectId);
    const at = ctx.clock.now().toISOString();
    const changed: string[] = [];
    const update: Partial<SubjectsTable> = {};
    const { email, phone, attributes } = input.fields;

    if (email !== undefined && emailHash(ctx.keyring, email) !== subject.email_hash) {
      Object.assign(update, sealEmail(ctx.keyring, email));
      changed.push('email');
    }
    if (phone !== undefined && phoneHash(ctx.keyring, phone) !== subject.phone_hash) {
      Object.assign(update, sealPhone(ctx.keyring, phone));
      changed.push('phone');
    }
    if (attributes !== undefined) {
      const current = openJson<Record<string, unknown>>(ctx.keyring, subject.attributes_enc) ?? {};
      for (const [name, value] of Object.entries(attributes)) {
        if (value === null) {
          if (name in current) changed.push(`attributes.${name}`);
          delete current[name];
        } else if (JSON.stringify(current[name]) !== JSON.stringify(value)) {
          current[name] = value;
          changed.push(`attributes.${name}`);
        }
      }
      if (changed.some((c) => c.startsWith('attributes.'))) {
        update.attributes_enc =
          Object.keys(current).length > 0 ? sealJson(ctx.keyring, current) : null;
      }
    }

    if (changed.length > 0) {
      await trx
        .updateTable('subjects')
        .set({ ...update, updated_at: at })
        .where('tenant_id', '=', input.tenantId)
        .where('id', '=', input.subjectId)
        .execute();
      await appendFeedEvent(
        trx,
        input.tenantId,
        {
          type: 'subject.rectified',
          subjectId: subject.id,
          externalId: subject.external_id,
          data: { fields: changed },
        },
        at,
      );
    }
    await appendAudit(
      trx,
      input.tenantId,
      {
        actor: input.actor,
        action: 'subject.rectified',
        target: subject.id,
        details: { requestId: input.requestId ?? null, fields: changed },
      },
      at,
    );
    const result: RectifyResult = {
      changed,
      notified:
        changed.length > 0 ? await recipientsToNotify(trx, input.tenantId, input.subjectId) : [],
    };
    if (input.requestId)
      await completeRequestIn(trx, ctx, {
        tenantId: input.tenantId,
        requestId: input.requestId,
        outcome: { ...result },
        actor: input.actor,
      });
    return result;
  });
}
