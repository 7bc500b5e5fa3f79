// Calls to /v1/me/* from the page: same origin, the session cookie goes along by
// itself, and every change carries the session's CSRF token.
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
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
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!response.ok) throw new ApiFailure(response.status, data.error?.code ?? 'INTERNAL', data.error?.message ?? response.statusText);
  return data as T;
}

export interface ConsentItem {
  purpose: string;
  channel: string | null;
  status: string;
  source: string;
  since: string;
  expiresAt: string | null;
}

export interface MeView {
  csrfToken: string;
  subject: {
    id: string;
    externalId: string | null;
    email: string | null;
    phone: string | null;
    attributes: Record<string, unknown>;
    restriction: { restricted: boolean; reason: string | null };
    objection: { objectedAt: string | null };
  };
  consent: {
    current: ConsentItem[];
    history: Array<{ occurredAt: string; purpose: string; channel: string | null; status: string; source: string }>;
  };
  records: Record<string, number>;
}

export interface RequestItem {
  id: string;
  type: string;
  status: string;
  receivedAt: string;
  dueAt: string;
  completedAt: string | null;
}
