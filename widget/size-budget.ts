// Fails the build when the banner grows past its budgets (size is a feature): widget.js under
// 10 KB gzip, JS and CSS together, and under 10 KB still as the server sends it with the demo
// tenant's config inside; the settings dialog's own script (widget-settings.js, fetched only when a
// person is about to open the dialog) under 3 KB. Run after both builds:
// `tsx widget/size-budget.ts` (or `tsx widget/size-budget.ts file.js` for one file against 10 KB).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

export const WIDGET_BUNDLE = fileURLToPath(new URL('../dist/widget/widget.js', import.meta.url));
export const SETTINGS_BUNDLE = fileURLToPath(
  new URL('../dist/widget/widget-settings.js', import.meta.url),
);
export const GZIP_BUDGET_BYTES = 10 * 1024;
/** What a visitor downloads before the banner shows: widget.js with the demo tenant's config. */
export const SERVED_GZIP_BUDGET_BYTES = 10 * 1024;
export const SETTINGS_GZIP_BUDGET_BYTES = 3 * 1024;

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

/**
 * What a visitor downloads: the bundle wrapped around the demo tenant's config, as
 * server/routes/widget.ts serves it (words for its two locales included).
 */
export async function measureServedDemoWidget(path = WIDGET_BUNDLE): Promise<BundleSize> {
  const { demoConfig } = await import('../server/services/config/demo.js');
  const { toWidgetConfig } = await import('../server/routes/widget-config.js');
  const url = 'http://127.0.0.1:8080';
  const published = {
    version: 1,
    materialVersion: 1,
    publishedAt: '',
    noticeHashes: {},
    config: demoConfig(url),
  };
  const config = toWidgetConfig(
    published,
    { id: 'ten_0123456789abcdef', publicKey: 'pk_0123456789abcdef0123' },
    url,
  );
  const bytes = Buffer.from(
    `(function(__akkoordConfig){${readFileSync(path, 'utf8')}\n})(${JSON.stringify(config)});\n`,
  );
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes).length,
    brotli: brotliCompressSync(bytes).length,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const checks: Array<[string, BundleSize, number]> = process.argv[2]
    ? [[process.argv[2], measureWidgetSize(process.argv[2]), GZIP_BUDGET_BYTES]]
    : [
        ['widget.js', measureWidgetSize(), GZIP_BUDGET_BYTES],
        [
          'widget.js served with the demo config',
          await measureServedDemoWidget(),
          SERVED_GZIP_BUDGET_BYTES,
        ],
        ['widget-settings.js', measureWidgetSize(SETTINGS_BUNDLE), SETTINGS_GZIP_BUDGET_BYTES],
      ];
  let over = false;
  for (const [name, size, budget] of checks) {
    over ||= size.gzip >= budget;
    console.log(
      `${name}: ${size.raw} B raw, ${size.gzip} B gzip, ${size.brotli} B brotli (${size.gzip < budget ? 'within' : 'OVER'} the ${budget} B gzip budget)`,
    );
  }
  if (over) process.exit(1);
}
