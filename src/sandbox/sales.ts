// Financial API data: closed accounts rendered as financial-apiSaleDto (amounts as strings, ISO
// UTC times, `include` deciding which optional parts appear), deterministic synthetic sales for
// sync tests, business-day windows per location time zone, and aggregated sales.
import { accountTotal, allLines, LINE_ID_BASE, makeLine, openAccount } from './accounts.js';
import type { SeedLocation } from './seed.js';
import { CATALOG_ITEMS } from './seed-catalog.js';
import type { Account, AccountLine, SandboxState } from './state.js';
import { addDays, isoUtc, isoWithOffset, localDate, money, moneyString, prng, zonedTime } from './util.js';

type Json = Record<string, unknown>;

export const INCLUDE_VALUES = [
  'staff',
  'table',
  'consumer',
  'payments',
  'revenue_center',
  'account_profile',
  'payment_authorization',
];

/** The hour (local time) at which each location's business day starts. */
export const START_OF_DAY_HOUR = 5;

export function externalReference(locationId: number, thirdPartyReference: string): string {
  return `TASK:OO-${locationId}-${thirdPartyReference}`;
}

function accountingGroupOf(location: SeedLocation, id: number) {
  return Object.values(location.accountingGroups).find((g) => g.id === id) ?? location.accountingGroups.food;
}

/** "S17700.33": the line counter behind the account line's int64 id. */
function saleLineId(location: SeedLocation, line: AccountLine): string {
  return `S${location.posId}.${line.id - LINE_ID_BASE}`;
}

function saleLine(
  line: AccountLine,
  parent: AccountLine | undefined,
  account: Account,
  location: SeedLocation,
  include: Set<string>,
): Json {
  const tax = location.taxes[line.taxClass];
  const group = accountingGroupOf(location, line.accountingGroupId);
  const taxAmount = money(line.amountWithTax - line.amountLessTax);
  return {
    id: saleLineId(location, line),
    ...(parent ? { parentLineId: saleLineId(location, parent) } : {}),
    totalNetAmountWithTax: moneyString(line.amountWithTax),
    totalNetAmountWithoutTax: moneyString(line.amountLessTax),
    menuListPrice: moneyString(line.unitAmount),
    unitCostPrice: moneyString(line.unitCost),
    serviceCharge: '0.00',
    serviceChargeType: 'NO_SERVICE_CHARGE',
    serviceChargeRate: '0.00',
    discountAmount: moneyString(line.discountedAmount),
    taxCode: tax.code,
    taxAmount: taxAmount.toFixed(4),
    taxRatePercentage: tax.percentage.toFixed(3).replace(/0$/, ''),
    taxLines: [
      {
        taxId: String(tax.id),
        taxCode: tax.code,
        taxRate: String(1 + tax.percentage / 100),
        taxAmount: taxAmount.toFixed(6),
        taxIncluded: tax.included,
      },
    ],
    ...(line.discountCode
      ? {
          discountType: 'DISCOUNT',
          discountCode: line.discountCode,
          discountName: line.discountName ?? line.discountCode,
        }
      : {}),
    totalDiscountAmount: moneyString(line.discountedAmount),
    sku: line.sku,
    name: line.name,
    statisticGroup: group.name,
    quantity: String(line.quantity),
    accountingGroup: { accountingGroupId: group.id, name: group.name, statisticGroup: group.name, code: group.code },
    currency: location.currency,
    tags: [],
    ...(include.has('revenue_center')
      ? { revenueCenter: location.revenueCenter.name, revenueCenterId: location.revenueCenter.id }
      : {}),
    categories: [{ category: 'default', value: group.name }],
    timeofSale: isoUtc(line.time),
    ...(include.has('staff') ? { staffId: location.staff.id, staffName: location.staff.name } : {}),
    deviceId: location.device.id,
    deviceName: location.device.name,
    ...(include.has('account_profile') ? { accountProfileCode: account.profileCode } : {}),
  };
}

