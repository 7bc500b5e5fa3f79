// Declares a route once: `describe({...})` sits among the route's own middleware, next to its
// handler, and the document reads method and path from the router, so the two cannot drift.
//   app.post('/v1/keys', describe({ summary, tag, auth, body, responses }), validate(...), handler)
// It does nothing at request time but pass on.
import type { Hono, MiddlewareHandler } from 'hono';
import type { Operation } from './operation.js';

export type Description = Omit<Operation, 'method' | 'path'>;

const DESCRIPTION = Symbol('akkoord.operation');

type Described = MiddlewareHandler & { [DESCRIPTION]: Description };

export function describe(description: Description): MiddlewareHandler {
  const passOn: MiddlewareHandler = async (_c, next) => {
    await next();
  };
  return Object.assign(passOn, { [DESCRIPTION]: description });
}

/** Hono's `/v1/keys/:id` (or `:file{.+}`) in OpenAPI syntax: `/v1/keys/{id}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');

/** The operations of every route of this router that carries a description. */
export function describedOperations(app: Hono<any>): Operation[] {
  return app.routes
    .filter((route) => DESCRIPTION in route.handler)
    .map((route) => ({
      ...(route.handler as Described)[DESCRIPTION],
      method: route.method.toLowerCase() as Operation['method'],
      path: openApiPath(route.path),
    }));
}
