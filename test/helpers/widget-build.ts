// Builds dist/widget/widget.js and widget-settings.js for the browser tests, once, and only when a
// source is newer than the bundle. Several test files may ask at once: each builds into its own temp directory and
// renames the result into place, so no test ever reads a half-written bundle.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime } from './vite-app-build.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WIDGET_BUNDLE = path.join(ROOT, 'dist/widget/widget.js');
const SETTINGS_BUNDLE = path.join(ROOT, 'dist/widget/widget-settings.js');
const SOURCES = [
  path.join(ROOT, 'widget'),
  path.join(ROOT, 'shared/i18n'),
  path.join(ROOT, 'vite.config.ts'),
  path.join(ROOT, 'vite.widget-settings.config.ts'),
];

export async function ensureWidgetBuilt(): Promise<string> {
  const built =
    fs.existsSync(WIDGET_BUNDLE) && fs.existsSync(SETTINGS_BUNDLE)
      ? fs.statSync(WIDGET_BUNDLE).mtimeMs
      : 0;
  if (built > Math.max(...SOURCES.map(newestMtime))) return WIDGET_BUNDLE;
  const { build } = await import('vite');
  fs.mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
  // Inside dist/, so the rename stays on one file system and is atomic.
  const outDir = fs.mkdtempSync(path.join(ROOT, 'dist', '.widget-build-'));
  try {
    await build({
      root: ROOT,
      configFile: path.join(ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    await build({
      root: ROOT,
      configFile: path.join(ROOT, 'vite.widget-settings.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: false },
    });
    fs.mkdirSync(path.dirname(WIDGET_BUNDLE), { recursive: true });
    // widget.js last: its time says both are current.
    fs.renameSync(path.join(outDir, 'widget-settings.js'), SETTINGS_BUNDLE);
    fs.renameSync(path.join(outDir, 'widget.js'), WIDGET_BUNDLE);
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  return WIDGET_BUNDLE;
}
