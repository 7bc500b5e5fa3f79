// A TypeScript fetch call for one operation of the OpenAPI document, shown on /docs so a
// reader can copy a working call: path parameters, required query parameters, the
// credentials the operation takes and a body (its example, or a skeleton from its schema).

type Json = Record<string, any>;

export interface DocOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Json[];
  parameters: { name: string; in: string; required?: boolean; schema?: Json }[];
  requestBody?: { content: Record<string, { schema?: Json; example?: unknown }> };
  responses: Record<
    string,
    { description: string; content?: Record<string, { schema?: Json; example?: unknown }> }
  >;
}

const camel = (name: string) =>
  name.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));

/** A value of the schema's shape: its example, default, first enum value or a typed placeholder. */
export function skeleton(schema: Json | undefined, depth = 0): unknown {
  if (!schema || depth > 4) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const options = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (options) return skeleton(options.find((o) => o.type !== 'null') ?? options[0], depth + 1);
  const type = Array.isArray(schema.type)
    ? schema.type.find((t: string) => t !== 'null')
    : schema.type;
  if (type === 'object' || schema.properties) {
    const required = new Set<string>(schema.required ?? []);
    return Object.fromEntries(
      Object.entries((schema.properties ?? {}) as Record<string, Json>)
        .filter(([name]) => required.has(name))
        .map(([name, property]) => [name, skeleton(property, depth + 1)]),
    );
  }
  if (type === 'array') return [];
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  if (type === 'string') return '...';
  return null;
}

export function typescriptExample(method: string, path: string, op: DocOperation): string {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const query = op.parameters.filter((p) => p.in === 'query' && p.required);
  const declared = [...pathParams, ...query].map(
    (p) => `const ${camel(p.name)} = ${JSON.stringify(String(skeleton(p.schema) ?? '...'))};`,
  );
  let url = path.replace(
    /\{([^}]+)\}/g,
    (_m, name: string) => `\${encodeURIComponent(${camel(name)})}`,
  );
  if (query.length)
    url += `?${query.map((p) => `${p.name}=\${encodeURIComponent(${camel(p.name)})}`).join('&')}`;
  const scheme = Object.keys(op.security?.[0] ?? {})[0];
  const headers: string[] = [];
  const lines = [...declared];
  if (scheme === 'secretKey') headers.push('authorization: `Bearer ${secretKey}`');
  if (scheme === 'adminToken') headers.push('authorization: `Bearer ${adminToken}`');
  const jsonBody = op.requestBody?.content['application/json'];
  if (jsonBody) headers.push("'content-type': 'application/json'");
  if (scheme === 'session' && method !== 'get') headers.push("'x-csrf-token': csrfToken");
  const init = [`method: '${method.toUpperCase()}'`];
  if (headers.length) init.push(`headers: { ${headers.join(', ')} }`);
  if (scheme === 'session') init.push("credentials: 'include'");
  if (jsonBody) {
    const body = JSON.stringify(jsonBody.example ?? skeleton(jsonBody.schema), null, 2).replace(
      /\n/g,
      '\n  ',
    );
    init.push(`body: JSON.stringify(${body})`);
  }
  const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'));
  const type = Object.keys(success?.[1].content ?? {})[0];
  lines.push(
    `const response = await fetch(\`\${baseUrl}${url}\`, {\n  ${init.join(',\n  ')},\n});`,
  );
  if (!type)
    lines.push('if (!response.ok) throw new Error((await response.json()).error.message);');
  else if (type === 'application/json' || type.endsWith('+json'))
    lines.push('const answer = await response.json();');
  else if (type === 'application/x-ndjson')
    lines.push(
      "const lines = (await response.text()).split('\\n').filter(Boolean).map((line) => JSON.parse(line));",
    );
  else lines.push('const text = await response.text();');
  return lines.join('\n');
}
