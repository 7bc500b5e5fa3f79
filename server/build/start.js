// `npm start`: build whatever in dist/ is missing or older than its sources (the server,
// the banner, the preference center, the console), then run the compiled server in this process.
import { execSync } from 'node:child_process';
import { isStale, root } from './build-state.js';

const steps = [
  ['server', 'build:server'],
  ['widget', 'build:widget'],
  ['preferenceCenter', 'build:preference-center'],
  ['console', 'build:console'],
];
for (const [part, script] of steps) {
  if (!isStale(part)) continue;
  console.log(`Building (npm run ${script}) ...`);
  execSync(`npm run ${script} --silent`, { cwd: root, stdio: 'inherit' });
}
// Stack traces in the log then name the TypeScript sources, not the bundle.
process.setSourceMapsEnabled(true);
await import('../../dist/server/main.js');
