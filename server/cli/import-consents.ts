// `akkoord import consents FILE.csv`: consents collected elsewhere (paper forms, an
// old system) brought into the ledger with their capture time (GDPR Art. 7(1): the
// controller must be able to show when and how consent was given). Every row is
// checked first; one bad row means nothing is imported unless --skip-invalid. The
// import is one transaction, so it is never half done. Error messages name the line
// and the column, never the value (it may be personal data). A row with an e-mail address
// stores it, and the person, who did not give it to Akkoord, is sent the Art. 14 notice
// as after the API (GDPR-25), unless `informedAt` says they were told already.
import fs from 'node:fs';
import { parse } from 'csv-parse';
import type { Kysely } from 'kysely';
import { isCommunicationPurpose, type TenantConfig } from '../../shared/schemas/config.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { getPublishedConfig, type PublishedConfig } from '../services/config/config.js';
import { expiredOnArrival } from '../services/consent/consent-lifetime.js';
import { recordConsentIn } from '../services/consent/consent-write.js';
import { erasureOf } from '../services/rights/erasure-register.js';
import { createSubject, findSubjectByExternalId } from '../services/subjects/subjects-core.js';
import { sealEmail } from '../services/subjects/personal-data.js';
import { lockLedgerHead } from '../services/ledger/ledger-head.js';
import { noteArrivalIn } from '../services/rights/information-notice.js';
import { CLI_ACTOR as IMPORT_ACTOR } from './tenant-commands.js';
import { CliError, requireTenant, withContext, type Output } from './runtime.js';

const requiredColumns = ['externalId', 'purpose', 'decision', 'capturedAt'];
const optionalColumns = ['channel', 'source', 'locale', 'configVersion', 'email', 'informedAt'];
/** The check the API's schema makes, in short: one @, no spaces, at most 254 characters. */
const emailPattern = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;
const decisions = ['granted', 'denied', 'withdrawn'] as const;
type Decision = (typeof decisions)[number];
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export interface ImportRow {
  line: number;
  externalId: string;
  purpose: string;
  channel: string;
  status: Decision;
  capturedAt: string;
  source: string | null;
  locale: string;
  configVersion: number;
  /** That version's configuration: the consent's lifetime comes from it. */
  config: TenantConfig;
  email: string | null;
  /** When the tool that made the list told the person (Art. 14(5)(a)). */
  informedAt: string | null;
}

export interface BadRow {
  line: number;
  problems: string[];
}

type Raw = Record<string, string | undefined>;

/** Streams the CSV's rows with the line each ends on; a broken file is a CliError naming the line. */
async function* readRows(
  file: string,
): AsyncGenerator<{ raw: Raw; line: number; columnsOk: boolean }> {
  if (!fs.existsSync(file)) throw new CliError(`No such file: ${file}`);
  const parser = fs.createReadStream(file).pipe(
    parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      relax_column_count: true,
      columns: (header: string[]) => {
        const missing = requiredColumns.filter((c) => !header.includes(c));
        const unknown = header.filter(
          (c) => !requiredColumns.includes(c) && !optionalColumns.includes(c),
        );
        if (missing.length > 0 || unknown.length > 0) {
          throw new CliError('line 1: the header is not one this import understands', [
            ...missing.map((c) => `missing column "${c}"`),
            ...unknown.map((c) => `unknown column "${c.slice(0, 40)}"`),
            `columns: ${requiredColumns.join(',')} and optionally ${optionalColumns.join(',')}`,
          ]);
        }
        return header;
      },
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Raw;
      info: { lines: number; invalid_field_length: number };
    }>) {
      yield { raw: record, line: info.lines, columnsOk: info.invalid_field_length === 0 };
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const line = (error as { lines?: number }).lines;
    throw new CliError(
      `${line ? `line ${line}: ` : ''}the file is not valid CSV (${(error as Error).message.split('\n')[0].slice(0, 200)})`,
    );
  }
}

