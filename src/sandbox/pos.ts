// The simulated POS after /order and /pay answered {"status":"ok"}. Once an order reaches it
// (./pos-delivery.ts: at once, at its scheduled time, or when the POS is back online) it accepts
// or rejects it (unknown SKU, modifier, discount, profile, table, a location not accepting orders
// or with the API disabled), applies payments, closes fully paid accounts into the financial
// sales, and notifies the registered endpoint.
import {
  accountTotal,
  addPayment,
  dealExtraPrice,
  makeLine,
  openAccount,
  paidTotal,
  profilePrice,
} from './accounts.js';
import type { SandboxContext } from './context.js';
import { MerchantSettings } from './merchant.js';
import type { Notifier } from './notify.js';
import { OrderDelivery } from './pos-delivery.js';
import type { SeedLocation } from './seed.js';
import { DISCOUNTS, LUNCH_DEAL } from './seed-catalog.js';
import type { Account, AccountLine, OrderRecord, PaymentRecord } from './state.js';
import { money } from './util.js';

export interface OrderItemInput {
  sku: string;
  quantity: number;
  modifierIds: string[];
  subItems: OrderItemInput[];
  discountCode?: string;
  discountAmountOverride?: number;
  discountPercentOverride?: number;
}

export interface OrderInput {
  kind: 'local' | 'toGo';
  clientId: string;
  businessId: number;
  businessLocationId: number;
  thirdPartyReference: string;
  endpointId: string;
  firstName: string;
  lastName?: string;
  email?: string;
  accountProfileCode?: string;
  accountIdentifier?: string;
  tableNumber?: string;
  clientCount?: number;
  items: OrderItemInput[];
  payment?: { paymentMethod?: string; paymentAmount: number; tipAmount?: number };
  /** scheduledTimeForOrderAsIso8601 (epoch ms): when the order is sent to the POS. */
  scheduledAt?: number;
  /** maxTimeToAttemptOrderDeliverToPos, added to the scheduled time. */
  maxTimeMs?: number;
}

export interface PaymentInput {
  clientId: string;
  businessId: number;
  businessLocationId: number;
  endpointId: string;
  thirdPartyPaymentReference: string;
  iKaccountIdentifier?: string;
  paymentMethod?: string;
  paymentAmount: number;
  tipAmount: number;
}

class Rejection extends Error {}

