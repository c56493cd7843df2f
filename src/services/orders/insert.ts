// The hottest write of the service: accepted orders and their RECEIVED events, written by one
// prepared statement per batch (a statement is atomic on its own: one commit). The statement
// also re-checks, at the moment of writing, what accepting requires of the location (it is the
// vendor's, mapped to a K-Series business location, the vendor connected) and leaves out an
// order whose Idempotency-Key or caller reference is taken (ON CONFLICT DO NOTHING: the caller
// answers with the stored order). So a new order costs one statement and no read-back.
// Concurrent accepts are grouped by an in-process batcher (../../lib/batcher.ts): under load,
// N orders are one statement and one commit; a lone order is not delayed.
// The RECEIVED move makes no vendor callback (the first callback is SUBMITTED, written by
// transitions.ts), so there is no callback row to write here.
import { poolOf, type PrismaClient } from '../../db/prisma.js';
import { prepared, runPrepared } from '../../db/sql.js';
import { createBatcher } from '../../lib/batcher.js';
import { uuid7 } from '../../lib/uuid7.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { ConnectionStatus, OrderType } from '../../generated/prisma/enums.js';
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

/** What became of one order of a batch. */
export type InsertOutcome =
  | { kind: 'inserted'; order: OrderWithEvents }
  /** Its Idempotency-Key or caller reference belongs to a stored order (the caller looks it up). */
  | { kind: 'duplicate' }
  /** The location is not the vendor's, not mapped, or the vendor not connected, as of the insert. */
  | { kind: 'refused'; location: { found: boolean; mapped: boolean; connectionStatus: ConnectionStatus | null } };

// `ord` keeps each input's place: the answer is matched back to the batch by it, and the rows
// go in in arrival order (ids are UUIDv7, so in id order too).
const INSERT_ORDERS = prepared(
  'order_insert_batch',
  `WITH input AS (
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::text[], $9::text[], $10::text[], $11::numeric[], $12::numeric[], $13::text[],
                          $14::timestamptz[])
       WITH ORDINALITY AS i(id, vendor_id, location_id, reference, payment_reference, idempotency_key,
                            caller_reference, request_hash, type, payload, payment_amount, tip_amount,
                            payment_method, deadline_at, ord)
   ), checked AS (
     SELECT i.*, l.id IS NOT NULL AS found, l.business_location_id IS NOT NULL AS mapped,
            c.status AS connection_status
       FROM input i
       LEFT JOIN locations l ON l.id = i.location_id AND l.vendor_id = i.vendor_id
       LEFT JOIN lightspeed_connections c ON c.vendor_id = i.vendor_id
   ), inserted AS (
     INSERT INTO orders (id, vendor_id, location_id, reference, payment_reference, idempotency_key, caller_reference,
                         request_hash, type, payload, payment_amount, tip_amount, payment_method, deadline_at, updated_at)
     SELECT id, vendor_id, location_id, reference, payment_reference, idempotency_key, caller_reference, request_hash,
            type::"OrderType", payload::jsonb, payment_amount, tip_amount, payment_method, deadline_at, now()
       FROM checked
      WHERE mapped AND connection_status = 'CONNECTED'
      ORDER BY ord
         ON CONFLICT DO NOTHING
     RETURNING id, created_at
   ), event AS (
     INSERT INTO order_events (order_id, to_status, source, reason)
     SELECT inserted.id, 'RECEIVED', 'api', $15 FROM inserted ORDER BY inserted.id
     RETURNING id, order_id
   )
   SELECT c.ord, c.found, c.mapped, c.connection_status, inserted.created_at, event.id AS event_id
     FROM checked c
     LEFT JOIN inserted ON inserted.id = c.id
     LEFT JOIN event ON event.order_id = c.id
    ORDER BY c.ord`,
);

type Row = {
  ord: string;
  found: boolean;
  mapped: boolean;
  connection_status: ConnectionStatus | null;
  created_at: Date | null;
  event_id: string | null;
};

const RECEIVED_REASON = 'accepted from the vendor';

async function insertBatch(prisma: PrismaClient, orders: { id: string; o: NewOrder }[]): Promise<InsertOutcome[]> {
  const column = <T>(pick: (o: NewOrder) => T) => orders.map(({ o }) => pick(o));
  const rows = await runPrepared<Row>(poolOf(prisma), INSERT_ORDERS, [
    orders.map(({ id }) => id),
    column((o) => o.vendorId),
    column((o) => o.locationId),
    column((o) => o.reference),
    column((o) => o.paymentReference),
    column((o) => o.idempotencyKey),
    column((o) => o.callerReference),
    column((o) => o.requestHash),
    column((o) => o.type),
    column((o) => JSON.stringify(o.payload)),
    // Exact: a JS number's shortest decimal text (17.7 -> '17.7'), as the column had it before.
    column((o) => String(o.paymentAmount)),
    column((o) => String(o.tipAmount)),
    column((o) => o.paymentMethod),
    column((o) => o.deadlineAt),
    RECEIVED_REASON,
  ]);
  return orders.map(({ id, o }, i) => {
    const row = rows[i];
    if (!row || Number(row.ord) !== i + 1) throw new Error('order insert: the answer does not match the batch');
    if (row.created_at && row.event_id) return { kind: 'inserted', order: stored(id, o, row.created_at, row.event_id) };
    if (row.mapped && row.connection_status === 'CONNECTED') return { kind: 'duplicate' };
    return {
      kind: 'refused',
      location: { found: row.found, mapped: row.mapped, connectionStatus: row.connection_status },
    };
  });
}

// Everything else is what we just wrote: no read-back on the hot path.
function stored(id: string, o: NewOrder, createdAt: Date, eventId: string): OrderWithEvents {
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
    createdAt,
    updatedAt: createdAt,
    events: [
      {
        id: BigInt(eventId),
        orderId: id,
        fromStatus: null,
        toStatus: 'RECEIVED',
        source: 'api',
        reason: RECEIVED_REASON,
        data: null,
        createdAt,
      },
    ],
  };
}

/** Up to this many orders share one statement and commit. */
const MAX_BATCH = 64;

export function createOrderInserter(prisma: PrismaClient) {
  const batcher = createBatcher<{ id: string; o: NewOrder }, InsertOutcome | { kind: 'failed'; error: unknown }>(
    async (batch) => {
      try {
        return await insertBatch(prisma, batch);
      } catch (err) {
        // One bad order must not fail the others: alone, each gets its own answer or error.
        if (batch.length === 1) throw err;
        return Promise.all(
          batch.map((one) =>
            insertBatch(prisma, [one]).then(
              ([outcome]) => outcome!,
              (error: unknown) => ({ kind: 'failed' as const, error }),
            ),
          ),
        );
      }
    },
    // A batch forms while the previous one runs; the timer only bounds the wait in between.
    { maxSize: MAX_BATCH, maxWaitMs: 2 },
  );
  return {
    /** Stores the order (id: a new UUIDv7), or says why it was not stored. */
    async insert(order: NewOrder): Promise<InsertOutcome> {
      const outcome = await batcher.submit({ id: uuid7(), o: order });
      if (outcome.kind === 'failed') throw outcome.error;
      return outcome;
    },
  };
}

export type OrderInserter = ReturnType<typeof createOrderInserter>;
