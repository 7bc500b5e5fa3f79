// Calls to the /v1 API and /console/api from the console: same origin, the session
// cookie goes along by itself, and every change carries the session's CSRF token.
import type { Scope } from '../shared/scopes';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';

export function rememberCsrf(token: string): void {
  csrfToken = token;
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204 || response.status === 202) return undefined as T;
  const data = (await response.json().catch(() => ({}))) as {
    error?: { code: string; message: string };
  };
  if (!response.ok)
    throw new ApiFailure(
      response.status,
      data.error?.code ?? 'INTERNAL',
      data.error?.message ?? response.statusText,
    );
  return data as T;
}

/** A query string of the values that are set. */
export function query(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface Self {
  staff: { id: string; email: string; name: string | null };
  tenantId: string;
  role: string;
  scopes: Scope[];
  tenants: Array<{ id: string; name: string; role: string }>;
  csrfToken: string;
  expiresAt: string;
}

export interface RequestItem {
  id: string;
  type: string;
  status: string;
  origin: string;
  subject: { id: string | null; externalId: string | null };
  receivedAt: string;
  dueAt: string;
  overdue: boolean;
  extension: { at: string; reason: string; notice: Record<string, unknown> } | null;
  completedAt: string | null;
  outcome: Record<string, unknown> | null;
  channel: string | null;
  identityCheck: { method: string; by: string; at: string } | null;
}

export interface PersonMatch {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  restricted: boolean;
  objected: boolean;
  createdAt: string;
  lastActivityAt: string;
}

export interface Person {
  id: string;
  externalId: string;
  identities: {
    email?: string | null;
    phone?: string | null;
    hasEmail: boolean;
    hasPhone: boolean;
    visitors: number;
  };
  consentDetails: Array<{
    purpose: string;
    channel: string | null;
    status: string;
    source: string;
    configVersion: number;
    updatedAt: string;
    expiresAt: string | null;
  }>;
  restriction: { restricted: boolean; reason: string | null };
  objection: { objected: boolean; at: string | null };
  records: Record<string, number>;
  createdAt: string;
}

export interface HistoryEvent {
  seq: number;
  consentId: string;
  purpose: string;
  channel: string | null;
  status: string;
  source: string;
  configVersion: number;
  locale: string;
  occurredAt: string;
}

export interface AuditEntry {
  id: string;
  actor: string;
  actorName?: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  occurredAt: string;
}

export interface KeyItem {
  id: string;
  name: string | null;
  prefix: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
}

export interface StaffItem {
  id: string;
  email: string;
  name: string | null;
  role: string;
  since: string;
}
