// Whether the compiled output in dist/ is missing or older than its sources. Plain
// JavaScript so `npm start` and the `akkoord` command can ask before anything is built.
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');

/** What each part of the build produces and what it is made from (paths from the root). */
export const parts = {
  server: { outputs: ['dist/server/main.js', 'dist/server/cli.js'], sources: ['server', 'shared'] },
  widget: { outputs: ['dist/widget'], sources: ['widget', 'shared', 'vite.config.ts'] },
  preferenceCenter: {
    outputs: ['dist/preference-center'],
    sources: ['preference-center', 'shared', 'vite.preference-center.config.ts'],
  },
  console: { outputs: ['dist/console'], sources: ['console', 'shared', 'vite.console.config.ts'] },
};

/** The newest modification time under a path (0 when it does not exist). */
function newest(base, entry) {
  let stat;
  try {
    stat = fs.statSync(path.join(base, entry));
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(path.join(base, entry))
    .reduce((max, name) => Math.max(max, newest(base, path.join(entry, name))), stat.mtimeMs);
}

/** True when any of the named parts under `base` must be built again: an output is missing or a source is newer. */
export function isStaleIn(base, names) {
  return names.some((name) => {
    const { outputs, sources } = parts[name];
    const built = Math.min(...outputs.map((output) => newest(base, output)));
    return built === 0 || Math.max(...sources.map((source) => newest(base, source))) > built;
  });
}

/** True when any of the named parts of this checkout must be built again. */
export function isStale(...names) {
  return isStaleIn(root, names);
}
