// The address of our webhook route as we register it at Lightspeed, one per connection: the
// endpoint id in the query lets src/webhooks/ authenticate a call even during a rotation of
// the Basic Auth pair (see src/webhooks/credentials.ts).
/** The URL we register at Lightspeed for a connection's endpoint. */
export function webhookUrl(publicUrl: string, endpointId: string): string {
  return `${publicUrl}/webhook/lightspeed?endpoint=${encodeURIComponent(endpointId)}`;
}
