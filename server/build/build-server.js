// Compiles the server and the `akkoord` command into dist/server/ with esbuild: our own
// TypeScript bundled, npm packages left as imports (node_modules is there in production).
// Every file lands directly in dist/server/, two levels below the root like the sources
// in server/routes/, so the routes' paths to dist/widget and dist/preference-center hold.
// The command's subcommands are imported lazily, so splitting gives each its own chunk.
// The build goes to a temp directory first and is then moved into place, so a server or
// command starting meanwhile never loads half a build.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { root } from './build-state.js';

const target = path.join(root, 'dist/server');
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
const outdir = fs.mkdtempSync(path.join(root, 'dist', '.server-build-'));
fs.chmodSync(outdir, 0o755);
await build({
  absWorkingDir: root,
  // The consent write worker is a file of its own: a worker thread starts from a file.
  entryPoints: {
    main: 'server/main.ts',
    cli: 'server/cli/main.ts',
    'banner-write-worker': 'server/services/consent/banner-write-worker.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: '[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});

for (let attempt = 1; ; attempt += 1) {
  fs.rmSync(target, { recursive: true, force: true });
  try {
    fs.renameSync(outdir, target);
    break;
  } catch (error) {
    // Another build moved its output in between: replace it with this one.
    if (attempt >= 5 || !['ENOTEMPTY', 'EEXIST'].includes(error.code)) throw error;
  }
}
