// Builds one of the Vite apps (dist/<name>) for the tests, once, and only when a source is newer
// than the build. Test files run in parallel workers: a lock file lets one build while the others
// wait, and the build goes to a temp directory first, so a test never reads half a build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ViteApp {
  /** The app's folder and dist/ name: 'preference-center', 'console'. */
  name: string;
  /** Folders besides the app's own whose change makes the build stale. */
  alsoFrom: string[];
}

export const buildDirOf = (app: ViteApp) => path.join(ROOT, 'dist', app.name);

/** The newest modification time of a file, or of any file under a directory. */
export function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

export async function ensureViteAppBuilt(app: ViteApp): Promise<string> {
  const out = buildDirOf(app);
  const config = path.join(ROOT, `vite.${app.name}.config.ts`);
  const sources = [
    path.join(ROOT, app.name),
    ...app.alsoFrom.map((dir) => path.join(ROOT, dir)),
    config,
  ];
  const lockFile = path.join(ROOT, `dist/.${app.name}-build.lock`);
  const isFresh = () => {
    const index = path.join(out, 'index.html');
    return (
      fs.existsSync(index) && fs.statSync(index).mtimeMs > Math.max(...sources.map(newestMtime))
    );
  };
  for (;;) {
    if (isFresh()) return out;
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    let lock: number;
    try {
      lock = fs.openSync(lockFile, 'wx');
    } catch {
      // Another worker builds; a lock older than two minutes is left over from a crash.
      const held = fs.statSync(lockFile, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) fs.rmSync(lockFile, { force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      if (!isFresh()) await buildOnce(config, out, app.name);
      return out;
    } finally {
      fs.closeSync(lock);
      fs.rmSync(lockFile, { force: true });
    }
  }
}

async function buildOnce(config: string, out: string, name: string): Promise<void> {
  const { build } = await import('vite');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), `akkoord-${name}-build-`));
  try {
    await build({ configFile: config, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.cpSync(outDir, out, { recursive: true });
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