/** Checks one row against the config version it names; answers the row or its problems. */
async function checkRow(
  ctx: AppContext,
  tenantId: string,
  raw: Raw,
  line: number,
  columnsOk: boolean,
  configOf: (version?: number) => Promise<PublishedConfig | null>,
  checkErased: boolean,
): Promise<ImportRow | BadRow> {
  const problems: string[] = [];
  if (!columnsOk) problems.push('wrong number of columns');
  const externalId = raw.externalId ?? '';
  if (externalId === '' || externalId.length > 200)
    problems.push('externalId must be 1 to 200 characters');
  const status = (raw.decision ?? '').toLowerCase() as Decision;
  if (!decisions.includes(status)) problems.push(`decision must be one of ${decisions.join(', ')}`);
  const capturedAt = raw.capturedAt ?? '';
  const capturedMs = isoTime.test(capturedAt) ? Date.parse(capturedAt) : NaN;
  if (!Number.isFinite(capturedMs))
    problems.push('capturedAt must be an ISO 8601 time with a zone, e.g. 2026-03-01T09:30:00Z');
  else if (capturedMs > ctx.clock.now().getTime()) problems.push('capturedAt is in the future');
  const source = raw.source ? raw.source : null;
  // A label, not free text: it stays in the ledger for good, so it must not carry personal data.
  if (source !== null && !/^[A-Za-z0-9_.:-]{1,100}$/.test(source))
    problems.push('source must be a label of at most 100 characters: letters, digits, _ . : -');

  const email = raw.email ? raw.email : null;
  if (email !== null && (email.length > 254 || !emailPattern.test(email)))
    problems.push('email must be an e-mail address');
  const informedAt = raw.informedAt ? raw.informedAt : null;
  const informedMs =
    informedAt === null ? null : isoTime.test(informedAt) ? Date.parse(informedAt) : NaN;
  if (informedMs !== null && !Number.isFinite(informedMs))
    problems.push('informedAt must be an ISO 8601 time with a zone');
  else if (informedMs !== null && informedMs > ctx.clock.now().getTime())
    problems.push('informedAt is in the future');

  let version: number | undefined;
  if (raw.configVersion) {
    version = /^\d{1,9}$/.test(raw.configVersion) ? Number(raw.configVersion) : NaN;
    if (Number.isNaN(version)) problems.push('configVersion must be a whole number');
  }
  const published =
    version === undefined || !Number.isNaN(version) ? await configOf(version) : null;
  if (!published && !Number.isNaN(version))
    problems.push(
      version === undefined
        ? 'the tenant has no published configuration'
        : `configuration version ${version} does not exist`,
    );

  const channel = raw.channel ?? '';
  let locale = raw.locale ?? '';
  if (published) {
    const purpose = published.config.purposes.find((p) => p.key === raw.purpose);
    if (!purpose) problems.push(`purpose is not in configuration version ${published.version}`);
    else if (isCommunicationPurpose(purpose)) {
      if (!purpose.channels!.includes(channel))
        problems.push(`channel must be one of ${purpose.channels!.join(', ')} for this purpose`);
    } else {
      if (channel !== '') problems.push('channel must be empty for a website purpose');
      if (purpose.required && status !== 'granted')
        problems.push('a required purpose cannot be refused');
    }
    if (locale === '') locale = published.config.defaultLocale;
    else if (!published.config.locales.includes(locale))
      problems.push(`locale must be one of ${published.config.locales.join(', ')}`);
  }
  // Art. 17: an erased person is not brought back by an old list.
  if (
    checkErased &&
    externalId !== '' &&
    (await erasureOf(ctx.db, ctx.keyring, tenantId, { externalId, email }))
  )
    problems.push('this person was erased; their consent is not imported again');

  if (problems.length > 0 || !published) return { line, problems };
  return {
    line,
    externalId,
    purpose: raw.purpose!,
    channel,
    status,
    capturedAt: new Date(capturedMs).toISOString(),
    source,
    locale,
    configVersion: published.version,
    config: published.config,
    email,
    informedAt: informedMs === null ? null : new Date(informedMs).toISOString(),
  };
}

