// Accounts (checks) on the simulated POS: pricing lines with the location's taxes and price
// lists, totals, and the apeAccountSnapshot shape used by getCheck, account lookup and webhooks.
import type { SeedLocation } from './seed.js';
import { LUNCH_DEAL } from './seed-catalog.js';
import type { Account, AccountLine, ItemRecord, SandboxState } from './state.js';
import { money, springTimestamp, stableUuid } from './util.js';

/** Price lists by order profile: delivery costs a little more, as many merchants configure it. */
const PROFILE_SURCHARGE: Record<string, number> = { DELIVERY: 1 };

export function profilePrice(item: ItemRecord, profileCode: string | undefined): number {
  return money(item.defaultPrice + (item.subItem ? 0 : (PROFILE_SURCHARGE[profileCode ?? ''] ?? 0)));
}

/** Surcharge of a sub item chosen inside the lunch deal, or undefined if the deal does not offer it. */
export function dealExtraPrice(sku: string): number | undefined {
  for (const group of LUNCH_DEAL.groups) {
    for (const [s, extra] of group.items) if (s === sku) return extra;
  }
  return undefined;
}

/** Account line ids are int64 like K-Series' (1341648999023061); the low part is a counter. */
export const LINE_ID_BASE = 1341648999000000;

export interface LineInput {
  item: ItemRecord;
  unitAmount: number;
  quantity: number;
  modifiers: { name: string; quantity: number }[];
  discount?: { code: string; name: string; percentage?: number; amount?: number };
  subLines: AccountLine[];
  time: number;
}

/** n / d rounded half up, for integers n >= 0 and d > 0. */
function divRound(n: number, d: number): number {
  return Math.floor((2 * n + d) / (2 * d));
}

/** Prices one line: discount first, then tax on top (US) or carved out of the price (NL). */
export function makeLine(state: SandboxState, location: SeedLocation, input: LineInput): AccountLine {
  const tax = location.taxes[input.item.taxClass];
  // In integer cents (percentages in thousandths), rounded half up per line as a POS rounds a
  // check line: no float drift in a total (apeAccountLineItem.amountWithTax / amountLessTax).
  const grossCents = Math.round(input.unitAmount * 100) * input.quantity;
  let discountCents = 0;
  if (input.discount?.percentage !== undefined)
    discountCents = divRound(grossCents * Math.round(input.discount.percentage * 1000), 100_000);
  else if (input.discount?.amount !== undefined)
    discountCents = Math.min(grossCents, Math.round(input.discount.amount * 100));
  const afterCents = grossCents - discountCents;
  const taxMilli = Math.round(tax.percentage * 1000);
  const withTaxCents = tax.included ? afterCents : divRound(afterCents * (100_000 + taxMilli), 100_000);
  const lessTaxCents = tax.included ? divRound(afterCents * 100_000, 100_000 + taxMilli) : afterCents;
  const discounted = discountCents / 100;
  const amountWithTax = withTaxCents / 100;
  const amountLessTax = lessTaxCents / 100;
  const id = LINE_ID_BASE + ++state.lineCounter;
  return {
    id,
    uuid: stableUuid(`line-${id}`),
    sku: input.item.sku,
    name: input.item.name,
    unitAmount: money(input.unitAmount),
    quantity: input.quantity,
    modifiers: input.modifiers,
    subLines: input.subLines,
    ...(input.discount ? { discountCode: input.discount.code, discountName: input.discount.name } : {}),
    discountedAmount: discounted,
    amountWithTax,
    amountLessTax,
    taxClass: input.item.taxClass,
    accountingGroupId: input.item.accountingGroupId,
    unitCost: input.item.costPrice ?? 0,
    time: input.time,
  };
}

export function allLines(lines: AccountLine[]): AccountLine[] {
  return lines.flatMap((l) => [l, ...allLines(l.subLines)]);
}

export function accountTotal(account: Account): number {
  return money(allLines(account.lines).reduce((sum, l) => sum + l.amountWithTax, 0));
}

