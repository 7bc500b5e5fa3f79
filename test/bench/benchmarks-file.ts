// BENCHMARKS.md is one file with a section per benchmark; each run replaces only its own.
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Dialect } from '../../server/db/create-db.js';

export type Rows = Record<string, number | string>;

export const BENCHMARKS_FILE = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));

/** `--no-write` on any bench command: print the rows, leave BENCHMARKS.md as it is (exploratory runs). */
const noWrite = process.argv.includes('--no-write');

/** Replaces (or appends) the section `## title`, leaving every other section alone. */
export function writeSection(
  title: string,
  intro: string,
  rows: Rows,
  notes = '',
  file = BENCHMARKS_FILE,
): void {
  if (noWrite && file === BENCHMARKS_FILE) return;
  const table = Object.entries(rows)
    .map(([name, value]) => `| ${name} | ${value} |`)
    .join('\n');
  const after = notes.trim() ? `\n${notes.trim()}\n` : '';
  const section = `## ${title}\n\n${intro.trim()}\n\n| measure | value |\n|---|---:|\n${table}\n${after}`;
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(`\n## ${title}\n`);
  if (start === -1) {
    fs.writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf('\n## ', start + 1);
  fs.writeFileSync(
    file,
    current.slice(0, start + 1) + section + (next === -1 ? '' : `\n${current.slice(next + 1)}`),
  );
}

/** The rows every section starts with: the day, and how busy the machine was. */
export function machineRows(): Rows {
  return {
    date: new Date().toISOString().slice(0, 10),
    'machine: nproc, load average (1 min) at start': `${os.availableParallelism()}, ${os.loadavg()[0].toFixed(1)}`,
  };
}

/** Runs a bench on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set. */
export async function runOnDialects(bench: (dialect: Dialect) => Promise<Rows>): Promise<Rows> {
  const rows = machineRows();
  Object.assign(rows, await bench('sqlite'));
  if (process.env.TEST_DATABASE_URL) Object.assign(rows, await bench('postgres'));
  return rows;
}
