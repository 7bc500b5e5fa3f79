// Builds the banner's settings dialog: dist/widget/widget-settings.js, a minified IIFE of its own
// (with its CSS inlined) that widget.js loads when a person is about to open the dialog. A lib
// build cannot split an IIFE into chunks, so the dialog is a second build beside vite.config.ts's,
// run after it (that one empties dist/widget). Budgeted on its own by widget/size-budget.ts.

import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/widget',
    emptyOutDir: false,
    target: 'es2020',
    minify: true,
    cssMinify: true,
    reportCompressedSize: false,
    lib: {
      entry: 'widget/settings-entry.ts',
      formats: ['iife'],
      name: 'akkoordSettings',
      fileName: () => 'widget-settings.js',
    },
  },
});
