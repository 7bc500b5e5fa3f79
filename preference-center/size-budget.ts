// Fails the build when the preference center's scripts and styles together grow past their
// budget, gzip, as a browser downloads them (size is a feature: the page must be quick on a
// phone). Run after the build: `tsx preference-center/size-budget.ts [assets-dir]`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const PREFERENCE_CENTER_ASSETS = fileURLToPath(
  new URL('../dist/preference-center/assets', import.meta.url),
);
/** 13 KB: the aim is 12; see docs/preference-center.md for where the rest would come from. */
export const GZIP_BUDGET_BYTES = 13 * 1024;

/** Gzip bytes (zlib's default level, as most servers send it) of every .js and .css file, and their sum. */
export function measurePreferenceCenter(dir = PREFERENCE_CENTER_ASSETS): {
  files: Record<string, number>;
  gzip: number;
} {
  const files: Record<string, number> = {};
  for (const name of readdirSync(dir)
    .filter((n) => /\.(js|css)$/.test(n))
    .sort()) {
    files[name] = gzipSync(readFileSync(path.join(dir, name))).length;
  }
  return { files, gzip: Object.values(files).reduce((a, b) => a + b, 0) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const size = measurePreferenceCenter(process.argv[2] ?? PREFERENCE_CENTER_ASSETS);
  const over = size.gzip > GZIP_BUDGET_BYTES;
  console.log(
    `preference center JS+CSS: ${size.gzip} B gzip (${over ? 'OVER' : 'within'} the ${GZIP_BUDGET_BYTES} B budget) ${JSON.stringify(size.files)}`,
  );
  if (over) process.exit(1);
}
