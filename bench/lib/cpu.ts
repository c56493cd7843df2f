// CPU time used by each process of a benchmark, read from /proc (Linux). Unlike throughput,
// CPU per unit of work hardly changes when something else shares the machine, so it is the
// figure to compare between runs.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of one process, or 0 if it is gone. */
export function cpuSecondsOfPid(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of every process whose command name is `comm` (postgres, redis-server). */
export function cpuSecondsOfComm(comm: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) total += cpuSecondsOfPid(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

export type CpuSnapshot = Record<string, number>;

/** Local TCP ports of the sockets the given processes hold open (from /proc/<pid>/fd and /proc/net/tcp). */
function localPortsOf(pids: number[]): Set<number> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m) inodes.add(m[1]!);
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      // exited
    }
  }
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9]!)) ports.add(Number.parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/**
 * Postgres is shared with everything else on the machine: only the backends serving our
 * processes' connections count (matched by client port, "postgres: user db 127.0.0.1(port)").
 * The server's own background processes (WAL writer, checkpointer, autovacuum) serve everyone
 * and are reported apart, outside the total.
 */
function postgresCpu(ourPids: number[]): CpuSnapshot {
  const ports = localPortsOf(ourPids);
  const snap: CpuSnapshot = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const port = /\(\s*(\d+)\)/.exec(cmd)?.[1];
      if (port && ports.has(Number(port))) snap[`postgres#${entry}`] = cpuSecondsOfPid(Number(entry));
      else if (!port && !cmd.includes('-D ')) snap[`~postgres shared#${entry}`] = cpuSecondsOfPid(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return snap;
}

/**
 * Snapshot of the named child processes, our Postgres backends, and Redis: the named `redis`
 * child when the bench runs its own, else every redis-server on the machine (shared).
 */
export function snapshotCpu(children: Record<string, number>): CpuSnapshot {
  const snap: CpuSnapshot = {
    ...postgresCpu([process.pid, ...Object.values(children)]),
    ...(children.redis ? {} : { 'redis (shared)': cpuSecondsOfComm('redis-server') }),
    'load generator': cpuSecondsOfPid(process.pid),
  };
  for (const [name, pid] of Object.entries(children)) snap[name] = (snap[name] ?? 0) + cpuSecondsOfPid(pid);
  return snap;
}

/** One line: CPU ms per unit of work for each process between two snapshots. */
export function cpuPerUnit(before: CpuSnapshot, after: CpuSnapshot, units: number, unitName: string): string {
  // Per-process keys (`postgres#123`) add up under their name; `~` marks shared, outside the total.
  const byName = new Map<string, number>();
  for (const key of Object.keys(after)) {
    const name = key.split('#')[0]!;
    byName.set(name, (byName.get(name) ?? 0) + after[key]! - (before[key] ?? 0));
  }
  const parts = [...byName].map(([name, s]) => ({ name, ms: (s * 1000) / Math.max(units, 1) }));
  const total = parts.filter((p) => !p.name.startsWith('~')).reduce((sum, p) => sum + p.ms, 0);
  const line = parts.map((p) => `${p.name.replace('~', '')} ${p.ms.toFixed(2)} ms`).join(', ');
  return `CPU per ${unitName}: ${line}; total ${total.toFixed(2)} ms (without the shared ones)`;
}

/** CPU seconds per second of each process while nothing is offered (timers, polls, pings). */
export function idleRates(before: CpuSnapshot, after: CpuSnapshot, seconds: number): CpuSnapshot {
  return Object.fromEntries(Object.keys(after).map((name) => [name, (after[name]! - (before[name] ?? 0)) / seconds]));
}

/**
 * Like cpuPerUnit, less what each process would have spent idle over the same time: at a light
 * load the idle cost, spread over few orders, would otherwise dominate the figure.
 */
export function cpuPerUnitNetOfIdle(
  before: CpuSnapshot,
  after: CpuSnapshot,
  idle: CpuSnapshot,
  seconds: number,
  units: number,
  unitName: string,
): string {
  const net: CpuSnapshot = {};
  for (const name of Object.keys(after)) net[name] = after[name]! - (idle[name] ?? 0) * seconds;
  return cpuPerUnit(before, net, units, unitName).replace(`CPU per ${unitName}:`, `CPU per ${unitName} net of idle:`);
}
