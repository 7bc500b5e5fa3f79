// Global setup of vitest.log-capture.config.ts: every test app of the run logs at debug
// level into a temporary directory (test/helpers/app.ts), and after the last test the
// whole log is searched for anything shaped like personal data or a credential
// (no e-mail, phone, IP or token in a log line). The run fails when one is found.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What must never appear in a log value, with a name for the report. */
const forbidden: Array<[string, RegExp]> = [
  ['e-mail address', /[^\s@"'<>()[\],;:]+@[^\s@"'<>()[\],;:]+\.[a-z]{2,}/i],
  [
    'secret key, public key, webhook secret or visitor id',
    /\b(sk|pk|whsec|v)_(?!\[redacted\])[A-Za-z0-9_+/=-]{8,}/,
  ],
  ['link, session or CSRF token', /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/],
  ['IPv4 address', /\b\d{1,3}(\.\d{1,3}){3}\b/],
  ['IPv6 address', /\b[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}\b/i],
  ['phone number', /\+?\d[\d\s().-]{7,}\d/],
];

/** Fields the logger itself writes that are not personal: the request id is a server UUID, time a number. */
const ownFields = new Set(['reqId', 'time', 'ms']);

function offences(line: string): string[] {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return [`not a JSON log line: ${line.slice(0, 80)}`];
  }
  const text = JSON.stringify(
    Object.fromEntries(Object.entries(record).filter(([key]) => !ownFields.has(key))),
  );
  return forbidden
    .filter(([, pattern]) => pattern.test(text))
    .map(([name]) => `${name} in ${line.slice(0, 300)}`);
}

export default function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-suite-log-'));
  process.env.AKKOORD_TEST_LOG_DIR = dir;
  return () => {
    const files = fs.readdirSync(dir);
    const lines = files.flatMap((file) =>
      fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean),
    );
    const found = lines.flatMap(offences);
    console.log(`log capture: ${lines.length} log lines from ${files.length} test apps searched`);
    if (process.env.KEEP_SUITE_LOG) console.log(`log capture: kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
    if (lines.length === 0)
      throw new Error(
        'log capture: no log line was written; is AKKOORD_TEST_LOG_DIR reaching the test apps?',
      );
    if (found.length > 0)
      throw new Error(
        `log capture: ${found.length} log lines hold personal data or credentials:\n${found.slice(0, 20).join('\n')}`,
      );
  };
}
