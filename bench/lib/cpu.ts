// CPU time used by each process of a benchmark, read from /proc (Linux). Unlike throughput,
// CPU per unit of work hardly changes when something else shares the machine, so it is the
// figure to compare between runs.
import { readdirSync, readFileSync } from 'node:fs';

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

/** Snapshot of the named child processes plus Postgres and Redis. */
export function snapshotCpu(children: Record<string, number>): CpuSnapshot {
  const snap: CpuSnapshot = {
    postgres: cpuSecondsOfComm('postgres'),
    redis: cpuSecondsOfComm('redis-server'),
    'load generator': cpuSecondsOfPid(process.pid),
  };
  for (const [name, pid] of Object.entries(children)) snap[name] = (snap[name] ?? 0) + cpuSecondsOfPid(pid);
  return snap;
}

/** One line: CPU ms per unit of work for each process between two snapshots. */
export function cpuPerUnit(before: CpuSnapshot, after: CpuSnapshot, units: number, unitName: string): string {
  const parts = Object.keys(after).map((name) => {
    const ms = ((after[name]! - (before[name] ?? 0)) * 1000) / Math.max(units, 1);
    return { name, ms };
  });
  const total = parts.reduce((sum, p) => sum + p.ms, 0);
  return `CPU per ${unitName}: ${parts.map((p) => `${p.name} ${p.ms.toFixed(2)} ms`).join(', ')}; total ${total.toFixed(2)} ms`;
}
