// How a route module describes its endpoints for /openapi.json: the same valibot
// schemas that validate the request, so the document cannot drift from the code.
import type * as v from 'valibot';
import type { Scope } from '../../shared/scopes.js';

/** 'public-key-body': the tenant public key travels as `key` in the JSON body, not in the query. */
export type Auth =
  | 'none'
  | 'admin-token'
  | 'public-key'
  | 'public-key-body'
  | 'session'
  | 'staff-session'
  | 'signed-token'
  | { scopes: Scope[] };

export interface ContentDoc {
  /** Defaults to application/json. */
  contentType?: string;
  /** For JSON: the body; for application/x-ndjson: one line. Text types default to a string. */
  schema?: v.GenericSchema | Record<string, unknown>;
  example?: unknown;
}

export interface ResponseDoc extends ContentDoc {
  description: string;
  /** An answer without a body (204, 304, 202 without content). */
  noBody?: boolean;
  /** More media types for the same status, chosen by a query parameter or Accept. */
  alternatives?: ContentDoc[];
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path syntax: /v1/keys/{id}. */
  path: string;
  summary: string;
  tag: string;
  auth: Auth;
  /** Stable camelCase name for generated clients; derived from method and path when absent. */
  operationId?: string;
  description?: string;
  params?: v.GenericSchema;
  query?: v.GenericSchema;
  body?: v.GenericSchema;
  /** Defaults to application/json. */
  bodyContentType?: string;
  bodyExample?: unknown;
  /** A string documents an answer by its description only: an error shape for 4xx/5xx, no body for 204/304. */
  responses: Record<number, ResponseDoc | string>;
}
