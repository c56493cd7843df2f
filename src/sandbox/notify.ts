// Builds K-Series notifications (shapes of the order-and-pay `webhooks` block) and hands them to
// the sender. Subscription rules follow the webhook docs: ORDER SUCCESS ("order: DELIVERED") is
// sent when the endpoint subscribes to it or subscribes to nothing in particular; FAILURE, the
// later order statuses and PAYMENT outcomes are always sent; ITEM and ORDER_API events go only to
// endpoints that subscribe to them and have the location linked.
import { accountSnapshot } from './accounts.js';
import type { SandboxContext } from './context.js';
import { endpointKey, type Account, type WebhookEndpoint } from './state.js';
import { isoWithOffset } from './util.js';
import type { WebhookSender } from './webhook-sender.js';

function subscribes(endpoint: WebhookEndpoint, resource: string, name?: string): boolean {
  return endpoint.subscribeTo.some((s) => s.resource?.toLowerCase() === resource && (!name || s.name === name));
}

export class Notifier {
  constructor(
    private readonly ctx: SandboxContext,
    private readonly sender: WebhookSender,
  ) {}

  endpoint(
    clientId: string | undefined,
    businessId: number,
    endpointId: string | undefined,
  ): WebhookEndpoint | undefined {
    if (!clientId || !endpointId) return undefined;
    return this.ctx.state.endpoints.get(endpointKey(clientId, businessId, endpointId));
  }

  /** ORDER notification about an account (SUCCESS, CLOSED, READY_FOR_PICKUP, ...). */
  orderStatus(account: Account, status: string): void {
    const endpoint = this.endpoint(account.clientId, account.businessId, account.endpointId);
    if (!endpoint || !account.orderReference) return;
    if (status === 'SUCCESS' && endpoint.subscribeTo.length > 0 && !subscribes(endpoint, 'order', 'DELIVERED')) return;
    const location = this.ctx.state.locations.get(account.locationId);
    if (!location) return;
    const payload: Record<string, unknown> = {
      thirdPartyReference: account.orderReference,
      businessLocationId: account.locationId,
      status,
      ...(endpoint.provideAccount
        ? {
            account: accountSnapshot(account, location, {
              transactions: endpoint.expandTransactions,
              payments: endpoint.expandPayments,
            }),
          }
        : {}),
      ikentooAccountId: account.numericId,
      ikentooAccountIdentifier: account.identifier,
      type: 'ORDER',
    };
    this.sender.send(endpoint, payload, account.identifier);
  }

  /** ORDER FAILURE carries only status, reason and reference, as in Lightspeed's own example. */
  orderFailure(
    clientId: string,
    businessId: number,
    endpointId: string,
    thirdPartyReference: string,
    reason: string,
  ): void {
    const endpoint = this.endpoint(clientId, businessId, endpointId);
    if (!endpoint) return;
    this.sender.send(endpoint, { status: 'FAILURE', reason, thirdPartyReference }, `order-${thirdPartyReference}`);
  }

  payment(
    target: { clientId: string; businessId: number; endpointId: string; businessLocationId: number },
    paymentReference: string,
    outcome: { status: 'SUCCESS' } | { status: 'FAILURE'; reason: string; errorType?: string; timeout?: boolean },
    account?: Account,
  ): void {
    const endpoint = this.endpoint(target.clientId, target.businessId, target.endpointId);
    if (!endpoint) return;
    const payload: Record<string, unknown> = {
      ...(outcome.status === 'FAILURE' ? { reason: outcome.reason } : {}),
      thirdPartyReference: paymentReference,
      businessLocationId: target.businessLocationId,
      status: outcome.status,
      ...(account ? { ikentooAccountId: account.numericId, ikentooAccountIdentifier: account.identifier } : {}),
      ...(outcome.status === 'FAILURE' && outcome.errorType
        ? { errors: { account: { type: outcome.errorType } } }
        : {}),
      ...(outcome.status === 'FAILURE' && outcome.timeout
        ? {
            errors: {
              timeout: { errorKey: 'errors.payment.pos.task_timeout', message: 'Not processed before validity ended' },
            },
          }
        : {}),
      type: 'PAYMENT',
    };
    this.sender.send(endpoint, payload, account?.identifier ?? `payment-${paymentReference}`);
  }

  /** Location-level events (ITEM availability, ORDER_API readiness) to every linked, subscribed endpoint. */
  locationEvent(locationId: number, resource: 'item' | 'order_api', payload: Record<string, unknown>): number {
    const location = this.ctx.state.locations.get(locationId);
    if (!location) return 0;
    let sent = 0;
    for (const endpoint of this.ctx.state.endpoints.values()) {
      if (endpoint.businessId !== location.businessId || !endpoint.locations.has(locationId)) continue;
      if (!subscribes(endpoint, resource)) continue;
      this.sender.send(endpoint, payload, `${resource}-${locationId}`);
      sent++;
    }
    return sent;
  }

  readiness(locationId: number): number {
    const location = this.ctx.state.locations.get(locationId);
    const readiness = this.ctx.state.readiness.get(locationId);
    if (!location || !readiness) return 0;
    return this.locationEvent(locationId, 'order_api', {
      businessLocationId: locationId,
      lastUpdatedAt: isoWithOffset('UTC', readiness.lastUpdatedAt),
      status: readiness.status,
      type: 'ORDER_API',
      ...readinessDetails(location.profiles[0]?.id ?? null, location.staff.id, readiness.status === 'READY'),
    });
  }
}

/**
 * The configuration/POS-status part of readiness, shared by the GET endpoint and the webhook.
 * NOT_READY is modelled as "the POS closed its sales period": the API configuration stays enabled.
 */
export function readinessDetails(orderProfileId: number | null, staffId: number, ready: boolean) {
  return {
    onlineOrderingApiConfiguration: { enabled: true, orderProfileId, staffId },
    posStatus: ready
      ? { salesPeriod: 'OPENED', acceptingOnlineOrders: true, availableDevices: true }
      : { salesPeriod: 'CLOSED', acceptingOnlineOrders: false, availableDevices: false },
  };
}
