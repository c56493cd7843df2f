// Webhook re-registration relies only on answers the spec documents: PUT and POST /o/wh/1/webhook
// document 200/400 and nothing else, GET /o/wh/1/webhook/{endpointId} documents 404. So it asks
// with GET first, then updates (POST) or creates (PUT); it never probes with an update hoping for
// a 404, or with a create hoping for a 409.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KSeriesClient } from '../../src/integrations/lightspeed/client/index.js';
import { createWebhookReregistration } from '../../src/services/connections/webhook-reregistration.js';
import { connectedVendor, createConnectContext, type ConnectContext } from '../connect/helpers.js';

let cc: ConnectContext;
let connection: { id: string; vendorId: string; webhookEndpointId: string };
const calls: string[] = [];

beforeAll(async () => {
  cc = await createConnectContext();
  const vendor = await connectedVendor(cc.ctx, 'Re-registration vendor');
  const row = await cc.ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { id: vendor.connectionId } });
  connection = { id: row.id, vendorId: row.vendorId, webhookEndpointId: row.webhookEndpointId! };
}, 60_000);
afterAll(async () => cc?.close());

function service() {
  const real = cc.ctx.app.services.lightspeed.kseries;
  // The real client on the wire; the names record which operations were used, in order.
  const kseries: Pick<
    KSeriesClient,
    'getWebhookEndpoint' | 'updateWebhookEndpoint' | 'createWebhookEndpoint' | 'linkWebhookLocation'
  > = {
    getWebhookEndpoint: (...a) => {
      calls.push('GET');
      return real.getWebhookEndpoint(...a);
    },
    updateWebhookEndpoint: (...a) => {
      calls.push('POST');
      return real.updateWebhookEndpoint(...a);
    },
    createWebhookEndpoint: (...a) => {
      calls.push('PUT');
      return real.createWebhookEndpoint(...a);
    },
    linkWebhookLocation: (...a) => real.linkWebhookLocation(...a),
  };
  const app = cc.ctx.app;
  return createWebhookReregistration({
    prisma: cc.ctx.db.prisma,
    kseries,
    integrationLog: app.services.lightspeed.integrationLog,
    config: app.config,
    log: app.log,
  });
}

describe('webhook re-registration', () => {
  it('an endpoint Lightspeed has: GET, then POST (update); no create attempted', async () => {
    calls.length = 0;
    const result = await service().reregister(connection);
    expect(result).toMatchObject({ action: 'updated', endpointId: connection.webhookEndpointId });
    expect(result.error).toBeUndefined();
    expect(calls).toEqual(['GET', 'POST']);
  });

  it('an endpoint Lightspeed lost: GET answers 404 (documented), then PUT (create); no update attempted', async () => {
    await cc.ctx.app.services.lightspeed.kseries.deleteWebhookEndpoint(connection.id, connection.webhookEndpointId);
    calls.length = 0;
    const result = await service().reregister(connection);
    expect(result).toMatchObject({ action: 'created' });
    expect(result.error).toBeUndefined();
    expect(calls).toEqual(['GET', 'PUT']);
    const again = await cc.ctx.app.services.lightspeed.kseries.getWebhookEndpoint(
      connection.id,
      connection.webhookEndpointId,
    );
    expect(again.endpointId).toBe(connection.webhookEndpointId);
  });
});
