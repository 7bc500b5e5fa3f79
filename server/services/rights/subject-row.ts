// Loading the subject a right is exercised on, within its tenant: another tenant's
// id, or an erased subject, is simply not found (CONTRACT.md §0).
import type { Kysely } from 'kysely';
import type { Database, SubjectsTable } from '../../db/database.js';
import { notFound } from '../../errors.js';

export async function loadSubject(db: Kysely<Database>, tenantId: string, subjectId: string): Promise<SubjectsTable> {
  const row = await db.selectFrom('subjects').selectAll().where('tenant_id', '=', tenantId).where('id', '=', subjectId).executeTakeFirst();
  if (!row) throw notFound('subject');
  return row;
}
