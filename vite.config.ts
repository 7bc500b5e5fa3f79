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
  // `npm test`: every test under test/, in three projects (`npx vitest run --project server`).
  // Real databases, servers and browsers take longer than vitest's 5 s default, above all on a
  // 2-core CI machine running files in parallel.
  test: {
    // Every answer a test app gives is checked against /openapi.json.
    setupFiles: ['test/helpers/response-check.setup.ts'],
    globalSetup: ['test/helpers/postgres-schemas.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for something another process does (a browser's retry, a mail, a
    // webhook): vitest's one second is shorter than a busy 2-core machine sometimes needs.
    expect: { poll: { timeout: 10_000 } },
    // Test files share their worker's module graph instead of importing the server's modules
    // again for each file: that import was most of the suite's time. Tests keep no state in
    // modules (each builds its own app, store and clock), so they do not see each other.
    isolate: false,
    projects: [
      {
        extends: true,
        // Code without a database, server or browser: the widget's and apps' logic, budgets.
        test: {
          name: 'unit',
          include: [
            'test/widget/**/*.test.ts',
            'test/console/**/*.test.ts',
            'test/preference-center/**/*.test.ts',
          ],
          exclude: ['test/widget/widget-route.test.ts'],
          // Mostly waiting on nothing: the two cores' worth of workers.
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // Apps on real databases, the CLI, the build.
        test: {
          name: 'server',
          include: [
            'test/server/**/*.test.ts',
            'test/cli/**/*.test.ts',
            'test/widget/widget-route.test.ts',
          ],
          // Three files at a time: each waits on its database and its own HTTP calls much of the time.
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // Chromium against a whole server: each file runs a browser of several processes, so
        // two at a time, after the other projects.
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.test.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
