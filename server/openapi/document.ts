// Builds the OpenAPI 3.1 document from every route's operation. Routes declare themselves with
// describe() beside their handler (describe.ts), so method and path come from the router; the
// one list kept apart is the development outbox's, documented even where it is not mounted.
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import type { ContentDoc, Operation, ResponseDoc } from './operation.js';

type Json = Record<string, unknown>;

/** The one error shape every 4xx and 5xx answer has. */
export const errorSchema: Json = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          pattern: '^[A-Z_]+$',
          description: 'A stable machine-readable code, e.g. VALIDATION_FAILED',
        },
        message: {
          type: 'string',
          description: 'What is wrong, in English, without personal data',
        },
        issues: {
          type: 'array',
          description: 'One entry per field problem; path names the field (dot path)',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
        rule: {
          type: 'string',
          description: 'CONFIG_NOT_COMPLIANT: the first compliance rule the configuration breaks',
        },
        rules: {
          type: 'array',
          items: { type: 'string' },
          description: 'CONFIG_NOT_COMPLIANT: every rule it breaks',
        },
      },
    },
  },
};

const errorRef = { $ref: '#/components/schemas/Error' };

/** The tags, in the order the reference shows them. */
export const tags: { name: string; description: string }[] = [
  {
    name: 'Consent',
    description: 'What the banner calls with the tenant public key: record a choice, read it back.',
  },
  { name: 'Banner', description: 'The banner script and its configuration.' },
  {
    name: 'Configuration',
    description: "The tenant's purposes, texts and banner settings, versioned.",
  },
  {
    name: 'Subjects',
    description:
      "Known people (by the tenant's own id): their consents and the personal data the tenant holds.",
  },
  {
    name: 'Marketing tools',
    description:
      'The consent feed, webhooks, audiences and the consent check that marketing tools build on.',
  },
  {
    name: 'Links',
    description: 'Signed links for e-mail: unsubscribe, double opt-in and the preference center.',
  },
  {
    name: 'Preference center',
    description:
      'The pages and calls a person uses to see and change their own consents and exercise their rights.',
  },
  {
    name: 'Data-subject requests',
    description:
      'Requests under Articles 15 to 21 filed by a tool: tracked with their deadline, carried out, extended, refused, exported.',
  },
  {
    name: 'Accountability',
    description: 'Audit log, records of processing, ledger proofs and data-subject requests.',
  },
  {
    name: 'Tenants',
    description: 'Creating, configuring, exporting and offboarding tenants, and their API keys.',
  },
  {
    name: 'Console',
    description:
      'The staff console: its page, assets and the sign-in of staff by e-mail link or passkey.',
  },
  {
    name: 'Staff',
    description: "A tenant's staff accounts and their roles, managed by its administrators.",
  },
  { name: 'Operations', description: 'Health, readiness, metrics and this reference.' },
  { name: 'Demo', description: 'The demonstration shop served by `npm start`.' },
];

/**
 * Each valibot schema converted once per process: the schemas are constants of the route
 * modules, and converting all of them was most of the cost of building this document, which
 * every app (a test starts hundreds) builds on its first request for it. Frozen, because
 * every document built here shares them.
 */
const converted = new WeakMap<object, Json>();

