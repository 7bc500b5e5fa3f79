// Runs the benchmarks and records each in its own section of BENCHMARKS.md.
// `npm run bench` runs them all; `npm run bench -- consents widget` the named ones; `--no-write` only prints.
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
**Before/after, same machine, same hour** (2026-11-29, idle, load about 1): the tree before this
round of work (commit ae91ec3) answered 522–530 req/s at 1.84–1.87 ms server CPU per request, p99
150–161 ms; now 941 req/s at 1.02 ms, p99 82 ms (the table): 1.8 times the throughput, the bare route
unchanged at 7,900–8,300 req/s. In one process without HTTP (recordVisitorConsent 6,000 times, 50 at a
time) the write path went from 0.90 to 0.60 ms CPU and from 8.8 to 4.1 WAL pages per write.

**What changed** (each measured on its own, see the commits): subject ids ordered by creation time
(ids.ts newOrderedId), so every index keyed by subject id grows at its end instead of taking a random
page per write; no savepoint per request unless one request of the batch fails (then the batch runs
again request by request); temp_store = MEMORY; the idempotency row written once with the answer;
eventHash writing its canonical JSON directly; random bytes drawn 4 KiB at a time; body limits judged
by Content-Length, so @hono/node-server reads the JSON straight from the socket instead of building a
web Request and stream for it. Still there from before: group commit with the whole batch run
synchronously on prepared statements, \`synchronous=FULL\`, no answer before its commit
(test/server/crash-durability.test.ts).

**The bare route on this machine.** The same bare-route code measured 22,776–23,454 req/s (0.037 ms CPU
per request) in an earlier session and 7,900–8,300 (0.11 ms) on 2026-11-29, old and new bench code
alike: the machine, not the code, moved, and it moved the bare route (mostly system calls) more than
the consent API. Ratios are only comparable within one run.

**What limits it.** Targets NOT reached: 50 % of the bare route (now 12 %) and p99 under 20 ms (82 ms;
with 50 connections that needs about 2,500 req/s by Little's law). A profile of the server under the
benchmark (\`BENCH_CPU_PROF=/tmp/prof npm run bench -- consents\`, self time): SQLite is about 30 %
(the statements about 16 %: subject, visitor link, three ledger events, three state rows, head, feed
event, idempotency row, each in tables with 2–4 B-trees; the COMMIT about 14 %: WAL writes of about 4
pages per write, the fsync and checkpoints), Ed25519 signing 7 %, request building and routing in
@hono/node-server and Hono 7 %, hashing, canonical JSON and planning 8 %, GC 3 %. What is left is the
work the ledger's design asks per consent: one chained, hashed event per decision, the state per
purpose, a feed event and a stored answer. Next levers, each a design change: one ledger row per request
holding all its decisions (a third of the event rows and hashes), a receipt signed per batch (a Merkle
root with an inclusion proof per receipt), or keeping the idempotency answer out of the database (it is
a third of the bytes written per consent).
`;

const GROWTH_NOTES = `
**Writes as the store grows.** At 1 M ledger rows consent writes run at 89 % of the empty store's rate
(CPU per request 87 %), at 10 M at 72 % (CPU 73 %): the target, within 20 % at 10 M, is NOT reached.
Profiles of the empty and the 1 M server (\`BENCH_CPU_PROF\`) differ almost only in better-sqlite3's
transaction function, that is the COMMIT: WAL writes and checkpoints into a larger file, and the one
index still keyed at random (subject_visitors by visitor hash, 3.3 M entries at 10 M rows) taking a
page read and a dirty page per write. A 128 MiB page cache did not change the 1 M figure (84 %);
\`wal_autocheckpoint = 10000\` made the CPU per request equal at 1 M but left req/s at 89 % and doubled
p99, so neither was kept. Time-ordered subject ids (this round) removed the other random indexes.
The 10 M store takes about 10 minutes to build (13 GB), so it is built only with \`BENCH_GROWTH_10M=1\`.

**Audience.** 237,000 subjects/s at 1 M subjects, over the 200,000 target: one covering index
(tenant, purpose, channel, status, subject_id, expires_at) answers a batch from one index range, and the
server runs in its own process (before, the client shared its event loop).
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
