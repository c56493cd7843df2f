// What an order costs on the K-Series check, computed from the location's menu the way the POS
// prices a check line (and our sandbox, src/sandbox/accounts.ts, does the same):
//   gross = unit price x quantity (deal choices at their extraPrice, product modifiers and
//   sub-items at their own price, production instructions free); a discount code takes its
//   percentage or amount off the line's gross (never below 0); tax is then added on top when the
//   menu says the price excludes it, or is already in the price. The check total is the sum of
//   every line's and sub-line's amount with tax (apeAccountLineItem.amountWithTax).
// All in integer cents with integer rational arithmetic: no float ever touches a sum.
import type { Discount, Menu, MenuEntry } from '../../integrations/lightspeed/client/index.js';

/** One sellable entry of the menu, with what pricing and validation need. */
export interface PricedEntry {
  sku: string;
  /** The menu's name for the entry (productName, else name), shown on the order's lines. */
  name: string | null;
  kind: string;
  unitCents: number;
  taxIncluded: boolean;
  /** Tax percentage in thousandths of a percent (8.875 % -> 8875). */
  taxMilliPercent: number;
  /** The menu warns that tax depends on the check (K-Series' conditionalTaxRules). */
  conditionalTax: boolean;
  customPrice: boolean;
  /** Production instructions (ikentooModifierId) offered on this item. */
  modifierIds: Set<string>;
  /** Deal choices by SKU, with their surcharge (extraPrice) in cents. */
  dealChoices: Map<string, number> | null;
  /** Product modifiers (V2 modifier groups) by SKU, with their own entry. */
  productModifiers: Map<string, PricedEntry>;
  /** Only sold inside another item (asSubItem). */
  subItemOnly: boolean;
}

export interface MenuIndex {
  items: Map<string, PricedEntry>;
  discounts: Map<string, { percentMilli: number | null; amountCents: number | null }>;
  conditionalTax: boolean;
}

/** Decimal (at most 2 places, as K-Series sends amounts) to cents, exactly. */
export function toCents(value: number): number {
  return Math.round(value * 100);
}

/** Percentages may carry more places (8.875): thousandths of a percent. */
const toMilli = (value: number): number => Math.round(value * 1000);

/** n / d rounded half away from zero, for integers n >= 0, d > 0 (the POS's rounding). */
function divRound(n: number, d: number): number {
  return Math.floor((2 * n + d) / (2 * d));
}

/** A decimal string from Postgres ("14.50", "3", "-0.5") to cents, without a float. */
export function decimalToCents(value: string): number {
  const [whole = '0', fraction = ''] = value.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return value.startsWith('-') ? -cents : cents;
}

export function centsToString(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function entryOf(e: MenuEntry, conditional: boolean): PricedEntry {
  const modifierIds = new Set<string>();
  const instructions = (e.productionInstructionList ?? []) as {
    productionInstructionList?: { ikentooModifierId: number }[];
  }[];
  for (const group of instructions) {
    for (const option of group.productionInstructionList ?? []) modifierIds.add(String(option.ikentooModifierId));
  }
  let dealChoices: Map<string, number> | null = null;
  if (e['@type'] === 'menuDeal') {
    dealChoices = new Map();
    for (const group of e.menuDealGroups ?? []) {
      for (const choice of group.items ?? []) {
        if (choice.sku) dealChoices.set(choice.sku, toCents(Number(choice.extraPrice ?? 0)));
      }
    }
    for (const choice of e.items ?? [])
      if (choice.sku) dealChoices.set(choice.sku, toCents(Number(choice.extraPrice ?? 0)));
  }
  const productModifiers = new Map<string, PricedEntry>();
  for (const group of e.menuModifierGroups ?? []) {
    for (const m of group.productModifiers ?? []) if (m.sku) productModifiers.set(m.sku, entryOf(m, conditional));
  }
  return {
    sku: e.sku as string,
    name: e.productName ?? e.name ?? null,
    kind: e['@type'],
    unitCents: toCents(e.productPrice ?? 0),
    taxIncluded: e.taxIncludedInPrice !== false,
    taxMilliPercent: toMilli(Number(e.defaultTaxPercentage ?? 0)),
    conditionalTax: conditional || e.conditionalTaxRules === true,
    customPrice: typeof e.pricingStrategy === 'string' && e.pricingStrategy !== 'PRICE_CANNOT_BE_CUSTOMIZED',
    modifierIds,
    dealChoices,
    productModifiers,
    subItemOnly: e.asSubItem === true,
  };
}

/** Every sellable entry of every menu, by SKU (the first one found wins: one item, one price). */
export function buildMenuIndex(menus: readonly Menu[], discounts: readonly Discount[]): MenuIndex {
  const items = new Map<string, PricedEntry>();
  let conditionalTax = false;
  const walk = (entries: readonly MenuEntry[] | undefined, conditional: boolean) => {
    for (const e of entries ?? []) {
      if (e['@type'] === 'group') walk(e.menuEntry, conditional);
      else if (e.sku && !items.has(e.sku)) items.set(e.sku, entryOf(e, conditional));
    }
  };
  for (const menu of menus) {
    conditionalTax ||= menu.conditionalTaxRules === true;
    walk(menu.menuEntryGroups, menu.conditionalTaxRules === true);
  }
  const byCode = new Map<string, { percentMilli: number | null; amountCents: number | null }>();
  for (const d of discounts) {
    if (!d.code) continue;
    byCode.set(d.code, {
      percentMilli: typeof d.discountPercentage === 'number' ? toMilli(d.discountPercentage) : null,
      amountCents: typeof d.discountAmount === 'number' ? toCents(d.discountAmount) : null,
    });
  }
  return { items, discounts: byCode, conditionalTax };
}

export interface LineToPrice {
  quantity: number;
  unitCents: number;
  taxIncluded: boolean;
  taxMilliPercent: number;
  discount?: { percentMilli: number | null; amountCents: number | null } | undefined;
}

/** One check line's amount with tax, in cents. */
export function lineAmountCents(line: LineToPrice): number {
  const gross = line.unitCents * line.quantity;
  let discounted = 0;
  if (line.discount?.percentMilli != null) discounted = divRound(gross * line.discount.percentMilli, 100_000);
  else if (line.discount?.amountCents != null) discounted = Math.min(gross, line.discount.amountCents);
  const afterDiscount = gross - discounted;
  if (line.taxIncluded) return afterDiscount;
  return divRound(afterDiscount * (100_000 + line.taxMilliPercent), 100_000);
}
