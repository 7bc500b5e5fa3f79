// Checks every answer a test app gives against the app's own /openapi.json: the status must be
// documented, the content type too, and a JSON or NDJSON body must match its schema with
// undocumented fields treated as errors. Mismatches are collected here and fail the running
// test from the afterEach hook in response-check.setup.ts, so drift cannot hide in a test that
// only looks at one field.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import zlib from 'node:zlib';

type Json = Record<string, any>;
type Fetch = (request: Request, env?: unknown, executionCtx?: any) => Response | Promise<Response>;

/**
 * Paths the app serves that are deliberately not API operations: static assets whose names
 * carry a build hash or which only a page of ours loads. Their answers are not checked.
 */
export const UNDOCUMENTED_PATHS: { pattern: RegExp; reason: string }[] = [
  { pattern: /^\/docs\.css$/, reason: 'the stylesheet of /docs, loaded only by that page' },
  { pattern: /^\/console$/, reason: 'a redirect to /console/, the documented page' },
];

const mismatches: string[] = [];
/** Apps whose test closed them: a request racing the teardown (a browser's last beacon) is not /openapi.json's business. */
const closed = new WeakSet<object>();
const pending = new Set<Promise<void>>();

/** Stops checking an app's answers; its database is about to go. */
export function stopCheckingResponses(app: object): void {
  closed.add(app);
}

/** Every mismatch since the last call, after the checks still reading a body have finished. */
export async function takeMismatches(): Promise<string[]> {
  const deadline = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
  await Promise.race([Promise.allSettled([...pending]), deadline]);
  return mismatches.splice(0);
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface Checker {
  doc: Json;
  ajv: Ajv2020;
  compiled: Map<string, ValidateFunction>;
  routes: { method: string; regex: RegExp; path: string }[];
}

function templateRegex(path: string): RegExp {
  const escaped = path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

function makeChecker(doc: Json): Checker {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const routes = Object.entries(doc.paths as Json).flatMap(([path, methods]) =>
    Object.keys(methods as Json).map((method) => ({ method, path, regex: templateRegex(path) })),
  );
  // The most specific template first: /v1/keys/rotate before /v1/keys/{id}.
  routes.sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));
  return { doc, ajv, compiled: new Map(), routes };
}

/**
 * A copy of a schema with components inlined and `additionalProperties: false` on every object
 * that lists its properties without saying otherwise: an undocumented field is drift.
 */
function strictify(schema: unknown, doc: Json, inAllOf = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => strictify(s, doc, inAllOf));
  if (!schema || typeof schema !== 'object') return schema;
  const node = schema as Json;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/components/schemas/')) {
    return strictify(doc.components.schemas[node.$ref.slice('#/components/schemas/'.length)], doc);
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'allOf') out[key] = (value as unknown[]).map((s) => strictify(s, doc, true));
    else if (key === 'properties' || key === '$defs' || key === 'patternProperties') {
      out[key] = Object.fromEntries(
        Object.entries(value as Json).map(([k, s]) => [k, strictify(s, doc)]),
      );
    } else if (
      key === 'example' ||
      key === 'examples' ||
      key === 'const' ||
      key === 'enum' ||
      key === 'default'
    )
      out[key] = value;
    else out[key] = strictify(value, doc);
  }
  if (out.properties && out.additionalProperties === undefined && !inAllOf && !out.allOf)
    out.additionalProperties = false;
  return out;
}

function findOperation(
  checker: Checker,
  method: string,
  path: string,
): { path: string; operation: Json } | null {
  for (const route of checker.routes) {
    if (route.method === method && route.regex.test(path))
      return { path: route.path, operation: (checker.doc.paths as Json)[route.path][method] };
  }
  return null;
}

function responseFor(operation: Json, status: number): Json | undefined {
  const responses = operation.responses as Json;
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}

function validator(checker: Checker, key: string, schema: unknown): ValidateFunction {
  let compiled = checker.compiled.get(key);
  if (!compiled) {
    compiled = checker.ajv.compile(strictify(schema, checker.doc) as Json);
    checker.compiled.set(key, compiled);
  }
  return compiled;
}

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 8)
    .map((e) => {
      const extra =
        e.keyword === 'additionalProperties' ? ` '${String(e.params.additionalProperty)}'` : '';
      return `${e.instancePath || '(body)'} ${e.message ?? ''}${extra}`;
    })
    .join('; ');
}

