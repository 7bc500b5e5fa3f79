// Loading the subject a right is exercised on, within its tenant: another tenant's
// id, or an erased subject, is simply not found (404, never 403, so ids reveal nothing).
import type { Kysely } from 'kysely';
import type { Database, SubjectsTable } from '../../db/database.js';
import { notFound } from '../../errors.js';

export async function loadSubject(
  db: Kysely<Database>,
  tenantId: string,
  subjectId: string,
): Promise<SubjectsTable> {
  const row = await db
    .selectFrom('subjects')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', subjectId)
    .executeTakeFirst();
  if (!row) throw notFound('subject');
  return row;
}

/**
 * The empty shells merged into this subject (banner visitors it turned out to be):
 * their ledger events still carry the shell's id, so a right exercised on the person
 * covers them too.
 */
export async function mergedShellIds(
  db: Kysely<Database>,
  tenantId: string,
  subjectId: string,
): Promise<string[]> {
  const found: string[] = [];
  let frontier = [subjectId];
  while (frontier.length > 0 && found.length < 10_000) {
    const rows = await db
      .selectFrom('subjects')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('merged_into', 'in', frontier)
      .execute();
    frontier = rows.map((r) => r.id).filter((id) => !found.includes(id) && id !== subjectId);
    found.push(...frontier);
  }
  return found;
}
