// Builds dist/preference-center for the tests, once, and only when a source is newer than the
// build. Test files run in parallel workers: a lock file lets one build while the others wait,
// and the build goes to a temp directory first, so a test never reads half a build.
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

const LOCK = path.join(ROOT, 'dist/.preference-center-build.lock');
const isFresh = () => {
  const index = path.join(PREFERENCE_CENTER_BUILD, 'index.html');
  return fs.existsSync(index) && fs.statSync(index).mtimeMs > Math.max(...SOURCES.map(newestMtime));
};

export async function ensurePreferenceCenterBuilt(): Promise<string> {
  for (;;) {
    if (isFresh()) return PREFERENCE_CENTER_BUILD;
    fs.mkdirSync(path.dirname(LOCK), { recursive: true });
    let lock: number;
    try {
      lock = fs.openSync(LOCK, 'wx');
    } catch {
      // Another worker builds; a lock older than two minutes is left over from a crash.
      const held = fs.statSync(LOCK, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) fs.rmSync(LOCK, { force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      if (!isFresh()) await buildOnce();
      return PREFERENCE_CENTER_BUILD;
    } finally {
      fs.closeSync(lock);
      fs.rmSync(LOCK, { force: true });
    }
  }
}

async function buildOnce(): Promise<void> {
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
}