/** Ledger events written, whether the grant was already past its lifetime (GDPR-12), and what became of the Art. 14 notice. */
async function importRow(trx: Kysely<Database>, ctx: AppContext, tenantId: string, row: ImportRow) {
  const at = ctx.clock.now().toISOString();
  const found = await findSubjectByExternalId(trx, tenantId, row.externalId);
  const subjectId = found?.id ?? (await createSubject(trx, tenantId, at, row.externalId));
  let notice: Awaited<ReturnType<typeof noteArrivalIn>> = 'unchanged';
  if (row.email !== null) {
    await trx
      .updateTable('subjects')
      .set({ ...sealEmail(ctx.keyring, row.email), updated_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', subjectId)
      .execute();
  }
  // Art. 14, as for PUT /v1/subjects: a person with an address learns who holds their data and from where.
  if ((row.email !== null || row.informedAt !== null) && (row.email !== null || found?.email_enc)) {
    await lockLedgerHead(trx, tenantId);
    notice = await noteArrivalIn(trx, ctx, {
      tenantId,
      subjectId,
      dataSource: row.source,
      informedAt: row.informedAt,
      via: 'import',
      actor: IMPORT_ACTOR,
    });
  }
  const recorded = await recordConsentIn(trx, ctx, {
    tenantId,
    subjectId,
    configVersion: row.configVersion,
    locale: row.locale,
    source: 'import',
    changes: [{ purpose: row.purpose, channel: row.channel, status: row.status }],
    capturedAt: row.capturedAt,
    // Where the consent was collected, kept (and hashed) with the ledger event as proof.
    clientEventId: row.source ? `import:${row.source}` : 'import',
  });
  const expired =
    expiredOnArrival(
      row.config,
      [{ purpose: row.purpose, channel: row.channel, status: row.status }],
      row.capturedAt,
      at,
    ).length > 0;
  return { events: recorded.events.length, expired, notice };
}

export async function importConsentsCommand(
  out: Output,
  file: string,
  options: { tenant?: string; skipInvalid?: boolean },
) {
  const summary = await withContext(out, async (ctx) => {
    const tenant = await requireTenant(ctx, options.tenant);
    if (tenant.status !== 'active')
      throw new CliError(`Tenant ${tenant.id} is ${tenant.status}; nothing can be imported`);
    const configs = new Map<number | 'latest', PublishedConfig | null>();
    const configOf = async (version?: number) => {
      const key = version ?? 'latest';
      if (!configs.has(key)) configs.set(key, await getPublishedConfig(ctx.db, tenant.id, version));
      return configs.get(key)!;
    };

    // Pass 1: check every row; only line numbers of the good ones are kept.
    const bad: BadRow[] = [];
    let total = 0;
    for await (const { raw, line, columnsOk } of readRows(file)) {
      total += 1;
      const checked = await checkRow(ctx, tenant.id, raw, line, columnsOk, configOf, true);
      if ('problems' in checked) bad.push(checked);
    }
    if (total === 0) throw new CliError(`${file} has a header but no rows`);
    const badLines = (limit: number) =>
      bad.slice(0, limit).map((b) => `line ${b.line}: ${b.problems.join('; ')}`);
    if (bad.length > 0 && !options.skipInvalid) {
      throw new CliError(
        `${bad.length} of ${total} rows are invalid; nothing was imported (fix them, or pass --skip-invalid to import the rest)`,
        [...badLines(50), ...(bad.length > 50 ? [`... and ${bad.length - 50} more`] : [])],
      );
    }

    // Pass 2: read the file again (memory stays flat) and import the good rows in one transaction.
    const skip = new Set(bad.map((b) => b.line));
    const bar = out.progress(total - bad.length, 'import');
    let imported = 0;
    let events = 0;
    let expiredOnArrivalRows = 0;
    const notices = { opened: 0, informed: 0 };
    try {
      await ctx.db.transaction().execute(async (trx) => {
        // From zero on every run: PostgreSQL may run the transaction again after a deadlock.
        imported = 0;
        events = 0;
        expiredOnArrivalRows = 0;
        notices.opened = 0;
        notices.informed = 0;
        for await (const { raw, line, columnsOk } of readRows(file)) {
          if (skip.has(line)) continue;
          // Configs are cached from pass 1 and the erasure check is done: no query outside `trx`
          // (on SQLite the transaction holds the only connection).
          const row = await checkRow(ctx, tenant.id, raw, line, columnsOk, configOf, false);
          if ('problems' in row)
            throw new CliError(`line ${line} changed while importing; nothing was imported`);
          const done = await importRow(trx, ctx, tenant.id, row);
          events += done.events;
          if (done.notice !== 'unchanged') notices[done.notice] += 1;
          // Kept in the ledger as history, but not reported as imported consent.
          if (done.expired) expiredOnArrivalRows += 1;
          else imported += 1;
          bar.update(imported);
        }
      });
    } finally {
      bar.stop();
    }
    return {
      rows: total,
      imported,
      expiredOnArrival: expiredOnArrivalRows,
      ledgerEvents: events,
      informationNotices: notices,
      skipped: bad.length,
      invalid: bad.map((b) => ({ line: b.line, problems: b.problems })),
      badLines: badLines(20),
    };
  });
  const { badLines, ...result } = summary;
  out.result(
    result,
    [
      `Imported ${result.imported} of ${result.rows} rows (${result.ledgerEvents} ledger events; rows that changed nothing add none)`,
      ...(result.expiredOnArrival > 0
        ? [
            `${result.expiredOnArrival} granted rows were already expired on arrival (given longer ago than the consent lifetime): kept as history, they do not count as consent`,
          ]
        : []),
      ...(result.informationNotices.opened > 0
        ? [
            `${result.informationNotices.opened} people with an e-mail address will be sent the information notice (Art. 14) within a month; the server's notice job mails it`,
          ]
        : []),
      ...(result.informationNotices.informed > 0
        ? [
            `${result.informationNotices.informed} people were already informed (informedAt): no notice`,
          ]
        : []),
      ...(result.skipped > 0
        ? [`Skipped ${result.skipped} invalid rows:`, ...badLines.map((l) => `  ${l}`)]
        : []),
    ].join('\n'),
  );
}
