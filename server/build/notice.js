// Writes NOTICE: the third-party packages a production install contains (package-lock.json
// entries that are not dev-only), each with its licence and the copyright lines of its own
// licence file. `npm run notice` rewrites it; `node server/build/notice.js --check` fails when
// NOTICE is not what the lock file gives (a test runs that).
import fs from 'node:fs';
import path from 'node:path';
import { root } from './build-state.js';

const HEADER = `Akkoord
Copyright the Akkoord contributors. Licensed under the Apache License, Version 2.0 (see LICENSE).

This product runs with the following third-party packages, installed by npm from the
public registry (the packages a production install, \`npm ci --omit=dev\`, contains).
Each is used under its own licence, named here by its SPDX identifier; the full text of
each licence is in the package's directory under node_modules/.
`;

/** The copyright lines of a package's own licence file (there may be none). */
function copyrightLines(dir) {
  let files;
  try {
    files = fs
      .readdirSync(dir)
      .filter((name) => /^(licen[sc]e|copying)/i.test(name))
      .sort();
  } catch {
    return [];
  }
  const lines = files.flatMap((name) =>
    fs.readFileSync(path.join(dir, name), 'utf8').split(/\r?\n/),
  );
  const found = lines
    .map((line) => line.trim())
    .filter(
      (line) =>
        (/^Copyright\s+(\([cC]\)|©|\d{4}|[A-Z])/.test(line) ||
          /^(\([cC]\)|©)\s*\d{4}/.test(line)) &&
        !/\{yyyy\}|\[yyyy\]|copyright owner|<year>/i.test(line),
    );
  return [...new Set(found)];
}

export function renderNotice() {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const entries = Object.entries(lock.packages)
    .filter(([where, info]) => where.startsWith('node_modules/') && !info.dev && !info.devOptional)
    .map(([where, info]) => ({
      name: where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length),
      where,
      info,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.info.version.localeCompare(b.info.version));
  const seen = new Set();
  const blocks = [];
  for (const { name, where, info } of entries) {
    const id = `${name}@${info.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const copyright = copyrightLines(path.join(root, where));
    blocks.push(
      [
        `${id} (${info.license ?? 'see the package'})`,
        ...copyright.map((line) => `  ${line}`),
      ].join('\n'),
    );
  }
  return `${HEADER}\n${blocks.join('\n')}\n`;
}

if (process.argv[1] === import.meta.filename) {
  const text = renderNotice();
  const file = path.join(root, 'NOTICE');
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current !== text) {
      console.error('NOTICE is out of date with package-lock.json: run `npm run notice`');
      process.exit(1);
    }
  } else {
    fs.writeFileSync(file, text);
  }
}
