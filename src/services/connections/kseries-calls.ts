// The few K-Series calls connect, test and disconnect need — read the business, create / delete
// our webhook endpoint, link business locations to it — as a small interface over the typed
// client (./client/), so the connection code (and its tests) depend on just these four calls.
import {
  ConnectionUnavailableError,
  type AccessTokenProvider,
} from '../../integrations/lightspeed/access-token-provider.js';
import {
  KSeriesApiError,
  type KSeriesClient,
  type WebhookEndpointRequest,
} from '../../integrations/lightspeed/client/index.js';

export interface BusinessSummary {
  id: number;
  name: string;
  locations: { id: number; name: string }[];
}

export type WebhookEndpointRegistration = WebhookEndpointRequest;

export interface ConnectCalls {
  /** orders-api: /o/op/data/businesses; financial-api only: /f/data/businesses. */
  getBusinesses(connectionId: string): Promise<BusinessSummary[]>;
  createWebhookEndpoint(connectionId: string, endpoint: WebhookEndpointRegistration): Promise<void>;
  /** 'not_found' when Lightspeed no longer knows the endpoint (already gone). */
  deleteWebhookEndpoint(connectionId: string, endpointId: string): Promise<'deleted' | 'not_found'>;
  linkWebhookLocation(connectionId: string, endpointId: string, businessLocationId: number): Promise<void>;
}

export function createConnectCalls(deps: {
  tokens: AccessTokenProvider;
  kseries: Pick<
    KSeriesClient,
    | 'getBusinesses'
    | 'getFinancialBusinesses'
    | 'createWebhookEndpoint'
    | 'deleteWebhookEndpoint'
    | 'linkWebhookLocation'
  >;
}): ConnectCalls {
  const { kseries } = deps;
  return {
    async getBusinesses(connectionId) {
      const { scopes } = await deps.tokens.getAccess(connectionId);
      if (scopes.includes('orders-api')) {
        const list = await kseries.getBusinesses(connectionId);
        return list.map((b) => ({
          id: b.id,
          name: b.name ?? '',
          locations: b.businessLocations.map((l) => ({ id: l.id, name: l.name ?? '' })),
        }));
      }
      if (scopes.includes('financial-api')) {
        const list = await kseries.getFinancialBusinesses(connectionId, { page: 0, size: 100 });
        return list.map((b) => ({
          id: b.businessId,
          name: b.businessName ?? '',
          locations: b.businessLocations.map((l) => ({ id: l.blID, name: l.blName ?? '' })),
        }));
      }
      throw new ConnectionUnavailableError(
        connectionId,
        'RECONNECT_REQUIRED',
        'neither orders-api nor financial-api was granted',
      );
    },

    async createWebhookEndpoint(connectionId, endpoint) {
      await kseries.createWebhookEndpoint(connectionId, endpoint);
    },

    async deleteWebhookEndpoint(connectionId, endpointId) {
      try {
        await kseries.deleteWebhookEndpoint(connectionId, endpointId);
        return 'deleted';
      } catch (err) {
        if (err instanceof KSeriesApiError && err.kind === 'http' && err.status === 404) return 'not_found';
        throw err;
      }
    },

    async linkWebhookLocation(connectionId, endpointId, businessLocationId) {
      await kseries.linkWebhookLocation(connectionId, endpointId, businessLocationId);
    },
  };
}
