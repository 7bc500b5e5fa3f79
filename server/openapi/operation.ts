// How a route module describes its endpoints for /openapi.json: the same valibot
// schemas that validate the request, so the document cannot drift from the code.
import type * as v from 'valibot';
import type { Scope } from '../../shared/scopes.js';

export type Auth = 'none' | 'admin-token' | 'public-key' | 'session' | 'signed-token' | { scopes: Scope[] };

export interface ResponseDoc {
  description: string;
  schema?: v.GenericSchema;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path syntax: /v1/keys/{id}. */
  path: string;
  summary: string;
  tag: string;
  auth: Auth;
  description?: string;
  params?: v.GenericSchema;
  query?: v.GenericSchema;
  body?: v.GenericSchema;
  /** Defaults to application/json. */
  bodyContentType?: string;
  responses: Record<number, ResponseDoc | string>;
}
