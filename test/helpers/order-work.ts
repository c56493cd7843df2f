// What the worker's order-work claimer would take now: the due pushes and payments, claimed (and
// leased) as a worker claims them. Tests without workers use it to see that accepting or
// replaying an order queued its task; the task key says which (push:<attempt>, pay:<reference>).
import { poolOf, type PrismaClient } from '../../src/db/prisma.js';
import { claimDueOrders } from '../../src/jobs/processors/order-work-queries.js';

export async function claimDueTasks(prisma: PrismaClient, leaseMs = 600_000): Promise<Map<string, string>> {
  const claimed = await claimDueOrders(poolOf(prisma), 10_000, leaseMs);
  return new Map(claimed.map((o) => [o.id, o.workKey]));
}
