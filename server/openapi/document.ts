// Builds the OpenAPI 3.1 document from every route module's operations.
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import type { Operation, ResponseDoc } from './operation.js';

type Json = Record<string, unknown>;

const errorSchema: Json = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', pattern: '^[A-Z_]+$' },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

function jsonSchema(schema: v.GenericSchema): Json {
  const { $schema: _ignored, ...rest } = toJsonSchema(schema, { errorMode: 'ignore' }) as Json;
  return rest;
}

function parameters(schema: v.GenericSchema | undefined, where: 'query' | 'path'): Json[] {
  if (!schema) return [];
  const object = jsonSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

function security(op: Operation): Json[] | undefined {
  if (op.auth === 'none') return [];
  if (op.auth === 'admin-token') return [{ adminToken: [] }];
  if (op.auth === 'public-key') return [{ publicKey: [] }];
  if (op.auth === 'session') return [{ session: [] }];
  if (op.auth === 'signed-token') return [];
  return [{ secretKey: op.auth.scopes }];
}

function response(doc: ResponseDoc | string): Json {
  const { description, schema, contentType } = typeof doc === 'string' ? { description: doc } as ResponseDoc : doc;
  const type = contentType ?? 'application/json';
  return { description, content: { [type]: { schema: schema ? jsonSchema(schema) : {} } } };
}

export function buildOpenApi(operations: Operation[], serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const op of operations) {
    const responses: Json = {};
    for (const [status, doc] of Object.entries(op.responses)) responses[status] = response(doc);
    responses['4XX'] = { description: 'Client error', content: { 'application/json': { schema: errorSchema } } };
    const scopes = typeof op.auth === 'object' ? ` Scope: ${op.auth.scopes.join(' or ')}.` : '';
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      description: (op.description ?? '') + scopes,
      tags: [op.tag],
      security: security(op),
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
      ...(op.body
        ? { requestBody: { required: true, content: { [op.bodyContentType ?? 'application/json']: { schema: jsonSchema(op.body) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Akkoord API',
      version: '1',
      description: 'Consent recording, preference center, consent feed, webhooks, audiences and accountability for the GDPR.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        secretKey: { type: 'http', scheme: 'bearer', description: 'A tenant secret key, sk_...' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The operator bootstrap token (AKKOORD_ADMIN_TOKEN)' },
        publicKey: { type: 'apiKey', in: 'query', name: 'key', description: 'The tenant public key, pk_... (in the body for POST /v1/consents)' },
        session: { type: 'apiKey', in: 'cookie', name: 'akkoord_session', description: 'Preference-center session' },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
