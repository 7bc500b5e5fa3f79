// Builds dist/preference-center for the browser tests, once, and only when a source is newer
// than the build. It builds into a temp directory first, so a test never reads half a build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PREFERENCE_CENTER_BUILD = path.join(ROOT, 'dist/preference-center');
const CONFIG = path.join(ROOT, 'vite.preference-center.config.ts');
const SOURCES = [path.join(ROOT, 'preference-center'), path.join(ROOT, 'shared/i18n'), CONFIG];

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

export async function ensurePreferenceCenterBuilt(): Promise<string> {
  const index = path.join(PREFERENCE_CENTER_BUILD, 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (built > Math.max(...SOURCES.map(newestMtime))) return PREFERENCE_CENTER_BUILD;
  const { build } = await import('vite');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-pc-build-'));
  try {
    await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    fs.rmSync(PREFERENCE_CENTER_BUILD, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(PREFERENCE_CENTER_BUILD), { recursive: true });
    fs.cpSync(outDir, PREFERENCE_CENTER_BUILD, { recursive: true });
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  return PREFERENCE_CENTER_BUILD;
}
