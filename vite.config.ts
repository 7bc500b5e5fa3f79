// Builds the banner widget: one minified IIFE, dist/widget/widget.js, with its CSS inlined as a
// string for the shadow root. The preference center gets its own config file
// (vite.preference-center.config.ts, built by `npm run build:preference-center`), so each
// bundle keeps its own entry, output directory and budget.

import { defineConfig } from 'vitest/config';

export default defineConfig({
  // This is not an app: no public/ copying, no index.html.
  publicDir: false,
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    cssMinify: true,
    reportCompressedSize: false,
    lib: {
      entry: 'widget/main.ts',
      formats: ['iife'],
      name: 'akkoordWidget',
      fileName: () => 'widget.js',
    },
  },
  // `npm test`: every test under test/. Real databases, servers and browsers take longer than
  // vitest's 5 s default, above all on a 2-core CI machine running files in parallel.
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
