// The vitest fixture for route tests: `app` is a whole Akkoord app on a fresh database (a copy of
// a migrated template, see db-template.ts) and `tenant` a tenant with the demo configuration
// published on it. Each is made only for the tests that name it (or whose hooks do) and closed
// after the test.
//
//   import { it } from '../helpers/app-fixture.js';
//   describe.each(dialects)('thing on %s', (dialect) => {
//     it.override({ dialect, appOptions: { clock } });
//     it('does it', async ({ app, tenant }) => { ... });
//   });
//
// Files whose helpers close over the app keep them: `it.beforeEach(({ app, tenant }) => ...)`
// hands both to the describe block's variables.
import { test as base } from 'vitest';
import type { Dialect } from '../../server/db/create-db.js';
import {
  createTestTenant,
  startTestApp,
  type TestApp,
  type TestAppOptions,
  type TestTenant,
} from './app.js';

export interface AppFixtures {
  /** Which database the app runs on; set per describe block with it.override({ dialect }). */
  dialect: Dialect;
  /** Passed to startTestApp (clock, mailer, env, ...); set with it.override({ appOptions }). */
  appOptions: TestAppOptions;
  app: TestApp;
  tenant: TestTenant;
}

export const it = base.extend<AppFixtures>({
  dialect: 'sqlite',
  appOptions: {},
  app: async ({ dialect, appOptions }, use) => {
    const app = await startTestApp(dialect, appOptions);
    try {
      await use(app);
    } finally {
      await app.close();
    }
  },
  tenant: async ({ app }, use) => {
    await use(await createTestTenant(app));
  },
});