async function check(
  checker: Checker,
  request: Request,
  response: Response,
  body: Promise<string | null>,
): Promise<string | null> {
  const url = new URL(request.url);
  const method = request.method.toLowerCase();
  const where = `${request.method} ${url.pathname}${url.search} → ${response.status}`;
  // CORS preflights and HEAD are answered by the protocol layer, not by an operation.
  if (method === 'options' || method === 'head') return null;
  if (UNDOCUMENTED_PATHS.some((p) => p.pattern.test(url.pathname))) return null;
  const found = findOperation(checker, method, url.pathname);
  const text = await body;
  if (text === null) return null;
  const contentType = (response.headers.get('content-type') ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  let documented: Json | undefined;
  let key: string;
  if (!found) {
    // An unknown path (or one a prefix middleware refuses first) answers a client error in the
    // error shape; anything else is an undocumented route.
    if (response.status < 400 || response.status >= 500)
      return `${where}: no operation documents ${method.toUpperCase()} ${url.pathname}`;
    documented = {
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    key = 'unknown path';
  } else {
    documented = responseFor(found.operation, response.status);
    if (!documented)
      return `${where}: status ${response.status} is not documented for ${method.toUpperCase()} ${found.path}`;
    key = `${method} ${found.path} ${response.status}`;
  }
  const content = documented.content as Json | undefined;
  if (!content || Object.keys(content).length === 0) {
    return text.length > 0
      ? `${where}: documented without a body, but the answer has ${text.length} bytes (${contentType || 'no content type'})`
      : null;
  }
  const media = content[contentType] as Json | undefined;
  if (!media)
    return `${where}: content type "${contentType || '(none)'}" is not documented (documented: ${Object.keys(content).join(', ')})`;
  if (!media.schema || Object.keys(media.schema as Json).length === 0) {
    return contentType.includes('json')
      ? `${where}: ${contentType} is documented with an empty schema`
      : null;
  }
  const validate = validator(checker, `${key} ${contentType}`, media.schema);
  if (contentType === 'application/x-ndjson') {
    const lines = text.split('\n').filter((line) => line.length > 0);
    for (const [index, line] of lines.entries()) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        return `${where}: line ${index + 1} is not JSON`;
      }
      if (!validate(value))
        return `${where}: line ${index + 1} does not match its schema: ${describeErrors(validate)}`;
    }
    return null;
  }
  if (contentType === 'application/json' || contentType.endsWith('+json')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return `${where}: the body is not JSON`;
    }
    if (!validate(value))
      return `${where}: body does not match the document: ${describeErrors(validate)}`;
  }
  return null;
}

/** The whole body, or null when the stream broke off (a test that closed its app before reading it). */
const encodingOf = new WeakMap<ReadableStream<Uint8Array>, string>();

async function readAll(stream: ReadableStream<Uint8Array> | null): Promise<string | null> {
  if (!stream) return '';
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } catch {
    return null;
  }
  const bytes = Buffer.concat(chunks);
  // The app compresses text answers for clients that accept it; the check reads what they read.
  const encoding = (encodingOf.get(stream) ?? '').toLowerCase();
  try {
    const plain =
      encoding === 'gzip'
        ? zlib.gunzipSync(bytes)
        : encoding === 'br'
          ? zlib.brotliDecompressSync(bytes)
          : encoding === 'deflate'
            ? zlib.inflateSync(bytes)
            : bytes;
    return plain.toString('utf8');
  } catch {
    return null;
  }
}

/**
 * Apps nearly always serve the same document: they share its checker, so each schema is
 * compiled once per process instead of once per test (compiling was a good part of a route
 * test's setup). Checkers are kept by the document's ETag, which each app is asked with
 * If-None-Match: an app serving a document already known answers 304, and its 300 kB are
 * neither sent nor decoded again.
 */
const checkers = new Map<string, Checker>();

async function loadChecker(
  fetchDocument: (request: Request) => Promise<Response>,
): Promise<Checker> {
  const known = [...checkers.keys()].join(', ');
  const response = await fetchDocument(
    new Request(
      'http://127.0.0.1/openapi.json',
      known ? { headers: { 'if-none-match': known } } : {},
    ),
  );
  const etag = response.headers.get('etag') ?? '';
  const cached = response.status === 304 ? checkers.get(etag) : undefined;
  if (cached) return cached;
  if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`);
  const checker = makeChecker((await response.json()) as Json);
  if (etag) checkers.set(etag, checker);
  return checker;
}

/**
 * Wraps an app's fetch (which app.request and a served app both go through) so every answer is
 * checked against the document the same app serves at /openapi.json.
 */
export function checkResponses<T extends { fetch: Fetch }>(app: T): T {
  const original = app.fetch.bind(app);
  let checker: Promise<Checker> | null = null;
  const load = () => (checker ??= loadChecker(async (request) => await original(request)));
  app.fetch = async (request: Request, env?: unknown, executionCtx?: unknown) => {
    const response = await original(request, env, executionCtx);
    if (closed.has(app)) return response;
    // Read a copy of the body alongside the caller, so a streamed answer is not held back.
    const [mine, theirs] = response.body ? response.body.tee() : [null, null];
    if (mine) encodingOf.set(mine, response.headers.get('content-encoding') ?? '');
    const body = readAll(mine);
    const checked = load()
      .then((c) => check(c, request, response, body))
      .then((problem) => {
        if (problem) mismatches.push(problem);
      })
      .catch((error: unknown) => {
        mismatches.push(
          `${request.method} ${request.url}: the response check failed: ${String(error)}`,
        );
      });
    pending.add(checked);
    void checked.finally(() => pending.delete(checked));
    return new Response(theirs, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return app;
}
