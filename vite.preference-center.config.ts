// Builds the preference center: a small Preact app, dist/preference-center/index.html
// plus hashed assets under /p/assets/, which server/routes/preference-center.ts serves
// with the tenant's data injected. Separate from the banner's vite.config.ts so each
// bundle keeps its own entry, output and budget.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./preference-center', import.meta.url));

export default defineConfig({
  root,
  base: '/p/',
  publicDir: false,
  // Never the development JSX transform, even when NODE_ENV is 'test': the tests run the bundle people get.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: false } },
  build: {
    outDir: fileURLToPath(new URL('./dist/preference-center', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // No inline script: the page's Content-Security-Policy allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
