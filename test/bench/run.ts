// Runs the benchmarks and records each in its own section of BENCHMARKS.md.
// `npm run bench` runs them all; `npm run bench -- consents widget` the named ones.
// Each bench module exports an async function returning rows (measure -> value); add
// it to `benches` with the section it owns.
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

type Rows = Record<string, number | string>;

interface Bench {
  name: string;
  run: () => Promise<Rows>;
  /** Writes the bench's own section of BENCHMARKS.md. */
  write: (rows: Rows) => void | Promise<void>;
}

const BENCHMARKS_FILE = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));

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

const CONSENTS_INTRO = `
Measured by \`npm run bench -- consents\` (test/bench/consents.ts) on a machine with \`nproc\` = ${os.availableParallelism()}:
autocannon on 127.0.0.1, 50 connections, a 2 s warm-up then 10 s per server, each server in its own
child process (one at a time). The bare route is Hono on @hono/node-server parsing the JSON body and
answering 201; the consent API is the whole app (request log, security headers, body limit, CORS,
validation) on a fresh SQLite file with \`synchronous=FULL\`: every 201 is on disk. Every request has
a new visitor and clientEventId and records three decisions (three ledger events, the state, a feed
event, the idempotency row and an Ed25519 receipt). Rate limits are off for the run. Server CPU per
request is the server process's CPU time over the measured run divided by its 2xx answers. The machine
is shared with other work (see the load average), so compare the numbers of one run, not runs with
each other; the CPU-per-request ratio moves less than req/s.
`;

const CONSENTS_NOTES = `
**What limits it** (profiles with \`BENCH_CPU_PROF=dir npm run bench -- consents\`, which passes
\`--cpu-prof\` to the server process). The aim of 25 % of the bare route is not reached: a consent
write costs 30 to 60 times the server CPU of the bare route. Where it goes:

- *Kysely per statement*, the largest share (building, compiling and running ~16 statements per
  write: tenant lookup, idempotency claim and answer, visitor lookup, subject and visitor link, head
  lock and save, one multi-row insert of the events, one multi-row upsert of the state, subject
  activity, feed position and feed event, savepoint and release). Raw better-sqlite3 runs the same
  statement in a fifth of the time; the data layer stays dialect-agnostic on purpose.
- *The disk flush*: \`synchronous=FULL\` flushes the WAL on every commit (0.5-5 ms here, depending on
  what else uses the disk). Group commit (server/services/group-commit.ts) makes the requests that
  arrive during a commit share the next transaction, each in its own savepoint, and answers only
  after its commit, so the flush is paid once per batch while every 201 stays durable.
- GC, the request log line, JSON, the Ed25519 signature (~0.1 ms) and hashing of the chain.

Already done: group commit; prepared statements cached per SQL text (server/db/statement-cache.ts;
compiling SQL had been the largest single item); immutable config versions cached in memory;
events and state written with one statement each; receipts signed synchronously with node:crypto
(jose's WebCrypto path sent every signature to the thread pool and back while the batch's
transaction was open). Next steps if writes must go faster: precompiled queries for the hot path,
folding the head save and the feed position into one update, and a bigger machine: on two shared
CPUs the load generator itself takes one.
`;

const GROWTH_NOTES = `
The 10 million row store is not built by default: on this shared two-core machine the bulk load alone
runs for tens of minutes (the build time of the 1 M store is in the table). Run it with
\`BENCH_GROWTH_10M=1 npm run bench -- growth\`.
`;

const benches: Bench[] = [
  // Imported when run, so one bench does not load another's dependencies (Chromium).
  {
    name: 'consents',
    run: async () => (await import('./consents.js')).runConsentsBench(),
    write: (rows) => writeSection('Consent writes', CONSENTS_INTRO, rows, CONSENTS_NOTES),
  },
  {
    name: 'widget',
    run: async () => (await import('./widget.js')).runWidgetBench(),
    write: async (rows) => (await import('./widget.js')).writeWidgetSection(rows, BENCHMARKS_FILE),
  },
  {
    name: 'feed',
    run: async () => (await import('./feed.js')).runFeedBench(),
    write: async (rows) => (await import('./feed.js')).writeFeedSection(rows, BENCHMARKS_FILE),
  },
  {
    name: 'growth',
    run: async () => (await import('./growth.js')).runGrowthBench(),
    write: async (rows) => writeSection('Growth', (await import('./growth.js')).GROWTH_INTRO, rows, GROWTH_NOTES),
  },
  {
    name: 'subject-rights',
    run: async () => (await import('./subject-rights.js')).runSubjectRightsBench(),
    write: async (rows) => (await import('./subject-rights.js')).writeSubjectRightsSection(rows, BENCHMARKS_FILE),
  },
];

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !benches.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
for (const bench of benches.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  const rows = await bench.run();
  console.table(rows);
  await bench.write(rows);
}
