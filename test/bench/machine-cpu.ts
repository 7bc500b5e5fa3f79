// Where the machine's CPU went during a measured run: the whole machine (/proc/stat),
// PostgreSQL's processes (/proc/<pid>/stat) and this process, the load generator. With the
// server's own CPU it shows whether a run was limited by the cores or by waiting: a second
// server process can only add throughput where the first left cores idle. Linux only;
// elsewhere a sample is null and the bench leaves the rows out.
import fs from 'node:fs';

/** /proc reports CPU time in clock ticks of 1/100 s on Linux (USER_HZ). */
const TICK_MS = 10;

export interface CpuSample {
  at: number;
  machineBusyMs: number;
  postgresMs: Map<number, number>;
  loadGeneratorMs: number;
}

/** Cores kept busy, on average, between two samples. */
export interface CoresBusy {
  machine: number;
  postgres: number;
  loadGenerator: number;
}

export function sampleCpu(): CpuSample | null {
  let stat: string;
  try {
    stat = fs.readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  // cpu user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
  const [user, nice, system, , , irq, softirq, steal] = stat
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    machineBusyMs: (user + nice + system + irq + softirq + (steal ?? 0)) * TICK_MS,
    postgresMs: postgresCpuMs(),
    loadGeneratorMs: (usage.user + usage.system) / 1000,
  };
}

export function coresBusyBetween(before: CpuSample, after: CpuSample): CoresBusy {
  const wallMs = after.at - before.at;
  let postgresMs = 0;
  // A backend started during the run counts from zero; one that ended during it is missed
  // (the servers' pools keep theirs for the whole run).
  for (const [pid, ms] of after.postgresMs) postgresMs += ms - (before.postgresMs.get(pid) ?? 0);
  const cores = (ms: number) => Math.round((ms / wallMs) * 100) / 100;
  return {
    machine: cores(after.machineBusyMs - before.machineBusyMs),
    postgres: cores(postgresMs),
    loadGenerator: cores(after.loadGeneratorMs - before.loadGeneratorMs),
  };
}

/** CPU time of every process named postgres, by pid (a connection's backend is one). */
function postgresCpuMs(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process ended while we looked
    }
    // pid (comm) state ...: comm may hold spaces, so the fields are counted after its ')'.
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
    const fields = stat.slice(close + 2).split(' ');
    // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after comm.
    byPid.set(Number(entry), (Number(fields[11]) + Number(fields[12])) * TICK_MS);
  }
  return byPid;
}
