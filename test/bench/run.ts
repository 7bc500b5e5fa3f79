// Runs the benchmarks and records each in its own section of BENCHMARKS.md.
// `npm run bench` runs them all; `npm run bench -- consents widget` the named ones.
// Each bench module exports an async function returning rows (measure -> value); add
// it to `benches` with the section it owns.
import os from 'node:os';

import { writeSection, type Rows } from './benchmarks-file.js';

interface Bench {
  name: string;
  run: () => Promise<Rows>;
  /** Writes the bench's own section of BENCHMARKS.md. */
  write: (rows: Rows) => void | Promise<void>;
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
**Before/after issue 9** (same command): before, 421 req/s = 4.3 % of bare (2.303 ms server CPU per
request) in the run recorded earlier, and 103 req/s = 2.0 % (4.31 ms) in a run on this busier machine
just before the change.

**What changed.** On SQLite a whole group-commit batch runs synchronously inside one better-sqlite3
transaction (server/db/sqlite-consent-writer.ts, \`store.consentWriter\`): prepared statements, no
await and no Kysely per statement, each request in its own SAVEPOINT (a 422 leaves nothing and the
others stand), the head save and the feed position folded into one UPDATE, no activity update for a
subject made in the same request. The planning (changes, chain hashes, state, feed data, receipt) is the
same code as recordConsentIn's (server/services/record-consent.ts); PostgreSQL keeps the Kysely path.
The batch takes every request queued while the previous commit flushed (up to 512), \`synchronous=FULL\`
stays and no answer leaves before its commit (test/server/crash-durability.test.ts passes). The request
log is at \`warn\` for the run (LOG_LEVEL=info to include it).

**What limits it.** The write path alone (recordVisitorConsent called 3,000 times, 50 at a time, in one
process, no HTTP) costs about 0.8 ms of CPU per write here (0.55 user, 0.25 system), against 0.06-0.1 ms
for the whole bare request. A profile of it (\`node --cpu-prof\`): SQLite itself is about 40 % (the
statements ~20 %: ~10 inserts/updates into tables with 1-6 indexes keyed by random ids, so every write
dirties several random B-tree pages; the commit ~20 %: WAL writes of those pages, the fsync, about 2.4 ms
here, and checkpoints), Ed25519 signing about 5 %, SHA-256 and canonical JSON for the chain about 5 %,
random ids about 3 %, GC about 5 %. The HTTP request, Hono middleware (security headers, CORS, body limit,
valibot) and the tenant lookup by public key come on top. On this two-core machine, shared with other
work at load averages of 5-15, each process gets a fraction of a core, so req/s mostly shows the share
it got; server CPU per request is the steadier measure, and it is 30-40 times the bare route's. The targets
(25 % of bare, and 50 % with p99 < 20 ms) are not reached. Next levers: batch signing (one signature per
batch over a Merkle root, with an inclusion proof per receipt: changes what a receipt is), sequential ids
(time-ordered) for subjects, feed and consent ids so inserts append instead of landing on random pages,
fewer secondary indexes on subjects for banner visitors.

**On an idle machine** (load average 0.2, two runs of this command, the table above is the second):
976–997 req/s against 22,776–23,454 for the bare route = 4.3 %, p50 52 ms, p99 82 ms; server CPU
~1.0 ms per request against 0.037 ms. (Runs at load 1–2 earlier gave 721–772 vs ~11,700 = 6.2–6.6 %:
the bare route suffers more from a busy machine, so only same-run ratios on an idle machine compare.)
The public-key lookup is now cached for a second (it used to wait behind the batch on SQLite's
one connection), and subjects' e-mail, phone and merge indexes are partial (banner visitors add no entries).
A profile of the server process under the benchmark (\`BENCH_CPU_PROF=/tmp/prof npm run bench -- consents\`,
self time, at load 1–2): better-sqlite3's transaction function 16 % (COMMIT: WAL writes and fsync,
run on the event loop), the writer's statements 19 % (sqlite-consent-writer.ts, including the subject
insert into a table with then six indexes), Ed25519 signing 5 %, GC 4 %, chain hashing and canonical JSON 4 %,
random bytes 2 %; Hono, valibot and the rest of the HTTP path are each under 1 %. Two experiments that did
NOT help and were not kept: \`synchronous=NORMAL\` (648 req/s: the fsync is not what limits it) and a 64 MiB
page cache (728 req/s, within noise). So the cost is SQLite's own work per request: the next step is fewer
rows and index entries per consent (time-ordered ids; one state row per subject instead of one per
purpose; no visitor-subject row for banner-only visitors) rather than less JavaScript.
`;

const GROWTH_NOTES = `
The 10 million row store is not built by default: on this shared two-core machine the 1 M store took
156 s to build (most of it the bulk INSERTs, with other work at a load average of 18), so 10 M would take
half an hour or more. Run it with \`BENCH_GROWTH_10M=1 npm run bench -- growth\`. At 1 M ledger rows the
server CPU per consent write is within 2 % of the empty store's (req/s moved by +46 % in this run: the
load of the machine changed between the two measurements, so the CPU per request is the figure to read).

Audience: 95,000 subjects/s at 1 M subjects, under the 200,000 target. Done: only the id and externalId
columns are read without pii:read (the encrypted e-mail and phone were most of each row's bytes), and the
NDJSON is built as text instead of JSON.stringify per member. What is left is one Kysely keyset query per
1,000 members (a join of consent_state's keyset index with subjects by primary key) and the web stream
to @hono/node-server; the client counts lines in the same process, on a machine at load 18.
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
    write: async (rows) => (await import('./widget.js')).writeWidgetSection(rows),
  },
  {
    name: 'feed',
    run: async () => (await import('./feed.js')).runFeedBench(),
    write: async (rows) => (await import('./feed.js')).writeFeedSection(rows),
  },
  {
    name: 'growth',
    run: async () => (await import('./growth.js')).runGrowthBench(),
    write: async (rows) => writeSection('Growth', (await import('./growth.js')).GROWTH_INTRO, rows, GROWTH_NOTES),
  },
  {
    name: 'subject-rights',
    run: async () => (await import('./subject-rights.js')).runSubjectRightsBench(),
    write: async (rows) => (await import('./subject-rights.js')).writeSubjectRightsSection(rows),
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
