// Builds the console: a Preact app, dist/console/index.html plus hashed assets under
// /console/assets/, served by server/routes/console.ts. Its own config so the bundle
// keeps its own entry, output and size budget (console/size-budget.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./console', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    reportCompressedSize: false,
    // No inline script: the page's Content-Security-Policy allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // The studio's preview frame is a page of its own (console/preview/preview.ts).
    rollupOptions: { input: { index: `${root}/index.html`, preview: `${root}/preview.html` } },
  },
});
