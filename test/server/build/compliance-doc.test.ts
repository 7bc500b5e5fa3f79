// docs/compliance.md is generated from the test titles and docs/requirements.json; this fails
// when a test title or a requirement changed and the page was not regenerated.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('docs/compliance.md', () => {
  it('is what `npm run docs:compliance` writes from the test titles', () => {
    const run = spawnSync(process.execPath, ['server/build/compliance-doc.js', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(
      run.status,
      `docs/compliance.md is out of date: run \`npm run docs:compliance\` and commit the result.\n${run.stderr}`,
    ).toBe(0);
  });
});