export class Pos {
  /** When accepted orders reach the POS: at once, at their scheduled time, or when it is back online. */
  readonly delivery: OrderDelivery<{ input: OrderInput; record: OrderRecord }>;
  readonly merchant = new MerchantSettings();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly notifier: Notifier,
  ) {
    this.delivery = new OrderDelivery(ctx, {
      deliver: ({ input, record }) => this.processOrder(input, record),
      expire: ({ input, record }, reason) => this.reject(input, record, reason),
    });
  }

  submitOrder(input: OrderInput, record: OrderRecord): void {
    this.delivery.submit({ input, record }, input.businessLocationId, input.scheduledAt, input.maxTimeMs);
  }

  submitPayment(input: PaymentInput, record: PaymentRecord): void {
    this.ctx.tasks.later(this.ctx.options.webhookDelayMs, () => this.processPayment(input, record));
  }

  private processOrder(input: OrderInput, record: OrderRecord): void {
    const location = this.ctx.state.locations.get(input.businessLocationId) as SeedLocation;
    try {
      const account = this.applyOrder(input, location);
      record.status = 'SUCCESS';
      record.accountIdentifier = account.identifier;
      this.notifier.orderStatus(account, 'SUCCESS');
      if (input.payment) this.applyOrderPayment(input, location, account);
    } catch (err) {
      if (!(err instanceof Rejection)) throw err;
      this.reject(input, record, err.message);
    }
  }

  private reject(input: OrderInput, record: OrderRecord, reason: string): void {
    record.status = 'FAILURE';
    record.reason = reason;
    this.notifier.orderFailure(input.clientId, input.businessId, input.endpointId, input.thirdPartyReference, reason);
  }

  private applyOrder(input: OrderInput, location: SeedLocation): Account {
    const state = this.ctx.state;
    if (state.readiness.get(location.id)?.status !== 'READY') {
      throw new Rejection(`Business location ${location.id} is not accepting online orders`);
    }
    const profileCode = input.accountProfileCode ?? (input.kind === 'local' ? 'DINEIN' : 'TAKEAWAY');
    if (!location.profiles.some((p) => p.code === profileCode)) {
      throw new Rejection(`Order profile (account profile) with code ${profileCode} not found`);
    }
    let tableNumber: number | undefined;
    if (input.kind === 'local' && input.tableNumber !== undefined) {
      tableNumber = Number(input.tableNumber);
      if (!location.floorPlans.some((fp) => fp.tables.some((t) => t.number === tableNumber))) {
        throw new Rejection(`Table ${input.tableNumber} not found`);
      }
    }
    if (this.merchant.apiDisabled.has(location.id)) {
      throw new Rejection(`The Order and Pay API is disabled for business location ${location.id}`);
    }
    if (input.payment && !this.merchant.paymentMethod(location, input.payment.paymentMethod ?? 'OOPAYMENT')) {
      throw new Rejection(`Payment method ${input.payment.paymentMethod} not found`);
    }
    const now = this.ctx.now();
    const lines = input.items.map((item) => this.line(location, item, profileCode, now, undefined));
    if (input.accountIdentifier) {
      const existing = state.accounts.get(input.accountIdentifier);
      if (!existing || existing.locationId !== location.id)
        throw new Rejection(`Account ${input.accountIdentifier} not found`);
      if (existing.closedAt !== undefined) throw new Rejection(`Account ${input.accountIdentifier} is already closed`);
      existing.lines.push(...lines);
      return existing;
    }
    const account = openAccount(state, location, {
      kind: input.kind,
      profileCode,
      clientCount: input.clientCount ?? (tableNumber !== undefined ? 2 : 1),
      openedAt: now,
      orderReference: input.thirdPartyReference,
      endpointId: input.endpointId,
      clientId: input.clientId,
      ...(tableNumber !== undefined ? { tableNumber } : {}),
      consumer: {
        firstName: input.firstName,
        ...(input.lastName ? { lastName: input.lastName } : {}),
        ...(input.email ? { email: input.email } : {}),
      },
    });
    account.lines = lines;
    return account;
  }

  private line(
    location: SeedLocation,
    input: OrderItemInput,
    profileCode: string,
    now: number,
    parentSku: string | undefined,
  ): AccountLine {
    const item = this.ctx.state.itemBySku(location.id, input.sku);
    if (!item) throw new Rejection(`Item with SKU ${input.sku} not found`);
    let unitAmount = profilePrice(item, profileCode);
    if (parentSku === LUNCH_DEAL.sku) {
      const extra = dealExtraPrice(input.sku);
      if (extra === undefined) throw new Rejection(`Item with SKU ${input.sku} is not part of combo ${parentSku}`);
      unitAmount = extra;
    }
    const modifiers = input.modifierIds.map((id) => {
      const option = location.instructionGroups.flatMap((g) => g.options).find((o) => String(o.id) === id);
      if (!option) throw new Rejection(`Modifier ${id} not found`);
      return { name: option.name, quantity: 1 };
    });
    let discount: { code: string; name: string; percentage?: number; amount?: number } | undefined;
    if (input.discountCode) {
      const d = DISCOUNTS.find((x) => x.code === input.discountCode);
      if (!d) throw new Rejection(`Discount with code ${input.discountCode} not found`);
      if (input.discountAmountOverride !== undefined && input.discountPercentOverride !== undefined) {
        throw new Rejection('Only one of discountAmountOverride or discountPercentOverride can be set');
      }
      discount =
        input.discountAmountOverride !== undefined
          ? { code: d.code, name: d.name, amount: input.discountAmountOverride }
          : input.discountPercentOverride !== undefined
            ? { code: d.code, name: d.name, percentage: input.discountPercentOverride }
            : 'percentage' in d
              ? { code: d.code, name: d.name, percentage: d.percentage }
              : { code: d.code, name: d.name, amount: d.amount };
    }
    const subLines = input.subItems.map((s) => this.line(location, s, profileCode, now, item.sku));
    return makeLine(this.ctx.state, location, {
      item,
      unitAmount,
      quantity: input.quantity,
      modifiers,
      subLines,
      time: now,
      ...(discount ? { discount } : {}),
    });
  }

  /** A payment sent inside the order: applied once the order is on the POS. */
  private applyOrderPayment(input: OrderInput, location: SeedLocation, account: Account): void {
    const payment = input.payment;
    if (!payment) return;
    const method = this.merchant.paymentMethod(location, payment.paymentMethod ?? 'OOPAYMENT');
    const tip = payment.tipAmount ?? 0;
    const amount = money(payment.paymentAmount - tip);
    if (!method || amount <= 0) return;
    addPayment(
      this.ctx.now(),
      account,
      location,
      method,
      Math.min(amount, money(accountTotal(account) - paidTotal(account))),
      tip,
      input.thirdPartyReference,
    );
    this.closeIfPaid(account);
  }

  private processPayment(input: PaymentInput, record: PaymentRecord): void {
    const state = this.ctx.state;
    const location = state.locations.get(input.businessLocationId) as SeedLocation;
    const target = {
      clientId: input.clientId,
      businessId: input.businessId,
      endpointId: input.endpointId,
      businessLocationId: location.id,
    };
    const account = input.iKaccountIdentifier ? state.accounts.get(input.iKaccountIdentifier) : undefined;
    const fail = (reason: string, errorType?: string, timeout = false, acct?: Account): void => {
      record.status = 'FAILURE';
      record.reason = reason;
      if (errorType) record.errorType = errorType;
      else if (timeout) record.errorType = 'TIMEOUT';
      this.notifier.payment(
        target,
        input.thirdPartyPaymentReference,
        { status: 'FAILURE', reason, ...(errorType ? { errorType } : {}), timeout },
        acct,
      );
    };
    if (!account || account.locationId !== location.id) return fail('Account not found', 'ACCOUNT_NOT_FOUND');
    if (account.closedAt !== undefined)
      return fail('Account is already closed', 'ACCOUNT_ALREADY_CLOSED', false, account);
    if (state.readiness.get(location.id)?.status !== 'READY')
      return fail('Not processed before validity ended', undefined, true, account);
    const method = this.merchant.paymentMethod(location, input.paymentMethod ?? 'OOPAYMENT');
    if (!method)
      return fail(`Payment method ${input.paymentMethod} not found`, 'PAYMENT_METHOD_NOT_FOUND', false, account);
    if (input.paymentAmount <= 0) return fail('The payment amount must be positive', 'UNKNOWN', false, account);
    const due = money(accountTotal(account) - paidTotal(account));
    if (input.paymentAmount > due + 0.004)
      return fail('the payment amount is greater than the amount due', 'OVERPAID', false, account);
    addPayment(
      this.ctx.now(),
      account,
      location,
      method,
      money(input.paymentAmount),
      input.tipAmount,
      input.thirdPartyPaymentReference,
    );
    record.status = 'SUCCESS';
    this.notifier.payment(target, input.thirdPartyPaymentReference, { status: 'SUCCESS' }, account);
    this.closeIfPaid(account);
  }

  /** A fully paid account closes: it becomes a sale in the financial API and the endpoint hears CLOSED. */
  closeIfPaid(account: Account): void {
    if (account.closedAt !== undefined || paidTotal(account) + 0.004 < accountTotal(account)) return;
    account.closedAt = this.ctx.now();
    this.ctx.state.addSale(account);
    this.notifier.orderStatus(account, 'CLOSED');
  }

  /** Control API: the POS moves an order along (READY_FOR_PICKUP, CANCELLED, ...). */
  setOrderStatus(account: Account, status: string): void {
    if ((status === 'CANCELLED' || status === 'ABANDONED') && account.closedAt === undefined) {
      account.closedAt = this.ctx.now();
      account.cancelled = true;
    }
    if (status === 'CLOSED') {
      if (account.closedAt === undefined) {
        account.closedAt = this.ctx.now();
        this.ctx.state.addSale(account);
      }
    }
    this.notifier.orderStatus(account, status);
  }
}
