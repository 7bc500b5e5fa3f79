// Fails the build when the console's JavaScript grows past its budgets. What a staff member
// downloads before the first screen (the scripts console/index.html loads: Preact, the shell
// and the everyday screens) must stay under 30 KB gzip; each screen fetched when it is first
// opened (the banner studio, insights), and the studio's preview page, under 10 KB gzip.
// Run after `vite build -c vite.console.config.ts`: `tsx console/size-budget.ts [dir]`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const CONSOLE_DIST = fileURLToPath(new URL('../dist/console', import.meta.url));
export const FIRST_LOAD_GZIP_BUDGET_BYTES = 30 * 1024;
export const ON_DEMAND_GZIP_BUDGET_BYTES = 10 * 1024;

interface ScriptSize {
  name: string;
  raw: number;
  gzip: number;
}

/** Every script of the build, split into the first load (named by index.html) and the rest. */
export function measureConsoleScripts(dist = CONSOLE_DIST): {
  firstLoad: ScriptSize[];
  onDemand: ScriptSize[];
} {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const assets = path.join(dist, 'assets');
  const scripts = readdirSync(assets)
    .filter((file) => file.endsWith('.js'))
    .map((name) => {
      const bytes = readFileSync(path.join(assets, name));
      return { name, raw: bytes.length, gzip: gzipSync(bytes).length };
    });
  const loadedFirst = (script: ScriptSize) => html.includes(`/assets/${script.name}"`);
  return {
    firstLoad: scripts.filter(loadedFirst),
    onDemand: scripts.filter((script) => !loadedFirst(script)),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { firstLoad, onDemand } = measureConsoleScripts(process.argv[2] ?? CONSOLE_DIST);
  const first = firstLoad.reduce((sum, script) => sum + script.gzip, 0);
  const firstWithin = first < FIRST_LOAD_GZIP_BUDGET_BYTES;
  console.log(
    `console first load: ${first} B gzip (${firstWithin ? 'within' : 'OVER'} the ${FIRST_LOAD_GZIP_BUDGET_BYTES} B budget)`,
  );
  const over = onDemand.filter((script) => script.gzip >= ON_DEMAND_GZIP_BUDGET_BYTES);
  console.log(
    `on demand: ${onDemand.map((script) => `${script.name} ${script.gzip} B`).join(', ')} (each ${over.length === 0 ? 'within' : 'not within'} ${ON_DEMAND_GZIP_BUDGET_BYTES} B)`,
  );
  if (!firstWithin || over.length > 0) process.exit(1);
}
