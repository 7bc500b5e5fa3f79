// `npm start`: build the browser bundles when they are missing or older than their
// sources, then run the server (main.ts migrates and serves).
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outputs = ['dist/widget', 'dist/preference-center'];
const sources = ['widget', 'preference-center', 'shared', 'vite.config.ts', 'vite.preference-center.config.ts'];

function newestMtime(entry: string): number {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(full).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

const built = outputs.every((dir) => fs.existsSync(path.join(root, dir)));
const stale = !built || Math.max(...sources.map(newestMtime)) > Math.min(...outputs.map(newestMtime));
if (stale) {
  console.log('Building the banner and the preference center ...');
  execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
}
await import('./main.js');
