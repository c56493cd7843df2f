// The hottest write of the service: an accepted order and its RECEIVED event in one prepared
// statement (a CTE is atomic on its own), instead of Prisma's nested create, which costs a
// transaction and four round trips, and without reading the row back. Measured: 2.3 -> 0.9 ms
// per order at 50 concurrent requests (before dropping the read-back).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { poolOf, type PrismaClient } from '../../db/prisma.js';
import { prepared, runPrepared } from '../../db/sql.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { OrderType } from '../../generated/prisma/enums.js';
import type { OrderWithEvents } from './order-with-events.js';

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

const INSERT_ORDER = prepared(
  'order_insert',
  `WITH inserted AS (
     INSERT INTO orders (id, vendor_id, location_id, reference, payment_reference, idempotency_key, caller_reference,
                         request_hash, type, payload, payment_amount, tip_amount, payment_method, deadline_at, updated_at)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9::"OrderType", $10::jsonb, $11, $12, $13, $14::timestamptz, now())
     RETURNING id, created_at
   ), event AS (
     INSERT INTO order_events (order_id, to_status, source, reason)
     SELECT id, 'RECEIVED', 'api', $15 FROM inserted
     RETURNING id
   )
   SELECT event.id AS event_id, inserted.created_at FROM inserted, event`,
);

export async function insertOrder(prisma: PrismaClient, o: NewOrder): Promise<OrderWithEvents> {
  const id = randomUUID();
  const rows = await runPrepared<{ event_id: string; created_at: Date }>(poolOf(prisma), INSERT_ORDER, [
    id,
    o.vendorId,
    o.locationId,
    o.reference,
    o.paymentReference,
    o.idempotencyKey,
    o.callerReference,
    o.requestHash,
    o.type,
    JSON.stringify(o.payload),
    o.paymentAmount,
    o.tipAmount,
    o.paymentMethod,
    o.deadlineAt,
    RECEIVED_REASON,
  ]);
  const row = rows[0]!;
  // Everything else is what we just wrote: no read-back on the hot path.
  return {
    id,
    vendorId: o.vendorId,
    locationId: o.locationId,
    reference: o.reference,
    paymentReference: o.paymentReference,
    idempotencyKey: o.idempotencyKey,
    requestHash: o.requestHash,
    callerReference: o.callerReference,
    type: o.type,
    status: 'RECEIVED',
    payload: o.payload as Prisma.JsonValue,
    paymentAmount: new Prisma.Decimal(o.paymentAmount),
    tipAmount: new Prisma.Decimal(o.tipAmount),
    paymentMethod: o.paymentMethod,
    accountIdentifier: null,
    failureReason: null,
    attempt: 1,
    deadlineAt: o.deadlineAt,
    submittedAt: null,
    paymentSubmittedAt: null,
    paidAt: null,
    lastCheckedAt: null,
    workKey: null,
    workAttempts: 0,
    workUntil: null,
    createdAt: row.created_at,
    updatedAt: row.created_at,
    events: [
      {
        id: BigInt(row.event_id),
        orderId: id,
        fromStatus: null,
        toStatus: 'RECEIVED',
        source: 'api',
        reason: RECEIVED_REASON,
        data: null,
        createdAt: row.created_at,
      },
    ],
  };
}

const RECEIVED_REASON = 'accepted from the vendor';

export function isUniqueViolation(err: unknown): boolean {
  // node-postgres (the prepared hot-path statements) carries Postgres' own SQLSTATE.
  if (err instanceof pg.DatabaseError) return err.code === '23505';
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    // P2002 from generated queries; P2010 wraps raw-query failures with the Postgres code.
    return err.code === 'P2002' || (err.code === 'P2010' && JSON.stringify(err.meta ?? {}).includes('23505'));
  }
  return false;
}