function jsonSchema(schema: v.GenericSchema | Json): Json {
  if (!('~standard' in schema) && !('kind' in schema)) return schema as Json;
  let json = converted.get(schema);
  if (!json) {
    json = deepFreeze(convert(schema as v.GenericSchema));
    converted.set(schema, json);
  }
  return json;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function convert(schema: v.GenericSchema): Json {
  const converted = toJsonSchema(schema, {
    errorMode: 'ignore',
    // A loose object passes unknown keys on: say so, so only strict objects reject extra fields.
    overrideSchema: ({ valibotSchema, jsonSchema: json }) =>
      valibotSchema.type === 'loose_object' ? { ...json, additionalProperties: true } : undefined,
  }) as Json;
  const { $schema: _ignored, ...rest } = converted;
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
  if (op.auth === 'none' || op.auth === 'signed-token' || op.auth === 'public-key-body') return [];
  if (op.auth === 'admin-token') return [{ adminToken: [] }];
  if (op.auth === 'public-key') return [{ publicKey: [] }];
  if (op.auth === 'session') return [{ session: [] }];
  if (op.auth === 'staff-session') return [{ staffSession: [] }];
  // Each requirement object is one alternative: any one of the listed scopes suffices, with a
  // secret key or with a console session whose role holds it (state changes need x-csrf-token).
  return op.auth.scopes.flatMap((scope) => [{ secretKey: [scope] }, { staffSession: [scope] }]);
}

function media(doc: ContentDoc, status: number): [string, Json] {
  const type = doc.contentType ?? 'application/json';
  const json =
    type === 'application/json' || type.endsWith('+json') || type === 'application/x-ndjson';
  const schema = doc.schema
    ? jsonSchema(doc.schema)
    : status >= 400 && json
      ? errorRef
      : json
        ? {}
        : { type: 'string' };
  return [type, { schema, ...(doc.example !== undefined ? { example: doc.example } : {}) }];
}

function response(status: number, doc: ResponseDoc | string): Json {
  const full: ResponseDoc = typeof doc === 'string' ? { description: doc } : doc;
  if (full.noBody || status === 204 || status === 304) return { description: full.description };
  return {
    description: full.description,
    content: Object.fromEntries([full, ...(full.alternatives ?? [])].map((d) => media(d, status))),
  };
}

/** getV1KeysById-style names without the version: stable as long as the path is. */
export function operationIdFor(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((s) => s && s !== 'v1')
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      const parts = (param ? param[1] : segment).split(/[^A-Za-z0-9]+/).filter(Boolean);
      return param ? ['By', ...parts] : parts;
    });
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return method + (pascal || 'Root');
}

export function buildOpenApi(operations: Operation[], serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const op of operations) {
    const responses: Json = {};
    for (const [status, doc] of Object.entries(op.responses))
      responses[status] = response(Number(status), doc);
    responses['4XX'] ??= {
      description: 'A client error, in the error shape',
      content: { 'application/json': { schema: errorRef } },
    };
    const scopes = typeof op.auth === 'object' ? ` Scope: ${op.auth.scopes.join(' or ')}.` : '';
    const keyInBody =
      op.auth === 'public-key-body'
        ? ' The tenant public key (pk_...) travels as `key` in the body.'
        : '';
    const description = ((op.description ?? '') + scopes + keyInBody).trim();
    const params = [...parameters(op.params, 'path'), ...parameters(op.query, 'query')];
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId ?? operationIdFor(op.method, op.path),
      summary: op.summary,
      ...(description ? { description } : {}),
      tags: [op.tag],
      security: security(op),
      parameters: params,
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: {
                [op.bodyContentType ?? 'application/json']: {
                  schema: jsonSchema(op.body),
                  ...(op.bodyExample !== undefined ? { example: op.bodyExample } : {}),
                },
              },
            },
          }
        : {}),
      responses,
    };
  }
  const used = new Set(operations.map((op) => op.tag));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Akkoord API',
      version: '1',
      description:
        'Consent recording, preference center, consent feed, webhooks, audiences and accountability for the GDPR.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: serverUrl }],
    tags: tags.filter((t) => used.has(t.name)),
    components: {
      securitySchemes: {
        secretKey: { type: 'http', scheme: 'bearer', description: 'A tenant secret key, sk_...' },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The operator bootstrap token (AKKOORD_ADMIN_TOKEN). Wrong tokens are counted per client IP: past the limit ' +
            '(10 in 5 minutes by default) every attempt from that IP is 429 RATE_LIMITED with Retry-After.',
        },
        publicKey: {
          type: 'apiKey',
          in: 'query',
          name: 'key',
          description:
            'The tenant public key, pk_... (calls that send a body carry it there as `key`)',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'akkoord_pc',
          description:
            "Preference-center session. Every call that changes something also needs the preference center's own Origin and the session's x-csrf-token header.",
        },
        staffSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'akkoord_console',
          description:
            'Console staff session; its role is a set of scopes. Calls that change something also need the header x-csrf-token.',
        },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
