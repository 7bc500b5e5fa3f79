// Fails the build when widget.js grows past its budget (STYLE: size is a feature; PRODUCT: under
// 10 KB gzip, JS and CSS together). Run after `vite build`: `tsx widget/size-budget.ts [bundle]`.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

export const WIDGET_BUNDLE = fileURLToPath(new URL('../dist/widget/widget.js', import.meta.url));
export const GZIP_BUDGET_BYTES = 10 * 1024;

export interface BundleSize {
  raw: number;
  gzip: number;
  brotli: number;
}

/** Sizes of the built bundle; gzip at zlib's default level, as most servers send it. */
export function measureWidgetSize(path = WIDGET_BUNDLE): BundleSize {
  const bytes = readFileSync(path);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes).length,
    brotli: brotliCompressSync(bytes).length,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const size = measureWidgetSize(process.argv[2] ?? WIDGET_BUNDLE);
  const verdict = size.gzip < GZIP_BUDGET_BYTES ? 'within' : 'OVER';
  console.log(
    `widget.js: ${size.raw} B raw, ${size.gzip} B gzip, ${size.brotli} B brotli ` +
      `(${verdict} the ${GZIP_BUDGET_BYTES} B gzip budget)`,
  );
  if (size.gzip >= GZIP_BUDGET_BYTES) process.exit(1);
}
