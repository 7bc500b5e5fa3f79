// Writes docs/compliance.md: for every requirement id a test title cites (GDPR-04, MAIL-03, …)
// its source from docs/requirements.json and the tests that cover it, so a DPO can see which
// behaviour proves which obligation. Plain JavaScript so it runs without a build.
// `npm run docs:compliance` rewrites the file; `--check` exits 1 when it is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const outputPath = 'docs/compliance.md';
const dataPath = 'docs/requirements.json';

/** Every *.test.ts(x) under test/, as sorted repo-relative paths with forward slashes. */
function testFiles(root) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (/\.test\.tsx?$/.test(entry.name)) found.push(rel);
    }
  };
  walk('test');
  return found.sort();
}

// A vitest title: it/test/describe, optionally through modifiers such as .each(rows) or
// .runIf(cond), then a quoted first argument.
const TITLE =
  /\b(?:it|test|describe)((?:\.[a-zA-Z]+(?:\((?:[^()]|\([^()]*\))*\))?)*)\(\s*(['"`])((?:\\[\s\S]|(?!\2)[\s\S])*?)\2/g;
const STRING = /(['"`])((?:\\.|(?!\1).)*)\1/g;
const unescape = (text) => text.replace(/\\(.)/g, '$1').replace(/\s+/g, ' ').trim();

/**
 * The leading string cells of each row of a table declared in this file as
 * `const NAME = [ ['a', 'b', fn], … ];`, which `it.each(NAME)` turns into one test per row.
 * A row may span several lines (as the formatter writes long rows).
 */
function tableRows(source, name) {
  const declaration = new RegExp(`\\b(?:const|let)\\s+${name}\\b[^\\n]*=\\s*\\[`).exec(source);
  if (!declaration) return null;
  const rows = [];
  for (const row of topLevelItems(source, declaration.index + declaration[0].length)) {
    const cells = /^\[((?:\s*(['"`])(?:\\.|(?!\2)[\s\S])*\2\s*,)+)/.exec(row);
    if (cells) rows.push([...cells[1].matchAll(STRING)].map((m) => unescape(m[2])));
  }
  return rows.length > 0 ? rows : null;
}

/** The bracketed items of the array whose `[` ends just before `from`, as source text. */
function topLevelItems(source, from) {
  const items = [];
  let depth = 0;
  let start = -1;
  for (let i = from; i < source.length; i++) {
    const char = source[i];
    if (char === "'" || char === '"' || char === '`') {
      i = endOfString(source, i);
    } else if (char === '[' || char === '(' || char === '{') {
      if (depth === 0 && char === '[') start = i;
      depth++;
    } else if (char === ']' || char === ')' || char === '}') {
      if (depth === 0) break;
      depth--;
      if (depth === 0 && start >= 0) {
        items.push(source.slice(start, i + 1));
        start = -1;
      }
    }
  }
  return items;
}

/** The index of the quote that closes the string opened at `open`. */
function endOfString(source, open) {
  const quote = source[open];
  for (let i = open + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return source.length;
}

/** The titles of a test file's tests and groups, in source order. */
export function titlesOf(source) {
  const titles = [];
  for (const match of source.matchAll(TITLE)) {
    const kind = match[0].startsWith('describe') ? 'group' : 'test';
    const text = unescape(match[3]);
    // it.each over a table in the same file: one title per row, %s filled in from its cells.
    const table = /\.each\(\s*([A-Za-z_$][\w$]*)\s*\)/.exec(match[1]);
    const rows = table && text.includes('%s') ? tableRows(source, table[1]) : null;
    if (rows) {
      for (const row of rows) {
        let cell = 0;
        titles.push({ kind, text: text.replace(/%s/g, () => row[cell++] ?? '%s') });
      }
    } else {
      titles.push({ kind, text });
    }
  }
  // What is only known at run time (a template's ${…}, an unexpanded %s) reads as "…".
  return titles.map((title) => ({
    ...title,
    text: title.text.replace(/\$\{[^}]*\}|%[sdi]/g, '…'),
  }));
}

/** The requirement ids a title cites; "MAIL-03/07" cites MAIL-03 and MAIL-07. */
export function idsIn(title, prefixes) {
  const ids = new Set();
  const pattern = new RegExp(`\\b(${prefixes.join('|')})-(\\d{2})((?:/\\d{2})*)(?!\\d)`, 'g');
  for (const [, prefix, first, more] of title.matchAll(pattern)) {
    ids.add(`${prefix}-${first}`);
    for (const number of more.split('/').filter(Boolean)) ids.add(`${prefix}-${number}`);
  }
  return [...ids];
}

// Titles are plain text; keep Markdown from reading them as emphasis, HTML or code.
const escapeText = (text) => text.replace(/([\\`*<[\]])/g, '\\$1');

/** The id's family prefix and number, for sorting in the requirements' own order. */
function sortKey(id, prefixes) {
  const [prefix, number] = id.split('-');
  return [prefixes.indexOf(prefix), Number(number)];
}

/** The Markdown docs/compliance.md should hold for the repository at root. */
export function renderCompliance(root = repoRoot) {
  const data = JSON.parse(fs.readFileSync(path.join(root, dataPath), 'utf8'));
  const prefixes = data.families.map((family) => family.prefix);
  const known = new Map(data.requirements.map((req) => [req.id, req]));

  const coverage = new Map();
  for (const file of testFiles(root)) {
    for (const title of titlesOf(fs.readFileSync(path.join(root, file), 'utf8'))) {
      for (const id of idsIn(title.text, prefixes)) {
        if (!coverage.has(id)) coverage.set(id, []);
        coverage.get(id).push({ file, ...title });
      }
    }
  }

  const byOrder = (a, b) => {
    const [fa, na] = sortKey(a, prefixes);
    const [fb, nb] = sortKey(b, prefixes);
    return fa - fb || na - nb;
  };
  const covered = [...coverage.keys()].sort(byOrder);
  const uncovered = [...known.keys()].filter((id) => !coverage.has(id)).sort(byOrder);
  const testCount = new Set(
    covered.flatMap((id) => coverage.get(id).map((t) => `${t.file}\n${t.text}`)),
  ).size;

  const out = [];
  out.push('# Compliance: which test proves which obligation');
  out.push('');
  out.push(
    '<!-- Generated by `npm run docs:compliance` from the test titles and docs/requirements.json. Do not edit by hand. -->',
  );
  out.push('');
  out.push(
    'Every requirement id below is cited in the title of at least one automated test. For each one',
  );
  out.push(
    'this page gives the legal or technical source in one sentence and the tests that check the',
  );
  out.push(
    'behaviour (file and test title). The tests run against a real database, real HTTP, a real',
  );
  out.push(
    'browser and a real mail server; a failing test fails the build. The sources are summaries,',
  );
  out.push('not legal advice.');
  out.push('');
  out.push(
    `${covered.length} requirements are covered by ${testCount} tests; ${uncovered.length} requirements on the list have no test yet.`,
  );
  out.push('');
  out.push(
    "To add one: cite its id at the start of a test title (`it('GDPR-09: …')`; `MAIL-03/07` cites",
  );
  out.push(
    'two), give it a source in docs/requirements.json if it is new, and run `npm run docs:compliance`.',
  );

  let family = null;
  for (const id of covered) {
    const prefix = id.split('-')[0];
    if (prefix !== family) {
      family = prefix;
      out.push('');
      out.push(`## ${data.families.find((f) => f.prefix === prefix).name}`);
    }
    const req = known.get(id);
    out.push('');
    out.push(`### ${id}${req ? `: ${req.topic}` : ''}`);
    out.push('');
    out.push(
      req ? `Source: ${req.source}` : 'Source: not yet described in docs/requirements.json.',
    );
    out.push('');
    for (const test of coverage.get(id)) {
      out.push(
        `- \`${test.file}\`: ${test.kind === 'group' ? 'every test in ' : ''}"${escapeText(test.text)}"`,
      );
    }
  }

  out.push('');
  out.push('## Not covered yet');
  out.push('');
  out.push(
    'These requirements are on the list but no test title cites them yet. Some are met by design',
  );
  out.push(
    'or belong to modules Akkoord does not ship (IAB TCF and GPP); each still needs a test before',
  );
  out.push('it can be claimed.');
  out.push('');
  out.push('| Id | Requirement | Source |');
  out.push('| --- | --- | --- |');
  for (const id of uncovered) {
    const req = known.get(id);
    out.push(`| ${id} | ${req.topic} | ${req.source.replace(/\|/g, '\\|')} |`);
  }
  out.push('');
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const expected = renderCompliance();
  const target = path.join(repoRoot, outputPath);
  if (process.argv.includes('--check')) {
    const actual = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (actual !== expected) {
      console.error(`${outputPath} is out of date: run \`npm run docs:compliance\` and commit it.`);
      process.exit(1);
    }
  } else {
    fs.writeFileSync(target, expected);
    console.log(`wrote ${outputPath}`);
  }
}
