// The size budget must really fail a build that is too big (a loose budget is no budget).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GZIP_BUDGET_BYTES,
  SERVED_GZIP_BUDGET_BYTES,
  SETTINGS_GZIP_BUDGET_BYTES,
  measureWidgetSize,
} from '../../widget/size-budget';
import { ensureWidgetBuilt } from '../helpers/widget-build';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-budget-'));
afterEach(() => fs.rmSync(path.join(dir, 'widget.js'), { force: true }));

function runBudget(contents: Buffer | string): number {
  const file = path.join(dir, 'widget.js');
  fs.writeFileSync(file, contents);
  try {
    execFileSync(process.execPath, ['--import', 'tsx', 'widget/size-budget.ts', file], {
      stdio: 'pipe',
    });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('the widget size budget', () => {
  it('is 10 KB gzip', () => expect(GZIP_BUDGET_BYTES).toBe(10 * 1024));

  it('passes a bundle under the budget', () => {
    expect(runBudget('console.log("small");')).toBe(0);
  });

  it('fails a bundle whose gzip size is over the budget', () => {
    // Random bytes hardly compress: 16 KB of base64 gzip to about 12 KB.
    const big = randomBytes(12 * 1024).toString('base64');
    expect(runBudget(big)).toBe(1);
    expect(measureWidgetSize(path.join(dir, 'widget.js')).gzip).toBeGreaterThan(GZIP_BUDGET_BYTES);
  });
});

describe('the built banner', () => {
  it("keeps widget.js with the demo config under 10 KB gzip and the settings dialog's script under 3 KB, or the build fails", async () => {
    await ensureWidgetBuilt();
    expect([SERVED_GZIP_BUDGET_BYTES, SETTINGS_GZIP_BUDGET_BYTES]).toEqual([10 * 1024, 3 * 1024]);
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'widget/size-budget.ts'], {
      encoding: 'utf8',
    });
    expect(output).toMatch(
      /^widget\.js served with the demo config: .* \(within the 10240 B gzip budget\)$/m,
    );
    expect(output).toMatch(/^widget-settings\.js: .* \(within the 3072 B gzip budget\)$/m);
  });
});
