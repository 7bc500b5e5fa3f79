#!/usr/bin/env node
// The `akkoord` command: runs the compiled command in dist/server/cli.js (`npm run build`).
// In a checkout whose sources are newer than that build it runs the TypeScript through tsx
// (a devDependency) instead, so a developer never runs stale code; without either it says
// how to build.
//
// Its long jobs (export, verify, import, backup) stream, so their live data is small;
// but V8's default heap sizing lets garbage pile up to hundreds of megabytes before
// collecting it. A small young generation and an explicit old-space limit keep the
// process near its live size (an export of 200,000 events stays well under 150 MB).
// V8 reads these flags only at start, so the command runs itself again with them,
// unless the operator chose their own through NODE_OPTIONS or node's arguments, or only
// asked for help (which holds no data, and answers faster without a second start).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const heapFlags = ['--max-semi-space-size=1', '--max-old-space-size=1024'];
const chosen = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
const args = process.argv.slice(2);
const helpOnly =
  args.length === 0 || args.some((arg) => arg === '--help' || arg === '-h') || args[0] === 'help';

if (!helpOnly && !/--max-(semi|old)-space-size/.test(chosen)) {
  const child = spawnSync(
    process.execPath,
    [...heapFlags, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  if (child.error) throw child.error;
  process.exit(child.status ?? (child.signal ? 1 : 0));
} else {
  const { isStale } = await import('../build/build-state.js');
  if (!isStale('server')) {
    await import('../../dist/server/cli.js');
  } else {
    let tsx;
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      process.stderr.write(
        'akkoord: the compiled command (dist/server) is missing or older than its sources; run `npm run build` first\n',
      );
      process.exit(1);
    }
    tsx.register();
    await import('./main.ts');
  }
}
