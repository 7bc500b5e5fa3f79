// `npm start` and the `akkoord` command build (or fall back to tsx) only when the compiled
// output is missing or older than a source: checked on a scratch tree laid out like the repo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStaleIn } from '../../../server/build/build-state.js';

describe('build staleness by modification time', () => {
  let base: string;
  const write = (file: string, at: number) => {
    fs.mkdirSync(path.dirname(path.join(base, file)), { recursive: true });
    fs.writeFileSync(path.join(base, file), 'x');
    fs.utimesSync(path.join(base, file), at, at);
  };
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-build-state-'));
    const old = Date.now() / 1000 - 3600;
    for (const file of ['server/routes/a.ts', 'shared/b.ts', 'server/build/build-server.js'])
      write(file, old);
    for (const dir of ['server/routes', 'server/build', 'server', 'shared'])
      fs.utimesSync(path.join(base, dir), old, old);
    for (const file of ['dist/server/main.js', 'dist/server/cli.js']) write(file, old + 60);
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('a build newer than every source is fresh', () => {
    expect(isStaleIn(base, ['server'])).toBe(false);
  });

  it('a source edited after the build makes it stale, however deep', () => {
    write('server/routes/a.ts', Date.now() / 1000);
    expect(isStaleIn(base, ['server'])).toBe(true);
  });

  it('a missing output makes it stale', () => {
    fs.rmSync(path.join(base, 'dist/server/cli.js'));
    expect(isStaleIn(base, ['server'])).toBe(true);
  });

  it('a part that was never built is stale', () => {
    expect(isStaleIn(base, ['widget'])).toBe(true);
  });
});
