// Response examples of the order routes: the request example of POST /v1/orders as the built-in
// K-Series sandbox received, delivered, paid and closed it; an order the POS refused; its replay.
import { EXAMPLE_IDS } from '../../plugins/openapi-examples.js';

const { locationId, vendorId } = EXAMPLE_IDS;
const event = (from: string | null, to: string, source: string, reason: string, at: string) => ({
  from,
  to,
  source,
  reason,
  at,
});
const line = (sku: string, name: string, quantity: number, unitPrice: string, lineTotal: string) => ({
  sku,
  name,
  quantity,
  unitPrice,
  lineTotal,
  modifiers: [] as { modifierId: string }[],
  subItems: [],
});

const received = {
  id: '9b7e4c1a-52d3-4f8e-a6b0-7c2d1e9f3a48',
  status: 'RECEIVED',
  locationId,
  type: 'toGo',
  reference: 'oec289e14c4208e6d801d7d74',
  callerReference: 'KIOSK2-20261208-0042',
  idempotencyKey: 'kiosk2-7f3c9a1e-0042',
  accountIdentifier: null as string | null,
  failureReason: null as string | null,
  payment: {
    method: 'OOPAYMENT',
    amount: '32.20',
    tip: '1.50',
    reference: 'pec289e14c4208e6d801d7d74',
    attempt: 1,
    submittedAt: null as string | null,
    paidAt: null as string | null,
  },
  lines: [
    { ...line('BRG-CLASSIC', 'Classic Burger', 2, '14.50', '29.00'), modifiers: [{ modifierId: '45454565700402' }] },
    line('DR-COLA', 'Cola', 1, '3.20', '3.20'),
  ],
  totals: { lines: '32.20', payment: '32.20', tip: '1.50' },
  attempt: 1,
  deadlineAt: '2026-12-08T01:54:52.299Z',
  createdAt: '2026-12-08T01:39:52.299Z',
  updatedAt: '2026-12-08T01:39:52.299Z',
  timeline: [event(null, 'RECEIVED', 'api', 'accepted from the vendor', '2026-12-08T01:39:52.299Z')],
};

export const closedOrder = {
  ...received,
  status: 'CLOSED',
  accountIdentifier: 'A17700.1',
  payment: { ...received.payment, submittedAt: '2026-12-08T01:39:52.436Z', paidAt: '2026-12-08T01:39:52.497Z' },
  updatedAt: '2026-12-08T01:39:52.511Z',
  timeline: [
    ...received.timeline,
    event('RECEIVED', 'SUBMITTED', 'worker', 'accepted for delivery to the POS', '2026-12-08T01:39:52.340Z'),
    event('SUBMITTED', 'ACCEPTED', 'webhook', 'K-Series SUCCESS', '2026-12-08T01:39:52.404Z'),
    event('ACCEPTED', 'PAYMENT_SUBMITTED', 'worker', 'payment accepted for the POS', '2026-12-08T01:39:52.437Z'),
    event('PAYMENT_SUBMITTED', 'PAID', 'webhook', 'payment confirmed by the POS', '2026-12-08T01:39:52.498Z'),
    event('PAID', 'CLOSED', 'webhook', 'K-Series CLOSED', '2026-12-08T01:39:52.511Z'),
  ],
};

const refusal = 'Item with SKU BRG-VEGGIE not found';
const failedOrder = {
  ...received,
  id: 'c4e8a2d6-1b3f-4a7c-9e5d-2f8b6a0c4e17',
  status: 'FAILED',
  reference: 'o7d2e9b4c1a8f3e6d5c0b7a92',
  callerReference: 'WEB-20261208-0117',
  idempotencyKey: null,
  failureReason: refusal,
  payment: { ...received.payment, amount: '15.50', tip: '0.00', reference: 'p7d2e9b4c1a8f3e6d5c0b7a92' },
  lines: [
    line('BRG-VEGGIE', 'Veggie Burger', 1, '13.50', '13.50'),
    line('DR-WATER', 'Sparkling Water', 1, '2.00', '2.00'),
  ],
  totals: { lines: '15.50', payment: '15.50', tip: '0.00' },
  deadlineAt: '2026-12-08T11:17:14.518Z',
  createdAt: '2026-12-08T11:02:14.518Z',
  updatedAt: '2026-12-08T11:02:15.032Z',
  timeline: [
    event(null, 'RECEIVED', 'api', 'accepted from the vendor', '2026-12-08T11:02:14.518Z'),
    event('RECEIVED', 'SUBMITTED', 'worker', 'accepted for delivery to the POS', '2026-12-08T11:02:14.601Z'),
    event('SUBMITTED', 'FAILED', 'webhook', refusal, '2026-12-08T11:02:15.032Z'),
  ],
};

/** A FAILED order replayed: a new attempt under a new reference, back to RECEIVED. */
const replayedOrder = {
  ...failedOrder,
  status: 'RECEIVED',
  attempt: 2,
  reference: 'o7d2e9b4c1a8f3e6d5c0b7a92-2',
  failureReason: null,
  deadlineAt: '2026-12-08T11:35:41.207Z',
  updatedAt: '2026-12-08T11:20:41.207Z',
  timeline: [
    ...failedOrder.timeline,
    event('FAILED', 'RECEIVED', 'api', 'replay, attempt 2', '2026-12-08T11:20:41.207Z'),
  ],
};

const delivery = (id: string, sequence: number, createdAt: string, deliveredAt: string) => ({
  id,
  sequence,
  url: 'https://api.harbour-hudson.example/hooks/lightspeed-orders',
  status: 'DELIVERED',
  attempts: 1,
  lastStatusCode: 200,
  lastError: null,
  deliveredAt,
  createdAt,
});

export const orderExamples = {
  // 202 for a new order; 200 answers a repeat (same Idempotency-Key) with the order as it is now.
  'POST /v1/orders': { 202: received, 200: closedOrder },
  'GET /v1/orders': { 200: { items: [closedOrder], nextCursor: null } },
  'GET /v1/orders/{orderId}': { 200: closedOrder },
  'POST /v1/orders/{orderId}/replay': { 202: replayedOrder },
  'GET /v1/orders/{orderId}/callbacks': {
    200: {
      items: [
        delivery('788f41cd-627d-44b2-9f72-3ce1f347272a', 2, '2026-12-08T01:39:52.340Z', '2026-12-08T01:39:52.391Z'),
        delivery('c7015742-7b53-4a7e-b324-13e344cbcc7b', 3, '2026-12-08T01:39:52.404Z', '2026-12-08T01:39:52.491Z'),
      ],
    },
  },
  'GET /admin/orders/attention': { 200: { items: [{ ...failedOrder, vendorId }] } },
  'POST /admin/orders/{orderId}/replay': { 202: replayedOrder },
};
