// The end-to-end suite with its whole log captured and searched for personal data and
// credentials: `npx vitest run -c vitest.log-capture.config.ts`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    setupFiles: ['test/helpers/response-check.setup.ts'],
    globalSetup: ['test/e2e/log-capture.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
