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
child process (one at a time), after one answered write (the app starts its consent write worker on
the first write). The whole sequence runs three times (\`BENCH_ROUNDS\`): a server's rows are from
its median round by req/s, and each ratio is the median of the rounds' own ratios, with each
round's in brackets. The bare route is Hono on @hono/node-server parsing the JSON body and
answering 201; the consent API is the whole app (request log, security headers, body limit, CORS,
validation) on a fresh SQLite file with \`synchronous=FULL\`: every 201 is on disk. Every request has
a new visitor (its id made as the widget makes it) and clientEventId and records three decisions (three ledger events, the state, a feed
event, the idempotency row and an Ed25519 receipt), with the headers a browser's fetch sends
(\`Accept-Encoding: gzip, deflate, br, zstd\` among them). Rate limits are off for the run. Server CPU per
request is the server process's CPU time over the measured run divided by its 2xx answers. The machine
is shared with other work (see the load average), so compare the numbers of one run, not runs with
each other; the CPU-per-request ratio moves less than req/s. With \`TEST_DATABASE_URL\` set the same
load runs, in the same run, against the app on that PostgreSQL (a fresh schema, one server process,
a pool of 10 connections), and the PostgreSQL rows appear, then two server processes on that one
database, 25 of the 50 connections each: first both writing for one tenant, then each for a tenant of
its own. The SQLite app runs twice: with its banner batches written by the write worker thread (the
default) and written inline on the event loop. "Cores busy" splits the machine's CPU over the
measured run (Linux's /proc): the server processes, PostgreSQL's processes, the load generator (the
bench's own process) and the whole machine, out of \`nproc\`. "Waits for the head row" samples
PostgreSQL's pg_stat_activity every 10 ms during the run: the share of samples in which a
transaction was blocked in the tenant's \`SELECT ... FOR UPDATE\` of its ledger head.
`;

const CONSENTS_NOTES = `
**The table** (2026-12-04, 15:06, three rounds, with the PostgreSQL write worker below; on a
machine slower and noisier than the one of 10:15 below: within this run the bare route did 16,725,
15,846 and 10,174 req/s). Medians: the consent write 16.9 % of the bare route (the line is 25 %),
p99 35 ms (the line is under 40), PostgreSQL 56.3 % of SQLite (the line is 50 %; its rounds 54.4,
56.3 and 70.2 %), two processes on one tenant 0.68x one (the line is 1.5x; see below). The run of
14:15, before the worker: 15.9 % of the bare route, p99 40 ms, PostgreSQL 48.0 % of SQLite (rounds
48.0, 40.9 and 55.0 %), two processes 0.81x. Five single runs before that, 13:30 to 13:55: 12.9
to 22.6 % of the bare route, p99 34 to 60 ms, PostgreSQL 36 to 74 % of SQLite; the rounds were
added after them, as one run's ratios moved by half from one run to the next.

**PostgreSQL's batches in the write worker** (kept). The banner's batches on PostgreSQL are now
written by the write worker thread, with a pool of its own (3 connections), as SQLite's are: the
server thread's HTTP work no longer runs between the round trips of a transaction that holds the
tenant's head row. A/B against the tree before (alternating, 8 s each): 1,484, 1,438, 1,329 and
1,403 req/s against 1,224, 1,101, 1,226 and 1,164 (+20 %). A prototype measured earlier the same
way: two servers on one tenant +8 % (1,172 against 1,081); in the table they stay under one server
(0.59x to 0.71x, a transaction waiting for the head row in 60 to 64 % of samples), since one
server alone gained more.

**A PostgreSQL batch on this machine, before the worker** (temporary timers, one server, 24.8 per batch on
average, two runs): 16 to 19 ms from taking the batch to its commit, of which the connection and
BEGIN 4.0 to 4.8 ms (behind the answers of the batch before, on the same thread), the head lock
1.3 to 1.7, the reads 1.8 to 2.1, planning 1.3 to 1.5, the one write query 6.5 (building it 0.85
and compiling it 0.15 of that, the rest PostgreSQL inserting about 250 rows and 575 index entries
and checking their keys) and COMMIT about 1.6. The server is 0.7 of a core busy: the batch cycle,
not the CPU, sets the rate, and the write query is the largest part of it; one ledger row per
request instead of one per decision would take 50 of the rows and 100 of the index entries.

**Two PostgreSQL processes: the head row, or the machine?** (2026-12-04, 13:30 to 14:20: single
runs, and the three rounds of the table.)
- One server on PostgreSQL leaves the machine part idle: 1.3 to 1.4 of its 2 cores busy (the
  server 0.7, PostgreSQL 0.3 to 0.4, the load generator 0.16), and no transaction ever waits for
  the head row: one batch per tenant is open at a time.
- Two servers writing for one tenant: 0.92x, 0.80x, 0.64x, 0.78x, 0.97x, 0.93x, 0.81x, 0.90x and
  0.75x one server in nine runs; in 50 to 57 % of the samples a transaction waits for the head row.
- Two servers writing for a tenant each, so that no head row is shared and nothing ever waits:
  0.67x, 0.88x, 0.95x, 1.15x, 1.21x, 0.86x, 1.29x and 0.89x in eight runs, with the machine 1.81 to
  1.85 of 2 cores busy and the servers' CPU per request 0.85 to 1.19 ms against 0.46 to 0.72 for one
  server. Without any lock between them two servers still fall short of 1.5x here: the machine is
  full. The CPU per request rises with the second process, not only with the smaller batches: one
  server at 25 connections (12.3 requests per batch against 24.7 at 50, a temporary counter) costs
  0.78 ms per request against 0.68, while two servers at 12.4 per batch cost 1.04 to 1.11 ms.
- So on two cores shared with PostgreSQL and the load generator, no change to how the head row is
  taken can show 1.5x; what would show it is a machine where the second process has cores of its
  own (PostgreSQL and the load generator elsewhere), and then, for one tenant, a head row held
  for less of the batch (today from the first statement to COMMIT).
- Tried and not kept: PostgreSQL batches that open their transaction and queue for the head row
  while the batch before writes, taking their requests only once the lock is granted (at most two
  open per tenant): 1,267, 1,214, 1,435 and 1,357 req/s against 1,170, 1,453, 1,556 and 1,397
  (alternating, 8 s each).
- Tried and not kept: the SQLite write worker given up to two batches at once (the next one sent
  while the first writes, the server's connection held while either is out): 2,038, 2,251, 2,153
  and 2,284 req/s against 2,468, 2,252, 2,222 and 2,456, at more CPU per request (smaller batches).

**The table of 10:15** (2026-12-04, on a new, faster machine; load 1.3 at the start, the machine
otherwise idle): the bare route did 38,874 req/s at 0.020 ms CPU per request, 4.7 times the 8,233
of the machine of the tables below, while the consent write gained 3.2 times: the write worker
5,260 req/s, 13.5 % of the bare route, p50 9 ms, p99 17 ms, 0.235 ms CPU per request; inline
4,342; PostgreSQL 2,736 (52.0 % of SQLite); two PostgreSQL processes on one tenant 0.86x one.
Reached in this run: p99 under 40 ms (and under the 20 ms aim), PostgreSQL at 50 % of SQLite.
NOT reached: 25 % of the bare route, two processes at 1.5x one.

**Banner answers stored unsigned; PostgreSQL's tenant keys; where the time goes on this machine**
(2026-12-04, 09:30 to 10:15; A/B runs alternate the two trees' servers, 8 s each).
- A profile of the server under the load (\`BENCH_CPU_PROF=/tmp/prof\`, the tree before these
  changes): the server thread 55 % idle, the write worker 9 % idle. The worker's own time: BEGIN and
  COMMIT 27 %, the statements 22 %, the receipt's signature 8.5 %, hashing about 8 %, planning about
  10 %, garbage collection 5 %. Counted in the worker (a temporary counter): 24.4 requests per batch
  on average; a batch costs about 1.2 ms of COMMIT (its fsync and WAL writes: the same with pages
  of 1, 2, 4 or 8 KiB, 1.13 to 1.40 ms) plus about 0.09 ms per request of reads, plan and statements.
- The banner's stored answer is now the receipt's key id and payload JSON, unsigned; the server
  thread signs the receipt as the answer goes out, and again for a retry (Ed25519 is
  deterministic: the same bytes). The stored answer went from 1,369 to 821 bytes per write, the
  whole file from 5,832 to 5,285 bytes per write (SQLite's \`dbstat\` after a 4 s run), and the
  worker no longer holds a private key. No signature at all would lift the worker's path by about
  7 % (three rounds); with the signature moved to the server thread the A/B shows no change (4,894,
  4,950 and 5,088 req/s against 5,155, 4,902 and 5,074): the two threads take turns on each half of
  the connections, so work moved from one to the other leaves the cycle as long.
- Tried and not kept: the next batch sent to the worker, or to PostgreSQL, before the previous
  one's requests are answered, with and without those answers put off to the next turn of the event
  loop (SQLite 5,243, 5,105 and 5,128 against 5,134, 5,601 and 5,464; PostgreSQL 2,601, 2,650 and
  2,609 against 2,598, 2,512 and 2,605); the worker's WAL auto-checkpoint off (5,672, 5,316 and 5,179
  against 5,307, 5,409 and 5,374).
- PostgreSQL's connection handed out at once from a list of released ones instead of through
  the pool's \`process.nextTick\`: p50 11 ms against 18, but 2,223, 2,048 and 2,147 req/s against 2,626,
  2,657 and 2,668 (0.81x) at more CPU per request: the batches go out sooner and smaller, and the
  wait they lost was what let them grow.
- More connections than the table's 50: 100 give 1.09x, 200 1.16x (p99 32 and 65 ms). The server
  is near the machine's two cores, not waiting: at 0.235 ms of server CPU per request, beside the
  load generator, two cores carry about 6,000 requests a second, and 25 % of this bare route is
  9,700, which needs about 0.14 ms of server CPU per request: 40 % less than now. The bare route's
  own cost fell five times from the last machine, the write's three times; on the last machine the
  same code was at 19.8 %.
- PostgreSQL, counted per batch of 25 (temporary counters): BEGIN 2.5 ms (the pool hands out its
  connection on \`process.nextTick\`, which waits behind the promise jobs of the answers just
  settled), the head lock 0.6, the reads 0.8, planning 0.9, the one write query 3.9, COMMIT 0.8. The
  write query checks a foreign key with a query per inserted row, about 350 per batch: with all eight
  keys of the six tables it inserts into dropped, +17 % (2,803 and 2,807 against 2,357 and 2,464).
  The four keys to \`tenants\` of the tables written only under the tenant's ledger head
  (\`consent_events\`, \`consent_state\`, \`feed_events\`, \`idempotency_keys\`) are dropped on
  PostgreSQL by a migration: the write holds the head row, whose own key keeps the tenant, and
  offboarding deletes every tenant table by name. Dropped by hand in the bench's schema: +7 % (2,619,
  2,627 and 2,682 against 2,432, 2,452 and 2,514); the migration against the tree before it, six
  rounds: 2,558 against 2,451 on average (+4.4 %). The keys to \`subjects\`, and the tenant keys of
  \`subjects\` and \`subject_visitors\` (written outside the head too), stay; SQLite keeps all of
  them (checked in-process; dropping one would rebuild the table).

**The table of the machine before** (2026-12-04, 05:28, with every change below; load 4.8 at the start from a test run
that had just ended, the machine otherwise idle; a slower machine than the day before's: the bare
route did 8,233 req/s at 0.107 ms CPU per request, against 12,290 to 19,312 and 0.038 to 0.050):
the write worker 1,629 req/s, 19.8 % of the bare route, p99 52 ms, 0.764 ms CPU per request;
inline 1,327; PostgreSQL 838 (51.4 % of SQLite); two PostgreSQL processes on one tenant 0.89x one.
The run at 04:46, before the external-id index and PostgreSQL's prepared statement (receipts
already signed with libsodium): bare 7,729, the worker 1,530 (19.8 %, p99 55 ms, 0.819 ms CPU per
request), PostgreSQL 744 (48.6 %), two processes 0.89x. NOT reached: 25 % of the bare route, p99
under 40 ms, two processes at 1.5x one.

**Receipts signed with libsodium; the head once per batch; where the worker's time goes**
(2026-12-04, a later session, this machine; A/B runs alternate the two trees' servers, 8 s each).
- Counted with a temporary counter (not kept): the worker's batches held 24.7 requests on average
  (p50 24, p90 30: about half the 50 connections) and took it 13 to 19 ms. Per request, inside the
  transaction: reads 0.02 to 0.03 ms, planning 0.30 to 0.37 (of which the receipt's signature 0.10 to
  0.14), statements 0.19 to 0.23; then COMMIT 0.11 to 0.14. The worker was 7 to 9 % idle: it is the
  serial part of the path.
- An Ed25519 signature from node:crypto costs 67 µs on this machine (it sets up a new OpenSSL 3
  signing context at every call), from libsodium 38 µs, the same bytes (Ed25519 is deterministic). Receipts are now
  signed with libsodium through sodium-native, a prebuilt addon (server/services/ledger/ed25519.ts;
  node:crypto where the addon does not load). A/B, three rounds: 1,611, 1,582 and 1,730 req/s against
  1,474, 1,506 and 1,647 (+6.4 %), 0.735 to 0.831 ms CPU per request against 0.828 to 0.871. For
  scale, no signature at all: 1,713 and 1,733 against 1,571 and 1,529 (+11 %).
- The SQLite writer read the tenant's head before, and updated it after, every request of a batch;
  now it does both once per batch (the head is kept in the writer for the batch and put back when a
  request's savepoint is undone). A/B, three rounds: 1,587, 1,623 and 1,588 req/s against 1,493,
  1,615 and 1,559 (+2.8 %).
- The worker's code alone, in one process on one thread with no HTTP (batches of 25 on a fresh file,
  a temporary script): 530 to 565 µs per write. The statements take 159 µs (the subject 22, its
  visitor link 10, three events 54, three state rows 46, the feed event 15, the stored answer 12),
  COMMIT about 100 (with \`synchronous=OFF\`, not an option, 18 % less time per write), the signature
  36, planning and hashing the rest.
- The unique index on a subject's external id held an entry for every banner visitor (who has
  none): 3.4 MB per 100,000 subjects, about 340 MB at ten million, and one more index insertion per
  new visitor. It now holds only subjects with an external id (a migration; the one upsert on it
  names the index's predicate). In the single-thread loop: 2.4 % less time per write (four rounds);
  too little to show in the server's runs, kept for the index's size.
- PostgreSQL: the batch's one query (its rows as arrays, so its text is the same for every batch
  of one shape) is now a named prepared statement on each connection
  (server/db/prepared-statements.ts), parsed and planned once per connection instead of once per
  batch. A/B alternating, PostgreSQL only, three rounds: 725, 794 and 794 req/s against 707, 775 and
  731 (+4.5 %), 0.94 to 1.09 ms CPU per request against 0.96 to 1.05.
- All of the above together, the tree before them (ec6870f) against the one after, alternating,
  three rounds each: SQLite 1,719, 1,604 and 1,652 req/s against 1,503, 1,528 and 1,551 (+8.6 %),
  20.4 % of each run's own bare route on average against 19.1 %, 0.74 to 0.80 ms CPU per request
  against 0.83 to 0.87; PostgreSQL 785, 785 and 782 against 777, 757 and 757 (+2.6 %).
- Tried and not kept, A/B on the server: the consent tables \`WITHOUT ROWID\` (each row kept in its
  primary key's b-tree, one b-tree fewer per row): all five 0.91x, as the feed events and the stored
  answers are rows of 0.6 to 1 kB; \`consent_state\`, \`consent_events\` and \`subject_visitors\` alone
  0.99x over four rounds, although in the single-thread loop above they took 6 % off each write.
  Foreign keys off on the worker's connection (to learn the checks' cost): 1.02x. A 64 MB page cache
  for the worker instead of 2 MB: 1.07x in one series, 0.99x in the next (2.4 % less in the loop).
- What that leaves (the 04:46 run): at 0.82 ms of server CPU per request, and at most 0.145 for
  the load generator (what it can take beside the bare route), two cores carry at most about 2,070
  requests a second; the run reached 1,530. 25 % of this bare route is 1,930: about 0.2 ms less work per request in
  all, which no single step measured here holds. The work per consent (ten rows, three chained
  events, one signed receipt, a fsync per batch) shrinks further only with a change of format (one
  ledger row per request).

**The table of 2026-12-03, 19:05** (load 1.9 at the start, the machine otherwise idle, in a slow hour
of this VM: the bare route did 12,290 req/s at 0.050 ms CPU per request, against 19,312 and 0.038 at
16:11): the write worker 2,307 req/s, 18.8 % of the bare route, p99 44 ms; inline 1,972; PostgreSQL
1,353 (58.6 % of SQLite); two PostgreSQL processes on one tenant 0.79x one. Nothing on the banner's
write path changed since 16:11 (the table's runs have the rate limits off): the ratios move with the
machine. NOT reached: 25 % of the bare route, p99 under 40 ms in this run (28 ms at 16:11), two
processes at 1.5x one.

**The table at 16:11** (2026-12-03, load 0.6 at the start, the machine otherwise idle): the write
worker 3,363 req/s, 17.4 % of the bare route's 19,312, p99 28 ms; inline 2,813; PostgreSQL 1,660
(49.4 % of SQLite); two PostgreSQL processes on one tenant 0.82x one. The bench's requests now carry
a browser's \`Accept-Encoding\`; with it, the tree before the compression change below (d33e6e7) did
1,324 and 1,459 req/s at 1.03 to 1.11 ms CPU per request (7.5 and 7.9 % of the bare route in the
same runs): every browser's choice had cost twice what the tables before said. NOT reached: 25 % of
the bare route, PostgreSQL at 50 % of SQLite (49.4 %; 48.1 % in a run at 16:05), two processes at
1.5x one. p99 under 40 ms is reached in these runs (28 and 30 ms).

**With the rate limits counting** (2026-12-03: the table's runs use \`AKKOORD_RATE_LIMITS=off\`).
The same load with the limits on but set too high to refuse anything
(\`BENCH_RATE_LIMITS='{"publicPerIp":"100000000/60","publicPerKey":"100000000/60"}' npm run bench -- consents\`).
At 17:20, one run each: SQLite 2,052 req/s against 2,164 with the limits off (its counters are in the
process's memory); PostgreSQL 558 req/s against 1,061, 1.33 ms CPU per request against 0.71: every
public request upserted two counter rows (per address and per public key, rate-limiter-flexible's
PostgreSQL store, so that several server processes share the limits), and the per-key row is one
row that all of a tenant's visitors update. Now (server/rate-limit-tally.ts) the two public limits
count in the process and send their counts in batches: a hit is decided from the shared count read
at most 200 ms before plus the process's own hits since, and the first hit after that carries the
unsent hits to the store and brings back every process's count (exact within a process; a key hit
less often than every 200 ms is counted in the store each time; across processes a flood can pass a
public limit by what the others admitted in those 200 ms). The limits against guessing (logins,
secret keys, the admin token) still count every attempt in the store, and hits not sent with a
later one are sent 200 ms after they were admitted. A/B at 18:20, alternating, limits on: PostgreSQL
1,109 and 920 req/s against 619 and 643 before; two processes 980 and 875 against 480 and 540. The
final version at 18:53, limits on: SQLite 2,544 req/s, PostgreSQL 1,330 (52 % of SQLite, 0.535 ms
CPU per request), two processes 1,101.

**A browser's answer went through zlib** (2026-12-03, afternoon). The consent API's answer (the
consent id, the receipt and the state: 1,043 bytes) was just over the 1 KiB compression threshold.
For every request with \`Accept-Encoding: gzip\`, which is every browser, the compression middleware
read it back (which turns @hono/node-server's lightweight answer into a web Response and a stream)
and gzipped it on zlib's thread pool, to save 255 bytes: about half a millisecond of CPU per answer.
Now (server/middleware/compression.ts) status and headers are checked before the body is touched;
answers are compressed from 1,400 bytes on (about one TCP segment); bodies up to 32 KiB are gzipped
synchronously (0.1 ms for a kilobyte; with the consent answer still compressed that way: 2,476 req/s
and 0.49 ms CPU per request against 1,450 and 1.0 through the pool); and the consent route gives its
answer's Content-Length, so the middleware need not read it to learn its size. A/B in turn
(\`--no-write\`): with \`Accept-Encoding\`, 1,459 and 1,324 req/s before against 3,202 (the threshold
alone) and 3,363 after; without it (the bench's requests before), the worker 3,158 and 2,972 against
3,111 and 3,192, and the inline writer, which runs on the event loop, 2,365 and 2,416 against 2,721
and 2,708 (13 % more at 13 % less CPU per request: reading the body had built a web Response per
answer). test/server/http-delivery.test.ts checks that the consent answer goes out plain with its
length.

**What the write must cost for 25 %** (2026-12-03, afternoon, each measured in a run of its own).
The same app answering 201 right after validation and the tenant lookup, writing nothing (a local
change, not kept): 6,973 req/s, 41.6 % of the bare route, 0.147 ms CPU per request. The whole write
path adds about 0.21 ms (0.363 in the table). At 25 % of the bare route (about 4,800 req/s here) the
server could use at most about 1.3 of the two cores (autocannon takes the rest), about 0.27 ms per
request: the write would have to cost 0.12 ms instead of 0.21. A profile of the worker thread
(\`BENCH_CPU_PROF\`, before the compression change): COMMIT 26 % (the WAL writes, the fsync,
checkpoints), the statements 16 %, Ed25519 signing 9 %, GC 8 %, planning and hashing about 12 %,
idle 19 %; the main thread 35 % idle, of the rest GC 7 % and the messages to the worker 5 %. Tried
and not kept: the fsync off the worker's path (the worker's connection at \`synchronous=NORMAL\`, an
\`fdatasync\` of the WAL file on libuv's thread pool after each COMMIT, the batch's answers released
after it and the next batch written meanwhile): 2,294 and 2,763 req/s against 2,540 and 2,889 in
turn, no gain on this disk. What is left is the work per decision (below: one ledger row per
request), a receipt signed per batch, or fewer indexes.

**PostgreSQL's batch, as PostgreSQL saw it** (2026-12-03, afternoon: one short run with
auto_explain logging every statement over 8 ms with its trigger times, switched off again after).
A batch of 45 consents' one query took 8 to 14 ms (once 33, once 40). Its inserts took about 4 ms
(135 events 0.7 to 1.3 ms, 135 state upserts about 1 ms, 45 rows each for subjects, visitor links,
feed events and answers 0.2 to 0.8 ms, the 585 foreign-key checks 2 ms), and in nearly every batch
one insert took 4 to 5 ms longer than its rows warrant, a different table each time, or 30 ms once:
the length of a scheduler time slice. Two cores are shared by autocannon, the server's two threads,
PostgreSQL's backends and its WAL writer (vmstat: 35 to 39 % idle over the run), and the backend
that holds the tenant's head row is preempted while it holds it. The same 135-row upsert in psql,
alone: 1.5 ms. Tried and not kept: two batches of one tenant in flight (the second waiting for the
head inside PostgreSQL, so no gap between batches): 1,510 and 1,486 req/s against 1,550 and 1,488.
This is also why two processes do 0.82x one here: more runnable threads for the same two cores and
the same row.

**Checkpoints and the tail; PostgreSQL's statements per batch** (2026-12-03, 20:40, a later
session). The write worker's connection without automatic checkpoints (the WAL grows for the run:
the most that moving checkpoints to a thread of their own could give the tail), A/B alternating
(\`--no-write\`, SQLite only, 20:41): p99 31 and 45 ms against 34 and 31 with them, 3,098 and 2,181
req/s against 2,926 and 3,102 (the bare route 18,334 and 12,576 against 15,400 and 17,744): no
signal above this VM's swings, so no checkpoint thread was built. PostgreSQL's log of a batch of
three banner consents (\`log_statement = 'all'\` for one run): BEGIN, the head read \`FOR UPDATE\`,
one read of the batch's visitors and their subjects, one statement writing every table, COMMIT;
nothing left to merge on that side.

**Where the cores go; receipts signed on the event loop** (2026-12-03, 23:00, a later session).
A CPU profile of each thread of the app under this load (\`BENCH_CPU_PROF=folder npm run bench --
consents --no-write\`): the write worker spent 30 % of its time in COMMIT (the synchronous=FULL
flush, waiting on the disk), 18 % running the statements, 27 % planning (9 % signing receipts, 9 %
chaining and hashing events), 8 % collecting garbage and 10 % idle; the event loop was 49 % idle,
its work spread over Hono, the middleware, validation and socket writes (no function above 5 %).
vmstat over one run at 3,220 req/s: 59 % user, 14 % system, 22 % idle, 5 % waiting on the disk,
which wrote 85 MB/s (WAL frames and checkpoints, about 26 kB per request); autocannon took 0.14 ms
of CPU per request beside the server's 0.38. Moving the receipts' signatures from the worker to
the event loop (the worker stores the receipt's signing input and the event loop signs it before
answering; Ed25519 signatures are deterministic, so a replay would carry the same bytes), as a
temporary change, A/B alternating (SQLite, 8 s runs): 2,925, 2,852 and 2,793 req/s against 3,117,
3,109 and 2,735 without it, so it was not built. With no signature at all, the most any move of
that work could give: 3,538, 3,062 and 3,050 against 3,090, 2,827 and 2,742 (+10 %). Shifting work
between the two threads does not pay here; the ratio needs less work per request in all, the
event loop's share (0.2 ms) included: one ledger row per request, fewer index entries per decision,
and leaner middleware on this route.

**The table at 11:49** (2026-12-03, load 1.4 at the start, the machine otherwise idle): the write worker 1,913 req/s, 12.4 % of the
bare route's 15,432, p99 53 ms; inline 1,371; PostgreSQL 805 (42.1 % of SQLite); two PostgreSQL
processes on one tenant 0.84x one. A run just after (\`--no-write\`, load 1.7, the bare route at 10,590):
13.1 %, p99 78 ms, PostgreSQL 52.6 %, two processes 0.84x. The SQLite path did not change since the
morning's table below (15.0 %, p99 36 ms): this machine's speed, its disk flushes above all, moves
by the hour. NOT reached: 25 % of the bare route, p99 under 40 ms in these runs, PostgreSQL at 50 %
of SQLite in every run (42.1 % and 52.6 %), two processes at 1.5x one; what limits each is below.

**PostgreSQL: one query per batch, rows as arrays** (2026-12-03, the afternoon; this machine was
slower than in the morning: the bare route did 9,000 to 15,000 req/s instead of 18,000, so compare
ratios within a run). Timed per batch with a temporary counter (not kept), a batch of
about 25 requests held the tenant's head for about 30 ms: 2 ms to take it, 2.4 to read, 4.4 to
plan (the chain hashes and the receipts' signatures), 14.7 to run the eight statements, the rest
the COMMIT. PostgreSQL's own log (\`log_min_duration_statement = 0\` for one run) put the
statements' parse and plan at 3.4 ms of that and their execution at 4.8: most of the time went to
statements whose text and parameters grew with the batch (a parameter per cell, thousands a batch).
Two changes, each against the tree before it, taken in turn (\`--no-write\`):
1. All the statements of a batch in one query, as data-modifying WITH clauses (one round trip, one
   parse; db/kysely-consent-writer.ts): one process 346 (a disturbed run) and 606 req/s against 440
   and 591, two processes 440 and 615 against 293 and 508, server CPU per request with two
   processes 2.26 and 1.63 ms against 2.46 and 1.93. Kept.
2. Each table's rows as one array per column, turned back into rows by \`unnest\`, so the query's
   text and its few dozen parameters are the same for one row or hundreds: PostgreSQL at 49.5 and
   49.9 % of the SQLite path's rate in its run, against 43.8 and 41.0 %; the statement 14 ms a batch
   instead of 17. Kept. The conformance suite's user agent now holds quotes, a backslash, braces,
   commas and NULL, so the arrays' escaping is checked byte for byte against the SQLite writers.
Tried and not kept: the PostgreSQL batches in a worker thread like SQLite's (its own pool, so no
request parsed on the event loop sits between a batch's round trips while it holds the head): 529
(a disturbed run) and 715 req/s against 678 and 647, two processes 520 and 570 against 423 and 583,
no gain; timed in the worker, the batch's one statement still took 17 ms. On two cores the head's
window is PostgreSQL's work and the CPU that the event loop, the database and the load generator
share, not waiting for the event loop. Two processes on one tenant stay at 0.8 to 1.0x one: the
head row orders every batch of a tenant, each process gets the row half the time with half the
batch, and the machine has no third core for the second process (vmstat during the run: about 55 %
busy with one process, 75 % with two). What would make a second process help is still what the
paragraph on two processes below says: a head held for less than the transaction (a sequencer) or
each tenant's writes sent to one process.

**The table before** (2026-12-03, 09:40, load 2.8 at the start, the machine otherwise idle): the write
worker 2,695 req/s, 15.0 % of the bare route's 18,022, p99 36 ms; inline 2,437; PostgreSQL 1,318
(48.9 % of SQLite); two PostgreSQL processes on one tenant 0.61x one. A run just after (\`--no-write\`):
14.9 % (2,641 req/s, p99 36 ms), PostgreSQL 982 (37.2 %), two processes 0.85x: the PostgreSQL rows
move most from run to run. The same bench that morning on the tree before the two new keys (below):
12.5 % (2,354 req/s, p99 40 ms), PostgreSQL 39.7 %. NOT reached: 25 % of the bare route, PostgreSQL
at 50 % of SQLite (once 48.9 %, once 37.2 %), two processes at 1.5x one; p99 under 40 ms is reached in
these runs (36 ms); what limits each is below.

The table before (earlier on 2026-12-03, load 3.3 at the start, the machine otherwise idle): the write worker 1,701
req/s, 10.0 % of the bare route's 17,076, p99 53 ms; inline 1,461; PostgreSQL 690 (40.6 % of SQLite);
two PostgreSQL processes on one tenant 0.98x one. An exploratory run just before (\`--no-write\`, load
1.8): bare 19,108, the worker 2,075 (10.9 %, p99 43 ms), inline 1,561, PostgreSQL 868 (41.8 %), two
processes 0.98x. NOT reached: 25 % of the bare route, p99 under 40 ms, PostgreSQL at 50 % of SQLite,
two processes at 1.5x one; what limits each is below.

**Where a batch's time goes, and two keys made ordered** (2026-12-03, an idle machine, load about 1).
The worker thread was timed per batch for a while (a temporary counter, not kept): it was busy 86 % of
the time, with batches of about 24 requests (the 50 connections split between the batch being written
and the next), about 8.9 ms a batch. With two batches in flight the batches shrank to 16 and took
6.7 ms: a batch costs a fixed 3 ms or so (BEGIN, the head, the COMMIT with its fsync, about 1.8 ms on
this disk under strace, and the messages) plus about 0.23 ms per request. The server process used 1.1
to 1.2 of the 2 cores (the worker thread 68 % of one, the event loop 38 %, V8's helper threads 11 %),
autocannon 15 %: the limit is the worker's one-batch-after-another, not the CPU in all. Writes per
request: 3.8 pages in the WAL, two of them on random pages of two primary keys (the stored answer's
owner was the visitor's hash, and so is the visitor link's key); the disk took 120 MB/s.
Experiments, each against the unchanged tree in the same series (\`--no-write\`, SQLite only), not kept
unless said: \`synchronous=NORMAL\` (no fsync at COMMIT) 2,621 req/s against 2,167 with FULL; \`OFF\`
3,077; \`OFF\` and no checkpoints in the worker 3,282 (17 % of the bare route): even without any fsync
the per-request work keeps the SQLite path under 25 %. A larger page cache (64 MB) and \`mmap_size\`
changed nothing (2,402 and 2,418 against 2,432). Checkpoints of 10,000 pages instead of 1,000: 8 % and
6 % more writes in two pairs, but p99 51 and 54 ms (a 40 MB checkpoint stalls a batch). A time-ordered
answer owner (a timestamp prefix, as a test): 15 % more writes in two pairs. Kept, made real: a banner
write's stored answer is now owned by the visitor's subject (\`b:<subject id>\`, subject ids ordered by
creation time), so new answers go to the end of the key's index (services/idempotency.ts; the writers
read the subject, then the answer; a migration moves the answers stored before). A/B against the tree
before, alternating, with PostgreSQL: SQLite 2,661 and 2,963 req/s against 2,513 and 2,443 (14.6 and
15.5 % of the bare route against 12.5 and 11.8 %), p99 37 and 32 ms against 37 and 44; PostgreSQL
1,015 and 1,154 against 1,026 and 975. Then the visitor link's key too: the widget's new visitor ids start
with the time they were made (\`v_\` + 12 hex digits of milliseconds + 128 random bits) and the server
keeps that time in front of the id's hash (services/subjects/subjects-core.ts; ids without it hash as
before), so a new visitor's link goes to the end of its index. A/B against the tree just before,
alternating (\`--no-write\`, SQLite): 2,864 and 2,931 req/s against 2,528 and 2,766, p99 33 and 32 ms
against 37 and 36. Levers left, by this: the fsync could leave
the worker's path (COMMIT with \`synchronous=NORMAL\` and an fsync of the WAL from another thread before
any answer: the same promise, no answer before its batch is on disk; the NORMAL row above is what it
would give) but is not done, as this work keeps \`synchronous=FULL\` and such a change needs its own
power-loss test; signing on the main thread after the commit (8 % of the worker); and for the rest the
per-request work itself (statements 16 % of the worker, signing 8 %, hashing and planning 7 %, GC 7 %).

**The SQLite write in a worker thread** (2026-12-02, evening). On a SQLite file the banner's
group-commit batches now run in a worker thread with a connection of its own
(services/consent/banner-write-worker.ts, banner-write-client.ts): the batch's reads, the plan, the
receipts' signatures, the statements and the COMMIT with its fsync (\`synchronous=FULL\` kept), while
the event loop parses and validates the next requests. A batch is one message each way; no answer
before the worker says the batch committed (test/server/crash-durability.test.ts, one of its rounds
on the built server). The batch holds Kysely's connection meanwhile, so the server's own
transactions on the file wait for it as they waited for an inline batch. The profile before
(\`BENCH_CPU_PROF=/tmp/prof\`, main thread, self time, load 1.5, 1,350 req/s, 13.2 % of the bare
route, p99 95 ms, 0.75 ms CPU per request): the COMMIT 21 % (native, fsync included), the statements
11 %, GC 7 %, Ed25519 signing 5 %, planning and hashing 5 %, idle 6 %: the event loop was the limit.
After (load 3.4): the main thread is 38 % idle, the worker 12 % (COMMIT 28 %, statements 16 %, signing
7 %, planning and hashing 9 %, GC 6 %, messages 4 %): the worker is now the limit, and the main thread
waits for it. A first version that planned and signed on the main thread and only wrote in the worker
(three messages per batch) left both threads waiting on each other (main 30 %, worker 54 % idle) and
was dropped.
A run on 2026-12-02 (load 5 falling to 3.7, the machine quieter than all day): the worker 1,803 req/s,
p99 52 ms, 0.64 ms CPU per request; inline 1,672 req/s, p99 61 ms, 0.55 ms: 8 % more writes, a
sixth lower p99, a sixth more CPU (the messages, a second heap). Before, from 20:30 on, other
engineers' browser tests kept the load at 8 to 21 on 2 cores, and one configuration moved by 3x
between runs. Paired runs, alternating, req/s worker/inline: 393/370 (load 8), 758/729 (load 11),
164/117 and 161/78 (load 18), 579/293 (load 14–21), 132/169 (load 16), 261/338 (load 20), 306/408
(load 14), 105/112, 151/58 and 59/97 (load 18), 912/568 (load 21 to 9): the worker ahead in 7 of 12,
and so was its p99 (runs before 21:20 could still count the worker's start in the measured time;
since then one write is answered first). Kept: a gain where a core is free for it, and the fsync no
longer stops the event loop. The inline writer stays for in-memory databases and for this comparison
(createStore's \`consentWrites\`). PostgreSQL did 46.0 % of the worker's rate, 49.6 % of the inline one.
NOT reached: 25 % of the bare route (10.1 %; the bare route did 17,853 req/s in this quiet run, three
times its rate under load) and p99 under 40 ms (52 ms). What limits it is the worker's CPU and its
fsync: one thread plans, signs, writes and commits every batch, and does nothing while the fsync
waits. Next levers, by this profile: sign on the main thread after the commit (Ed25519 is
deterministic, so a replay's answer could be signed again from a stored payload: 7 % of the worker),
plan the next batch while the last one's fsync runs (a third thread, or the plan back on the main
thread against an in-memory view of the batches not yet committed), and fewer rows per write (one
ledger row per request: a third of the statements and hashes; the idempotency answer stored
compactly: a third of the bytes written).

**PostgreSQL: a visitor linked meanwhile** (2026-12-02). A tool's PUT /v1/subjects with visitorIds
links a visitor without the tenant's ledger head; a banner consent for that visitor that read no link
then met the other transaction's unique key on subject_visitors and answered 500 when it was alone
in its batch. It now runs again (up to three times) and records on the linked subject
(test/server/consent-visitor-link-race.test.ts, both databases; failed on PostgreSQL before).

**Two server processes on one PostgreSQL database** (2026-12-02). NOT reached: two processes did
0.71x one in that run (589 against 830 req/s, 25 connections each against 50), and 0.71x,
0.88x and 0.45x in three earlier runs at load 14–21. Profiles of the server processes
(\`BENCH_CPU_PROF\`, load 14–21): one process is 46 % idle, each of two 67 %: they wait for the
database, not for CPU. Each batch takes the tenant's head row (\`SELECT ... FOR UPDATE\`) first and holds it through its
ten or so round trips and its COMMIT (the WAL flush), so the two processes only take turns on that
row, each with half the batch, paying more commits for the same writes. What would make a second
process help: holding the head for less than the transaction, e.g. positions handed out at commit
by a sequencer (events written without seq and hash, then one short step per tenant that chains
them in order, the feed following that order so it stays exactly-once), or, cheaper and without a
design change, sending each tenant's writes to one process (sticky by tenant at the proxy), so that
several processes serve several tenants. Not done: a design change to the ledger, beyond this round.

**One write path, set-based on PostgreSQL** (2026-12-02). Every consent write is now a read, a pure
plan of every row (services/consent/consent-write-plan.ts) and a writer that writes the plan: SQLite through
prepared statements, PostgreSQL through Kysely. On PostgreSQL a group-commit batch of one tenant is
one transaction that locks the head once (\`SELECT ... FOR UPDATE\`), reads the batch's answers,
subjects and state in one statement per table, plans every request in memory and writes one multi-row
statement per table and the head once: about ten round trips per batch instead of ten per request,
and one head update per transaction instead of four per consent. In a run that day (load 10 at the start) PostgreSQL
answered 450 req/s at 1.12 ms server CPU per request, 53.9 % of SQLite's 835 (SQLite 15.4 % of the
bare route's 5,423). The tree before this change (cec217e, each request's statements one after
another under the head lock), measured with the same bench file a minute earlier at load 12: PostgreSQL
35 req/s at 8.5 ms CPU per request, 15.4 % of its SQLite (227 req/s); in an earlier run at load 18 the
new tree did 123 req/s on PostgreSQL, 98 % of SQLite's 126. On this machine, shared by several
engineers' test runs, SQLite's rate is set mostly by how long its fsync waits (p99 up to 4.6 s in the
loaded runs), so the ratios move from run to run; not measured: two server processes on one database.

**Before/after, same machine, same hour** (2026-11-29, idle, load about 1): the tree before this
round of work (commit ae91ec3) answered 522–530 req/s at 1.84–1.87 ms server CPU per request, p99
150–161 ms; now 941 req/s at 1.02 ms, p99 82 ms (that day's table): 1.8 times the throughput, the bare route
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
**The table** (2026-12-04, 10:26, on a faster machine than 2026-12-03's; load 1.7 at the start,
the machine otherwise idle): consent writes at 1 M ledger rows ran at 100 % of the empty store's
rate and at 10 M rows at 101 % (CPU per request 98 % of the empty store's at both; p99 19 to 20
ms): the target, within 20 % at 10 M, is reached. Since 2026-12-03 the banner's stored answer is
unsigned (821 bytes a write instead of 1,369). The audience: 157,740 subjects/s, under the 200,000
target, for the reason below.

**Writes as the store grows** (the table of 2026-12-03, load 1.2 at the start, the machine otherwise
idle). At 1 M ledger rows consent writes ran at 107 % of the empty store's rate, at 10 M at 91 %
(CPU per request 91 %): the target, within 20 % at 10 M, is reached (it was 72 % on 2026-11-29).
What changed between: the keys every write adds to are now ordered by time, so a new write appends
to the end of each index instead of reading and dirtying a random page of it: subject ids, the
stored answer's owner (the subject, \`b:<subject id>\`) and the visitor link (the widget's ids carry
their time, and the server keeps it in front of the hash). The bulk store's 3.3 M visitor links at
10 M rows are hashed without a time, as a store's links made before the change are, so new links
append after them. The 10 M store takes 5 to 10 minutes to build (13 GB), so it is built only with
\`BENCH_GROWTH_10M=1\`.

**Audience: NOT reached since the recipient log.** 104,000 subjects/s at 1 M subjects on 2026-12-03 (with a
\`feed:read\` key, nothing decrypted), under the 200,000 target; it was 237,000 on 2026-11-29. Since
then every audience pull logs each person in it as disclosed to the key (the Art. 19 recipient
log, services/registers/disclosures.ts): one upsert per person per pull, written before the batch
is sent. Measured the same hour: the current tree 104,000 (the table of 2026-12-03) and 101,000 subjects/s; with the log
switched off for a test (not kept) 375,000; the tree of 2026-11-29, before the log, 511,000.
A CPU profile of the server during the pull: 64 % in the SQLite statements (mostly the 1,000-row
upserts into disclosures, keyed by tenant, subject, recipient and categories), 15 % in Kysely
building them. Writing a batch's disclosures in one transaction (one flush instead of five) did not
change the rate (96,000): the cost is the rows, not the flushes. What would: a log whose rows do not
grow with the audience on every pull, e.g. one row per pull and recipient with the range of
subject ids it covered, expanded to per-person entries only when a person asks (GDPR-36 reads it
per person); not done, as it changes the register's model.
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
    name: 'widget-vs-vanilla',
    run: async () => (await import('./widget-vs-vanilla.js')).runWidgetVsVanillaBench(),
    write: async (rows) =>
      (await import('./widget-vs-vanilla.js')).writeWidgetVsVanillaSection(rows),
  },
  {
    name: 'feed',
    run: async () => (await import('./feed.js')).runFeedBench(),
    write: async (rows) => (await import('./feed.js')).writeFeedSection(rows),
  },
  {
    name: 'growth',
    run: async () => (await import('./growth.js')).runGrowthBench(),
    write: async (rows) =>
      writeSection('Growth', (await import('./growth.js')).GROWTH_INTRO, rows, GROWTH_NOTES),
  },
  {
    name: 'insights',
    run: async () => (await import('./insights.js')).runInsightsBench(),
    write: async (rows) => {
      const { INSIGHTS_INTRO, INSIGHTS_NOTES } = await import('./insights.js');
      writeSection('Insights', INSIGHTS_INTRO, rows, INSIGHTS_NOTES);
    },
  },
  {
    name: 'startup',
    run: async () => (await import('./startup.js')).runStartupBench(),
    write: async (rows) => (await import('./startup.js')).writeStartupSection(rows),
  },
  {
    name: 'lighthouse',
    run: async () => (await import('./lighthouse.js')).runLighthouseBench(),
    write: async (rows) => (await import('./lighthouse.js')).writeLighthouseSection(rows),
  },
  {
    name: 'lighthouse-console',
    run: async () => (await import('./lighthouse-console.js')).runConsoleLighthouseBench(),
    write: async (rows) =>
      (await import('./lighthouse-console.js')).writeConsoleLighthouseSection(rows),
  },
  {
    name: 'write-trace',
    run: async () => (await import('./write-trace.js')).runWriteTraceBench(),
    write: async (rows) => (await import('./write-trace.js')).writeWriteTraceSection(rows),
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
  console.error(
    `unknown bench ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
for (const bench of benches.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  const rows = await bench.run();
  console.table(rows);
  await bench.write(rows);
}
