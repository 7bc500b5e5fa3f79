// BENCHMARKS.md is one file with a section per benchmark; each run replaces only its own.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Rows = Record<string, number | string>;

export const BENCHMARKS_FILE = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));

/** Replaces (or appends) the section `## title`, leaving every other section alone. */
export function writeSection(title: string, intro: string, rows: Rows, notes = '', file = BENCHMARKS_FILE): void {
  const table = Object.entries(rows).map(([name, value]) => `| ${name} | ${value} |`).join('\n');
  const after = notes.trim() ? `\n${notes.trim()}\n` : '';
  const section = `## ${title}\n\n${intro.trim()}\n\n| measure | value |\n|---|---:|\n${table}\n${after}`;
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(`\n## ${title}\n`);
  if (start === -1) {
    fs.writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf('\n## ', start + 1);
  fs.writeFileSync(file, current.slice(0, start + 1) + section + (next === -1 ? '' : `\n${current.slice(next + 1)}`));
}
