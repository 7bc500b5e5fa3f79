// Compiles the server into dist/server (server/build/build-server.js) for tests that run the
// compiled code, only when a source is newer than the build. The build script writes to a
// temp directory and moves it into place, so parallel test files never see half a build.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { isStale, root } from '../../server/build/build-state.js';

export const COMPILED_SERVER = path.join(root, 'dist/server/main.js');

export function ensureServerBuilt(): string {
  if (isStale('server'))
    execFileSync(process.execPath, [path.join(root, 'server/build/build-server.js')], {
      cwd: root,
      stdio: 'pipe',
    });
  return COMPILED_SERVER;
}
