// Tells the site's developer why a choice was not recorded (or the settings dialog did not load):
// one console.warn per cause, naming the fix, and an `akkoord:error` event on window whose detail is { code, status, message, retry }.
// Without this a page on an origin the tenant forgot to list fails silently.

import type { WidgetConfig } from './config';
import type { RecordProblem } from './consent/recorder';
import { fill } from './i18n';
import { SETTINGS_UNAVAILABLE } from './ui/settings-loader';

const FIXES: Record<string, string> = {
  ORIGIN_NOT_ALLOWED: 'allow this origin: akkoord tenant origins add {origin} --tenant {tenant}',
  UNAUTHORIZED: 'unknown key {key}: copy the current <script> tag',
  RATE_LIMITED: 'rate-limited, see AKKOORD_RATE_LIMITS',
  GAVE_UP: 'dropped after 7 days',
};

export function problemReporter(
  win: Window,
  config: WidgetConfig,
): (problem: RecordProblem) => void {
  const told = new Set<string>();
  return (problem) => {
    if (told.has(problem.code)) return;
    told.add(problem.code);
    const values = { origin: win.location.origin, tenant: config.tenantId, key: config.publicKey };
    const what =
      problem.code === SETTINGS_UNAVAILABLE ? 'settings dialog not loaded' : 'consent not recorded';
    console.warn(
      `akkoord: ${what} (${problem.code}): ${fill(FIXES[problem.code] ?? problem.message, values)}${problem.retry ? '; retrying' : ''}`,
    );
    win.dispatchEvent(new CustomEvent('akkoord:error', { detail: problem }));
  };
}
