// The information owed to a person whose data came from someone else (Art. 14, GDPR-25):
// a tool that supplies a person with an e-mail address, without saying it already told
// them (informedAt), opens an `information_notice` request due one calendar month out.
// The notice job mails each open one in the person's language: who holds their data,
// which data, where it came from, what it is used for and on which basis, who receives
// it, how long it is kept, and their rights. The mail goes through the mail queue in the
// same transaction that completes the request, so neither happens without the other.
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import { informationNoticeMail } from '../../mail/information-notice-template.js';
import { getPublishedConfig } from '../config/config.js';
import { lockLedgerHead } from '../ledger/ledger-head.js';
import { preferenceCenterUrl } from '../me/links.js';
import { readRopaSettings } from '../registers/ropa.js';
import { describeProcessing } from './art15-information.js';
import { localeOf } from './notices.js';
import { completeRequestIn, createRequestIn } from './requests.js';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'keyring' | 'mailer' | 'config'>;

const ACTOR = 'system';

export interface Arrival {
  tenantId: string;
  subjectId: string;
  /** The tool's word for where the data came from (a list, a partner); named in the notice. */
  dataSource?: string | null;
  /** When the tool itself told the person (Art. 14(5)(a)): no notice is sent. */
  informedAt?: string | null;
  /** How the person arrived: by the API (the default) or an import of a list (`akkoord import consents`). */
  via?: 'api' | 'import';
  actor: string;
}

/**
 * Called in the upsert's transaction, after the person's e-mail address was stored. The
 * first time a person has an address, opens the notice request (or records that the tool
 * informed them); a later informedAt completes a notice still open.
 */
export async function noteArrivalIn(
  trx: Kysely<Database>,
  ctx: Pick<AppContext, 'clock'>,
  arrival: Arrival,
): Promise<'opened' | 'informed' | 'unchanged'> {
  const existing = await trx
    .selectFrom('requests')
    .select(['id', 'status'])
    .where('tenant_id', '=', arrival.tenantId)
    .where('subject_id', '=', arrival.subjectId)
    .where('type', '=', 'information_notice')
    .orderBy('received_at', 'desc')
    .executeTakeFirst();
  if (existing && (existing.status !== 'received' || !arrival.informedAt)) return 'unchanged';
  const informed = arrival.informedAt
    ? { via: 'tool', informedAt: new Date(arrival.informedAt).toISOString() }
    : null;
  const requestId =
    existing?.id ??
    (
      await createRequestIn(trx, ctx, {
        tenantId: arrival.tenantId,
        subjectId: arrival.subjectId,
        type: 'information_notice',
        origin: 'api',
        actor: arrival.actor,
        scope: {
          dataSource: arrival.dataSource ?? null,
          ...(arrival.via === 'import' ? { via: 'import' } : {}),
        },
      })
    ).id;
  if (!informed) return 'opened';
  await completeRequestIn(trx, ctx, {
    tenantId: arrival.tenantId,
    requestId,
    outcome: informed,
    actor: arrival.actor,
  });
  return 'informed';
}

/** Mails one open notice now and completes its request; a person without an address is recorded as not reachable by mail. */
export async function sendInformationNotice(
  ctx: Ctx,
  tenantId: string,
  requestId: string,
  actor = ACTOR,
): Promise<Record<string, unknown>> {
  const request = await ctx.db
    .selectFrom('requests')
    .select(['subject_id', 'scope'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
  const subject =
    request.subject_id === null
      ? undefined
      : await ctx.db
          .selectFrom('subjects')
          .select(['email_enc'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', request.subject_id)
          .executeTakeFirst();
  const scope = JSON.parse(request.scope) as { dataSource?: string | null; via?: string };
  const at = ctx.clock.now().toISOString();
  let outcome: Record<string, unknown>;
  let mail: Parameters<Ctx['mailer']['send']>[0] | null = null;
  if (!subject?.email_enc) {
    // Erased, or the address was taken away meanwhile: nothing to send it to.
    outcome = { via: 'none', reason: subject ? 'no_email' : 'subject_gone', at };
  } else {
    const [{ locale, tenant }, published, { ropa }] = await Promise.all([
      localeOf(ctx, tenantId, request.subject_id!),
      getPublishedConfig(ctx.db, tenantId),
      readRopaSettings(ctx, tenantId),
    ]);
    const information = describeProcessing({
      config: published?.config ?? null,
      locale,
      sources: [scope.via === 'import' ? 'import' : 'api'],
      connectedTools: [],
      ropa,
    });
    const message = informationNoticeMail(locale, {
      tenant,
      information,
      dataSource: scope.dataSource ?? null,
      manageUrl: preferenceCenterUrl(ctx, tenantId),
    });
    mail = {
      to: ctx.keyring.decrypt(subject.email_enc),
      ...message,
      tenantId,
      subjectId: request.subject_id!,
    };
    outcome = { via: 'email', at, locale };
  }
  return ctx.db.transaction().execute(async (trx) => {
    await lockLedgerHead(trx, tenantId);
    // Another server's job may have sent it meanwhile: under the lock, only an open request is sent.
    const still = await trx
      .selectFrom('requests')
      .select(['status', 'outcome'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow();
    if (still.status !== 'received')
      return JSON.parse(still.outcome ?? '{}') as Record<string, unknown>;
    if (mail) await ctx.mailer.send(mail, trx);
    await completeRequestIn(trx, ctx, { tenantId, requestId, outcome, actor });
    return outcome;
  });
}

/** Every open notice of every tenant (or one), oldest first; answers how many went out. */
export async function sendInformationNotices(
  ctx: Ctx,
  options: { tenantId?: string } = {},
): Promise<number> {
  const open = await ctx.db
    .selectFrom('requests')
    .select(['tenant_id', 'id'])
    .where('type', '=', 'information_notice')
    .where('status', '=', 'received')
    .$if(options.tenantId !== undefined, (q) => q.where('tenant_id', '=', options.tenantId!))
    .orderBy('received_at')
    .limit(1000)
    .execute();
  for (const row of open) await sendInformationNotice(ctx, row.tenant_id, row.id);
  return open.length;
}

/** Sends open notices every `intervalMs` (five minutes by default): well inside the month Art. 14(3)(a) allows. */
export function startInformationNoticeJob(ctx: AppContext, intervalMs = 300_000): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      if ((await sendInformationNotices(ctx)) > 0) ctx.mailQueue.wake();
    } catch (error) {
      ctx.logger.error({ err: error as Error }, 'information notice job failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
