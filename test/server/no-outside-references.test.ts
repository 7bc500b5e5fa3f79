// What a user or contributor reads (the OpenAPI document, every CLI help text, docs/, and every
// comment, string and test title in the source) points only at things in the repository or on
// the server: never at documents they do not have, nor at numbered issues or review findings.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';

const OUTSIDE = /CONTRACT|REQUIREMENTS\.md|PRODUCT\.md|STYLE\.md|§|\.\.\/shared/;

// The same for source files, where `../shared/` is a real import of the repository's shared/
// folder (so it counts only when not part of a quoted or nested path), and a section sign is
// allowed after a public source's number (RFC 7515 §7.1, Guidelines 05/2020 §5.1).
const SOURCE_OUTSIDE = new RegExp(
  [
    String.raw`CONTRACT|REQUIREMENTS|PRODUCT\.md|STYLE\.md|\b(?:STYLE|PRODUCT)\b:?\s+(?:quality|convention|\d)|\((?:STYLE|PRODUCT):`,
    String.raw`(?<!(?:RFC \d+|\d{2}\/\d{4}) )§`,
    String.raw`(?<!['"/.])\.\.\/shared`,
    String.raw`\b[Ii]ssues? #?\d`,
    String.raw`\b[Ff]indings? \d`,
  ].join('|'),
);
const SOURCE_ROOTS = ['widget', 'server', 'preference-center', 'console', 'shared', 'test', 'docs'];
const SOURCE_FILE = /\.(?:ts|tsx|js|md|json|css)$/;
const THIS_FILE = path.normalize('test/server/no-outside-references.test.ts');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(full);
    return SOURCE_FILE.test(entry.name) ? [full] : [];
  });
}

describe('references a user can follow', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the OpenAPI document cites no outside document', async () => {
    const doc = await (await t.call('GET', '/openapi.json')).text();
    expect(doc.match(OUTSIDE)?.[0] ?? null).toBeNull();
  });

  it('no CLI help text cites one', async () => {
    const commands = [
      [],
      ['tenant'],
      ['tenant', 'create'],
      ['tenant', 'origins'],
      ['tenant', 'origins', 'add'],
      ['key'],
      ['config'],
      ['config', 'publish'],
      ['verify'],
      ['purge'],
      ['backup'],
      ['restore'],
      ['import', 'consents'],
      ['export'],
    ];
    const helps = await Promise.all(
      commands.map((c) => runCli([...c, '--help'], { DATABASE_URL: 'sqlite::memory:' })),
    );
    for (const [i, help] of helps.entries()) {
      expect(help.stdout, commands[i].join(' ')).toContain('Usage: akkoord');
      expect(help.stdout.match(OUTSIDE)?.[0] ?? null, commands[i].join(' ')).toBeNull();
    }
  }, 60_000);

  it("the README's embedding section links to docs/ that exist and names the allowed origins", () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const section = readme.slice(
      readme.indexOf('## Embedding the banner'),
      readme.indexOf('## Design notes'),
    );
    expect(section).toContain('allowed origins');
    expect(section).toContain('allowedOrigins');
    const links = [...section.matchAll(/\]\((docs\/[\w.-]+\.md)\)/g)].map((m) => m[1]);
    expect(links.sort()).toEqual([
      'docs/configuration.md',
      'docs/consent-mode.md',
      'docs/cookie-format.md',
      'docs/embedding.md',
      'docs/js-api.md',
    ]);
    for (const link of links) expect(fs.existsSync(link), link).toBe(true);
    for (const doc of fs.readdirSync('docs')) {
      expect(fs.readFileSync(`docs/${doc}`, 'utf8').match(OUTSIDE)?.[0] ?? null, doc).toBeNull();
    }
  });

  it('no comment, string or test title in the source cites an outside document, issue or finding', () => {
    const files = [...SOURCE_ROOTS.flatMap(sourceFiles), 'README.md', 'BENCHMARKS.md'].filter(
      (f) => path.normalize(f) !== THIS_FILE,
    );
    expect(files.length).toBeGreaterThan(100);
    const hits: string[] = [];
    for (const file of files) {
      for (const [i, line] of fs.readFileSync(file, 'utf8').split('\n').entries()) {
        const m = SOURCE_OUTSIDE.exec(line);
        if (m) hits.push(`${file}:${i + 1}: ${m[0]}`);
      }
    }
    expect(hits).toEqual([]);
  });
});
