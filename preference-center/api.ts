// Calls to /v1/me/* from the page: same origin, the session cookie goes along by
// itself, and every change carries the session's CSRF token. Bodies and answers are typed by
// the server's own schemas (type-only imports: nothing of them reaches the bundle).
import type * as v from 'valibot';
import type { LinkResponse, VisitorLinkBody } from '../shared/schemas/links.js';
import type {
  ConsentsBody,
  ObjectionBody,
  ErasureBody,
  LoginBody,
  MeConsentsResponse,
  MeErasureResponse,
  MeExportBody,
  MeExportLinkBody,
  MeLiftResponse,
  MeObjectionResponse,
  MeProfileResponse,
  MeRequestsResponse,
  MeResponse,
  MeRestrictionResponse,
  MessageResponse,
  ProfileBody,
  RestrictionBody,
  SessionBody,
  SessionResponse,
} from '../shared/schemas/me.js';

type In<S extends v.GenericSchema> = v.InferInput<S>;
type Out<S extends v.GenericSchema> = v.InferOutput<S>;

/** Every call the page makes: [its body, its answer]. */
export interface Endpoints {
  'POST /v1/me/login': [In<typeof LoginBody>, Out<typeof MessageResponse>];
  'POST /v1/me/session': [In<typeof SessionBody>, Out<typeof SessionResponse>];
  'POST /v1/me/visitor-link': [In<typeof VisitorLinkBody>, Out<typeof LinkResponse>];
  'GET /v1/me': [undefined, Out<typeof MeResponse>];
  'GET /v1/me/requests': [undefined, Out<typeof MeRequestsResponse>];
  'PUT /v1/me/consents': [In<typeof ConsentsBody>, Out<typeof MeConsentsResponse>];
  'PATCH /v1/me/profile': [In<typeof ProfileBody>, Out<typeof MeProfileResponse>];
  'POST /v1/me/erasure': [In<typeof ErasureBody>, Out<typeof MeErasureResponse>];
  'POST /v1/me/restriction': [In<typeof RestrictionBody>, Out<typeof MeRestrictionResponse>];
  'DELETE /v1/me/restriction': [undefined, Out<typeof MeLiftResponse>];
  'POST /v1/me/objection': [In<typeof ObjectionBody>, Out<typeof MeObjectionResponse>];
  'POST /v1/me/step-up': [undefined, Out<typeof MessageResponse>];
  'POST /v1/me/logout': [undefined, undefined];
}
export type Endpoint = keyof Endpoints;
/** The calls that answer with a file to save, and their bodies. */
export interface Downloads {
  '/v1/me/export': In<typeof MeExportBody>;
  '/v1/me/exports': In<typeof MeExportLinkBody>;
}

export type MeView = Out<typeof MeResponse>;
export type RequestItem = Out<typeof MeRequestsResponse>['requests'][number];

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

export async function call<E extends Endpoint>(
  endpoint: E,
  body?: Endpoints[E][0],
  query?: Record<string, string>,
): Promise<Endpoints[E][1]> {
  const [method, base] = endpoint.split(' ') as [string, string];
  const path = query ? `${base}?${new URLSearchParams(query).toString()}` : base;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as Endpoints[E][1];
  const data = (await response.json().catch(() => ({}))) as {
    error?: { code: string; message: string };
  };
  if (!response.ok)
    throw new ApiFailure(
      response.status,
      data.error?.code ?? 'INTERNAL',
      data.error?.message ?? response.statusText,
    );
  return data as Endpoints[E][1];
}

/**
 * A download that files a request (access, portability): a POST with the CSRF token, never
 * a link, so no GET and no page of another site can file one. The answer is saved as a file.
 */
export async function download<P extends keyof Downloads>(
  path: P,
  body: Downloads[P],
): Promise<void> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
  });
  if (!response.ok) {
    const data = (await response.json().catch(() => ({}))) as {
      error?: { code: string; message: string };
    };
    throw new ApiFailure(
      response.status,
      data.error?.code ?? 'INTERNAL',
      data.error?.message ?? response.statusText,
    );
  }
  const filename =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
    'akkoord-export';
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Revoked after the browser has taken the file.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