/** financial-apiSaleDto for a closed account. */
export function saleDto(account: Account, location: SeedLocation, include: Set<string>): Json {
  const lines = account.lines.flatMap((l) => [
    saleLine(l, undefined, account, location, include),
    ...l.subLines.map((s) => saleLine(s, l, account, location, include)),
  ]);
  const table =
    account.tableNumber !== undefined
      ? location.floorPlans.find((fp) => fp.tables.some((t) => t.number === account.tableNumber))
      : undefined;
  return {
    accountReference: Buffer.from(account.uuid.replace(/-/g, ''), 'hex').toString('base64'),
    accountFiscId: account.identifier,
    receiptId: account.receiptId,
    source: { initialAccountId: account.identifier },
    salesLines: lines,
    ...(include.has('payments')
      ? {
          payments: account.payments.map((p) => ({
            code: p.methodCode,
            description: p.methodName,
            paymentMethodId: p.methodId,
            netAmountWithTax: moneyString(p.amount),
            currency: location.currency,
            tip: moneyString(p.tip),
            ...(include.has('consumer') && account.consumer
              ? {
                  consumer: {
                    id: account.uuid,
                    firstName: account.consumer.firstName,
                    ...(account.consumer.lastName ? { lastName: account.consumer.lastName } : {}),
                    ...(account.consumer.email ? { email: account.consumer.email } : {}),
                  },
                }
              : {}),
            type: 'NORMAL',
            deviceId: String(location.device.id),
            deviceName: location.device.name,
            ...(include.has('staff') ? { staffId: location.staff.id, staffName: location.staff.name } : {}),
            ...(include.has('payment_authorization') ? { authorization: p.fiscId.slice(-3).padStart(3, '0') } : {}),
            externalReference: p.externalReference,
            ...(include.has('revenue_center')
              ? { revenueCenter: location.revenueCenter.name, revenueCenterId: location.revenueCenter.id }
              : {}),
            fiscId: p.fiscId,
            uuid: Buffer.from(p.uuid.replace(/-/g, ''), 'hex').toString('base64url'),
            fiscDate: isoUtc(p.date),
            surcharge: '0.00',
          })),
        }
      : {}),
    timeofOpening: isoUtc(account.openedAt),
    timeofCloseAndPaid: isoUtc(account.closedAt ?? account.openedAt),
    cancelled: false,
    ...(include.has('table') && account.tableNumber !== undefined
      ? {
          tableNumber: String(account.tableNumber),
          tableName: `${table?.name ?? 'Floor'}, Table ${account.tableNumber}`,
        }
      : {}),
    ...(include.has('account_profile') ? { accountProfileCode: account.profileCode } : {}),
    ...(include.has('staff') ? { ownerName: location.staff.name, ownerId: location.staff.id } : {}),
    type: 'SALE',
    externalReferences: account.orderReference ? [externalReference(location.id, account.orderReference)] : [],
    nbCovers: account.clientCount,
    dineIn: account.profileCode === 'DINEIN',
    deviceId: location.device.id,
    deviceName: location.device.name,
  };
}

/** Start (UTC ms) of the business day that contains `ms`, and of the next one. */
export function businessDay(location: SeedLocation, ms: number): { start: number; end: number; date: string } {
  let date = localDate(location.timezone, ms);
  if (ms < zonedTime(location.timezone, date, START_OF_DAY_HOUR)) date = addDays(date, -1);
  return dayWindow(location, date);
}

export function dayWindow(location: SeedLocation, date: string): { start: number; end: number; date: string } {
  return {
    date,
    start: zonedTime(location.timezone, date, START_OF_DAY_HOUR),
    end: zonedTime(location.timezone, addDays(date, 1), START_OF_DAY_HOUR),
  };
}

export function nextStartOfDay(location: SeedLocation, now: number): string {
  return isoWithOffset(location.timezone, businessDay(location, now).end);
}

/**
 * Generates `count` closed POS sales spread over [from, to), deterministic for a given seed and
 * starting state. They look like walk-in trade: card or cash, dine-in with a table or takeaway.
 */
