// The licence is stated everywhere a user or a tool looks for it, and NOTICE lists the
// third-party packages a production install contains, as package-lock.json has them now.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../../../server/build/build-state.js';
import { startTestApp } from '../../helpers/app.js';

describe('licence', () => {
  it('LICENSE is the Apache License 2.0 and package.json says so', () => {
    expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(
      /Apache License\s+Version 2\.0, January 2004/,
    );
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).license).toBe(
      'Apache-2.0',
    );
  });

  it('/openapi.json names the licence by its SPDX identifier', async () => {
    const t = await startTestApp('sqlite');
    try {
      const doc = (await (await t.call('GET', '/openapi.json')).json()) as {
        info: { license: { name: string; identifier: string } };
      };
      expect(doc.info.license).toEqual({ name: 'Apache-2.0', identifier: 'Apache-2.0' });
    } finally {
      await t.close();
    }
  });

  it('NOTICE is current: `npm run notice` would not change it', () => {
    // Throws (exit code 1, naming `npm run notice`) when the lock file and NOTICE differ.
    execFileSync(process.execPath, [path.join(root, 'server/build/notice.js'), '--check'], {
      stdio: 'pipe',
    });
    const notice = fs.readFileSync(path.join(root, 'NOTICE'), 'utf8');
    const production = Object.keys(
      JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).dependencies,
    );
    for (const name of production)
      expect(notice).toMatch(new RegExp(`^${name.replace('/', '\\/')}@\\S+ \\(`, 'm'));
    // Dev tools are not shipped, so they are not listed.
    expect(notice).not.toMatch(/^(vite|tsx|vitest|esbuild)@/m);
  });
});