export function paidTotal(account: Account): number {
  return money(account.payments.reduce((sum, p) => sum + p.amount, 0));
}

export function openAccount(
  state: SandboxState,
  location: SeedLocation,
  fields: Pick<Account, 'kind' | 'profileCode' | 'clientCount' | 'openedAt'> & Partial<Account>,
): Account {
  const n = state.nextAccountNumber(location.id);
  const identifier = `A${location.posId}.${n}`;
  const account: Account = {
    identifier,
    numericId: Number(`${location.posId}${String(n).padStart(8, '0')}`),
    uuid: stableUuid(`account-${identifier}`),
    receiptId: `R${location.posId}.${n}`,
    businessId: location.businessId,
    locationId: location.id,
    name: fields.tableNumber !== undefined ? `Table ${fields.tableNumber}` : `Order ${shortCode(identifier)}`,
    lines: [],
    payments: [],
    ...fields,
  };
  state.accounts.set(identifier, account);
  return account;
}

/** "NZVV"-style check names, derived from the identifier so they are stable. */
function shortCode(identifier: string): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  let h = 0;
  for (const ch of identifier) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  let out = '';
  for (let i = 0; i < 4; i++) {
    out += letters[h % letters.length];
    h = Math.floor(h / letters.length);
  }
  return out;
}

function lineSnapshot(line: AccountLine, taxIncluded: boolean): Record<string, unknown> {
  return {
    id: line.id,
    uuid: line.uuid,
    itemName: line.name,
    itemSku: line.sku,
    unitAmount: line.unitAmount,
    quantity: line.quantity,
    modifiers: line.modifiers,
    amountWithTax: line.amountWithTax,
    amountLessTax: line.amountLessTax,
    discountedAmount: line.discountedAmount,
    timeOfTransactionUtc: springTimestamp(line.time),
    subLineItems: line.subLines.map((s) => lineSnapshot(s, taxIncluded)),
    taxIncluded,
  };
}

/** apeAccountSnapshot. Webhooks include lines/payments only when the endpoint expands them. */
export function accountSnapshot(
  account: Account,
  location: SeedLocation,
  expand: { transactions: boolean; payments: boolean } = { transactions: true, payments: true },
): Record<string, unknown> {
  return {
    clientCount: account.clientCount,
    uuid: account.uuid,
    openDate: springTimestamp(account.openedAt),
    ...(account.closedAt !== undefined ? { closeDate: springTimestamp(account.closedAt) } : {}),
    paidAmount: paidTotal(account),
    serviceCharge: 0,
    name: account.name,
    currentAmount: accountTotal(account),
    staffName: location.staff.name,
    staffId: location.staff.id,
    ...(expand.transactions ? { salesEntries: account.lines.map((l) => lineSnapshot(l, location.taxIncluded)) } : {}),
    ...(expand.payments
      ? {
          paymentEntries: account.payments.map((p) => ({
            paymentMethodDescription: p.methodName,
            externalReference: p.externalReference,
            paymentMethodCode: p.methodCode,
            amountPaid: p.amount,
            paymentDate: springTimestamp(p.date),
            active: true,
          })),
        }
      : {}),
    ikaccountId: account.identifier,
    ...(account.tableNumber !== undefined ? { tableNumber: account.tableNumber } : {}),
    posId: location.posId,
  };
}

/** A payment on the check, as the POS books it (fiscal id, method, amount, tip, reference). */
export function addPayment(
  date: number,
  account: Account,
  location: SeedLocation,
  method: SeedLocation['paymentMethods'][number],
  amount: number,
  tip: number,
  reference: string,
): void {
  const n = account.payments.length + 1;
  account.payments.push({
    fiscId: `T${location.posId}.${account.identifier.split('.')[1]}${n}`,
    uuid: stableUuid(`payment-${account.identifier}-${n}`),
    methodCode: method.code,
    methodName: method.name,
    methodId: method.id,
    amount,
    tip: money(tip),
    externalReference: reference,
    date,
  });
}
