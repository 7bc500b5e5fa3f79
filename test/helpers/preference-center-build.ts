// dist/preference-center for the tests, built when missing or stale.
import { ensureViteAppBuilt, type ViteApp } from './vite-app-build.js';

const app: ViteApp = { name: 'preference-center', alsoFrom: ['shared/i18n'] };
export const ensurePreferenceCenterBuilt = () => ensureViteAppBuilt(app);
