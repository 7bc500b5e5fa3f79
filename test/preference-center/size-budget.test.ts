// The preference center's size budget: the real build fits, and the check really fails a
// build that does not (a loose budget is no budget).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GZIP_BUDGET_BYTES, measurePreferenceCenter } from '../../preference-center/size-budget';
import { ensurePreferenceCenterBuilt } from '../helpers/preference-center-build.js';

function runBudget(dir: string): number {
  try {
    execFileSync(process.execPath, ['--import', 'tsx', 'preference-center/size-budget.ts', dir], {
      stdio: 'pipe',
    });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('the preference center size budget', () => {
  beforeAll(async () => {
    await ensurePreferenceCenterBuilt();
  }, 60_000);

  it('is 13 KB gzip for JS and CSS together, and the build fits', async () => {
    expect(GZIP_BUDGET_BYTES).toBe(13 * 1024);
    const built = path.join(await ensurePreferenceCenterBuilt(), 'assets');
    expect(measurePreferenceCenter(built).gzip).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
    expect(runBudget(built)).toBe(0);
  });

  it('fails when the scripts and styles together are over it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-pc-budget-'));
    // Random bytes hardly compress: two files of about 7 KB gzip each, 14 KB together.
    fs.writeFileSync(path.join(dir, 'a.js'), randomBytes(7 * 1024).toString('base64'));
    fs.writeFileSync(path.join(dir, 'b.css'), randomBytes(7 * 1024).toString('base64'));
    expect(measurePreferenceCenter(dir).gzip).toBeGreaterThan(GZIP_BUDGET_BYTES);
    expect(runBudget(dir)).toBe(1);
  });
});
