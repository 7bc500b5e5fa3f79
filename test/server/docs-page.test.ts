// /docs: headings step down one level at a time, a table of contents reaches every operation,
// and each operation shows a TypeScript call that parses; all server-rendered, no script.
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const decode = (text: string) =>
  text
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('/docs', () => {
  let t: TestApp;
  let page: string;
  let doc: { paths: Record<string, Record<string, { operationId: string }>> };
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    page = await (await t.call('GET', '/docs')).text();
    doc = (await (await t.call('GET', '/openapi.json')).json()) as typeof doc;
  });
  afterAll(async () => {
    await t.close();
  });

  it('headings never skip a level, and there is one h1', () => {
    const levels = [...page.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    const jumps = levels
      .map((level, i) =>
        i > 0 && level > levels[i - 1] + 1 ? `h${levels[i - 1]} to h${level}` : null,
      )
      .filter(Boolean);
    expect(jumps).toEqual([]);
  });

  it('the table of contents links every operation, and every link has its target', () => {
    const nav = /<nav[^>]*>([\s\S]*?)<\/nav>/.exec(page)?.[1] ?? '';
    const links = new Set([...nav.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]));
    const ids = Object.values(doc.paths).flatMap((methods) =>
      Object.values(methods).map((op) => op.operationId),
    );
    expect(ids.filter((id) => !links.has(id))).toEqual([]);
    const anchors = new Set([...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    expect([...links].filter((link) => !anchors.has(link))).toEqual([]);
  });

  it('each operation has a TypeScript example that parses and calls its path', () => {
    const sections = [
      ...page.matchAll(
        /<section class="op"[^>]*><h3 id="([^"]+)"><code>(\w+) ([^<]+)<\/code>[\s\S]*?<h4>TypeScript<\/h4><pre[^>]*><code>([\s\S]*?)<\/code><\/pre>/g,
      ),
    ];
    expect(sections.length).toBe(
      Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0),
    );
    for (const [, id, method, path, code] of sections) {
      const source = `declare const baseUrl: string, secretKey: string, adminToken: string, csrfToken: string;\n${decode(code)}\nexport {};`;
      const out = ts.transpileModule(source, {
        reportDiagnostics: true,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      });
      expect(
        out.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) ?? [],
        id,
      ).toEqual([]);
      expect(decode(code), id).toContain(`method: '${method}'`);
      expect(decode(code), id).toContain(decode(path).split('{')[0]);
    }
  });

  it('is a page without script', () => {
    expect(page).not.toMatch(/<script/i);
  });
});
