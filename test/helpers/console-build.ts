// dist/console for the tests, built when missing or stale.
import { ensureViteAppBuilt, type ViteApp } from './vite-app-build.js';

const app: ViteApp = { name: 'console', alsoFrom: ['shared'] };
export const ensureConsoleBuilt = () => ensureViteAppBuilt(app);
