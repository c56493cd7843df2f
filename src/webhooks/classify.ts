// Which kind of notification a body is. Lightspeed sets `type` on most of them, but its own
// examples show an ORDER FAILURE without it; the reservations platform uses notificationType.
export type WebhookKind = 'ORDER' | 'PAYMENT' | 'ITEM' | 'ORDER_API' | 'RESERVATION' | 'UNKNOWN';

const KNOWN = new Set(['ORDER', 'PAYMENT', 'ITEM', 'ORDER_API']);

export function classifyWebhook(body: unknown): WebhookKind {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'UNKNOWN';
  const b = body as Record<string, unknown>;
  const type = typeof b.type === 'string' ? b.type.toUpperCase() : undefined;
  if (type && KNOWN.has(type)) return type as WebhookKind;
  if (typeof b.notificationType === 'string') return 'RESERVATION';
  if (typeof b.sku === 'string' && typeof b.status === 'string') return 'ITEM';
  if (typeof b.thirdPartyReference === 'string' && typeof b.status === 'string') return 'ORDER';
  return 'UNKNOWN';
}