export function generateSales(
  state: SandboxState,
  location: SeedLocation,
  opts: { count: number; from: number; to: number; seed: number },
): Account[] {
  const rand = prng(opts.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const sellable = CATALOG_ITEMS.filter((i) => !i.subItem && i.sku !== 'DEAL-LUNCH').map((i) => i.sku);
  const tables = location.floorPlans.flatMap((fp) => fp.tables.map((t) => t.number));
  const span = opts.to - opts.from;
  const created: Account[] = [];
  for (let i = 0; i < opts.count; i++) {
    const closedAt = opts.from + Math.floor(((i + rand()) * span) / opts.count);
    const openedAt = Math.max(opts.from, closedAt - (15 + Math.floor(rand() * 75)) * 60_000);
    const dineIn = rand() < 0.65;
    const account = openAccount(state, location, {
      kind: 'pos',
      profileCode: dineIn ? 'DINEIN' : 'TAKEAWAY',
      clientCount: dineIn ? 1 + Math.floor(rand() * 4) : 1,
      openedAt,
      ...(dineIn && tables.length > 0 ? { tableNumber: pick(tables) } : {}),
    });
    const lineCount = 1 + Math.floor(rand() * 4);
    for (let l = 0; l < lineCount; l++) {
      const item = state.itemBySku(location.id, pick(sellable));
      if (!item) continue;
      account.lines.push(
        makeLine(state, location, {
          item,
          unitAmount: item.defaultPrice,
          quantity: 1 + Math.floor(rand() * 2),
          modifiers: [],
          subLines: [],
          time: openedAt + l * 60_000,
        }),
      );
    }
    const card = rand() < 0.7;
    const method = location.paymentMethods.find((m) => m.code === (card ? 'CARD' : 'CASH'))!;
    const total = accountTotal(account);
    account.payments.push({
      fiscId: `T${location.posId}.${account.identifier.split('.')[1]}1`,
      uuid: account.uuid,
      methodCode: method.code,
      methodName: method.name,
      methodId: method.id,
      amount: total,
      tip: card && rand() < 0.3 ? money(total * 0.1) : 0,
      externalReference: '',
      date: closedAt,
    });
    account.closedAt = closedAt;
    state.addSale(account);
    created.push(account);
  }
  return created;
}

const GROUP_KEYS = ['staff', 'device', 'deviceId', 'tag', 'accountingGroup', 'statisticGroup'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];
export const isGroupKey = (k: string): k is GroupKey => (GROUP_KEYS as readonly string[]).includes(k);

/** Aggregates sale lines by the groupBy keys, nested in the order given. */
export function aggregate(sales: Account[], location: SeedLocation, keys: GroupKey[]): Json {
  const lines = sales.flatMap((a) => allLines(a.lines).map((line) => ({ account: a, line })));
  const groupValue = (key: GroupKey, entry: { account: Account; line: AccountLine }): string => {
    switch (key) {
      case 'staff':
        return location.staff.name;
      case 'device':
        return location.device.name;
      case 'deviceId':
        return String(location.device.id);
      case 'tag':
        return entry.account.profileCode;
      default:
        return accountingGroupOf(location, entry.line.accountingGroupId).name;
    }
  };
  const totals = (entries: typeof lines) => ({
    totalAmount: moneyString(entries.reduce((s, e) => s + e.line.amountWithTax, 0)),
    serviceCharge: '0.00',
    totalDiscountedAmount: moneyString(entries.reduce((s, e) => s + e.line.discountedAmount, 0)),
    totalTaxAmount: moneyString(entries.reduce((s, e) => s + e.line.amountWithTax - e.line.amountLessTax, 0)),
    numberOfSales: entries.length,
  });
  const level = (entries: typeof lines, depth: number): Json[] => {
    const key = keys[depth];
    if (!key) return [];
    const groups = new Map<string, typeof lines>();
    for (const e of entries) groups.set(groupValue(key, e), [...(groups.get(groupValue(key, e)) ?? []), e]);
    const children = [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([value, group]) => ({
        groupByValue: value,
        ...totals(group),
        children: level(group, depth + 1),
      }));
    return [{ groupByKey: key, children }];
  };
  return { groupByKey: keys.join(','), groupByValue: 'all', ...totals(lines), children: level(lines, 0) };
}
