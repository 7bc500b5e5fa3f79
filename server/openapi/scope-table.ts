// The scope table of the /docs page: what each scope of a secret key is for, and the
// operations that accept it, taken from the same operation list as /openapi.json so the
// table cannot claim a scope grants more (or less) than the routes check.
import { scopes, type Scope } from '../../shared/scopes.js';
import type { Operation } from './operation.js';

const purposeOf: Record<Scope, string> = {
  admin:
    'The tenant itself: its keys, configuration, settings, registers and offboarding; also what audit:read and breaches:manage reach.',
  'consent:write':
    'Record consent captured elsewhere (a form, a call centre). Nothing else: it cannot read or change a person.',
  'subjects:write':
    'Create and update people, store their records, mint preference and unsubscribe links; also records captured consent.',
  'subjects:read':
    "Read a person's consent state, restriction, objection and record counts, without personal fields.",
  'pii:read': 'Together with subjects:read: also the e-mail address, phone number and attributes.',
  'feed:read': 'The consent feed, webhooks, the "may I?" check and audiences.',
  'requests:manage': 'Data-subject requests: file, list and run them.',
  'audit:read':
    'The audit log, the ledger proof, the record of processing activities, the processors and DPIA registers and the tenant export.',
  'config:write':
    "The banner's configuration: publish it, read its versions and their differences, publish an earlier version again (the console's banner studio).",
  'insights:read':
    'Consent and rights counts without personal data: choices per control, purpose, language and configuration version; request pace.',
  'breaches:manage':
    'The breach register: record and update breaches, the notification text for the authority, and the notices to the people concerned.',
};

export interface ScopeRow {
  scope: Scope;
  purpose: string;
  /** "METHOD /path" of every operation that accepts the scope. */
  operations: string[];
}

export function scopeTable(operations: Operation[]): ScopeRow[] {
  return scopes.map((scope) => ({
    scope,
    purpose: purposeOf[scope],
    operations: operations
      .filter((op) => typeof op.auth === 'object' && op.auth.scopes.includes(scope))
      .map((op) => `${op.method.toUpperCase()} ${op.path}`),
  }));
}
