#!/usr/bin/env node
// The `akkoord` command: runs the TypeScript entry through tsx, so it needs no build step.
//
// Its long jobs (export, verify, import, backup) stream, so their live data is small;
// but V8's default heap sizing lets garbage pile up to hundreds of megabytes before
// collecting it. A small young generation and an explicit old-space limit keep the
// process near its live size (an export of 200,000 events stays well under 150 MB).
// V8 reads these flags only at start, so the command runs itself again with them,
// unless the operator chose their own through NODE_OPTIONS or node's arguments.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const heapFlags = ['--max-semi-space-size=1', '--max-old-space-size=1024'];
const chosen = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');

if (!/--max-(semi|old)-space-size/.test(chosen)) {
  const child = spawnSync(process.execPath, [...heapFlags, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (child.error) throw child.error;
  process.exit(child.status ?? (child.signal ? 1 : 0));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
