// Request examples for /docs, one per route that takes a body, in the order a vendor would use
// them (connect, map a location, order, ...). They are realistic values of the built-in K-Series
// sandbox (its Amsterdam location, SKUs, payment methods), and the test suite replays every one
// against the service (test/api/docs-examples.test.ts), so an example cannot drift from what
// the service accepts and answers.

/** Ids the examples use; the replay test swaps them for the ids of its own records. */
export const EXAMPLE_IDS = {
  vendorId: '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b',
  locationId: '3f2b8c4e-1d2a-4c6b-9e8f-0a1b2c3d4e5f',
  /** The sandbox's Amsterdam location (K-Series ids are int64). */
  businessLocationId: 45454565682156,
  /** Its "Food" accounting group. */
  accountingGroupId: 45454565700701,
} as const;

export interface RequestExample {
  method: 'POST' | 'PUT' | 'PATCH';
  /** The route as OpenAPI writes it, with {params}. */
  path: string;
  body: unknown;
}

const { locationId, businessLocationId, accountingGroupId } = EXAMPLE_IDS;

export const REQUEST_EXAMPLES: readonly RequestExample[] = [
  { method: 'POST', path: '/admin/vendors', body: { name: 'Harbour & Hudson' } },
  { method: 'POST', path: '/admin/vendors/{vendorId}/api-keys', body: { name: 'kiosk 2, front door' } },
  { method: 'POST', path: '/v1/api-keys', body: { name: 'online ordering backend' } },
  {
    method: 'PUT',
    path: '/v1/lightspeed/return-to-allow-list',
    body: { urls: ['https://admin.harbour-hudson.example/integrations/lightspeed'] },
  },
  {
    method: 'POST',
    path: '/v1/lightspeed/connect',
    body: { returnTo: 'https://admin.harbour-hudson.example/integrations/lightspeed' },
  },
  {
    method: 'POST',
    path: '/v1/locations',
    body: { name: 'Amsterdam Centraal', businessLocationId, defaultOrderProfile: 'TAKEAWAY' },
  },
  { method: 'PATCH', path: '/v1/locations/{locationId}', body: { name: 'Amsterdam Centraal (station hall)' } },
  { method: 'PUT', path: '/v1/callback', body: { url: 'https://api.harbour-hudson.example/hooks/lightspeed-orders' } },
  {
    method: 'POST',
    path: '/v1/orders',
    body: {
      locationId,
      type: 'toGo',
      reference: 'KIOSK2-20261208-0042',
      customer: { firstName: 'Ada', lastName: 'Lovelace', phone: '+31201234567', notes: 'No cutlery, please' },
      items: [
        // Medium rare: a production instruction of the burger on the sandbox menu.
        { sku: 'BRG-CLASSIC', quantity: 2, modifiers: [{ modifierId: '45454565700402' }] },
        { sku: 'DR-COLA', quantity: 1 },
      ],
      note: 'Pick-up at the counter',
      payment: { method: 'OOPAYMENT', amount: 32.2, tip: 1.5, reference: 'psp_7Hq2LxT9' },
    },
  },
  {
    method: 'POST',
    path: '/v1/locations/{locationId}/print-message',
    body: { message: 'Courier for order KIOSK2-0042 arrives in 5 minutes', alsoToPrinter: false },
  },
  {
    method: 'POST',
    path: '/v1/locations/{locationId}/items',
    body: { name: 'Pumpkin soup', sku: 'STR-PUMPKIN', accountingGroupId, defaultPrice: 7.25, active: true },
  },
  {
    method: 'PUT',
    path: '/v1/locations/{locationId}/items/{itemId}',
    body: { name: 'Pumpkin soup (large)', sku: 'STR-PUMPKIN', accountingGroupId, defaultPrice: 8.5 },
  },
  {
    method: 'POST',
    path: '/v1/locations/{locationId}/financial/backfill',
    body: { from: '2026-11-01', to: '2026-11-07' },
  },
  { method: 'POST', path: '/v1/lightspeed/disconnect', body: { confirmation: 'Lightspeed' } },
];
