// Deterministic seed: two merchants (businesses), three business locations, and every id a test
// may need. K-Series ids are int64; these are realistic 14-digit numbers below 2^53 so they are
// exact in JavaScript. Per-location ids follow one scheme: 45454565700000 + index*100000 + n.
import {
  CATALOG_ITEMS,
  DISCOUNTS,
  INSTRUCTION_GROUPS,
  MENUS,
  type AccountingGroupKey,
  type Currency,
  type InstructionGroupKey,
  type TaxClass,
} from './seed-catalog.js';

export interface SeedTaxRate {
  id: number;
  code: string;
  description: string;
  /** Percentage, e.g. 9 for 9 %. */
  percentage: number;
  included: boolean;
}

export interface SeedLocation {
  key: string;
  businessId: number;
  id: number;
  name: string;
  timezone: string;
  country: string;
  currency: Currency;
  /** The POS id that prefixes account identifiers: A{posId}.{n}. */
  posId: number;
  taxIncluded: boolean;
  taxes: Record<TaxClass, SeedTaxRate>;
  profiles: { id: number; code: string; name: string; deliveryMode: 'NONE' | 'TAKE_AWAY' | 'DELIVERY' }[];
  menus: { id: number; key: string; name: string }[];
  floorPlans: { id: number; name: string; tables: { id: string; number: number; seats: number }[] }[];
  instructionGroups: {
    key: InstructionGroupKey;
    id: number;
    name: string;
    multi: boolean;
    options: { id: number; name: string }[];
  }[];
  paymentMethods: { id: number; code: string; name: string; accountingReference: string }[];
  accountingGroups: Record<AccountingGroupKey, { id: number; name: string; code: string }>;
  itemIds: Record<string, number>;
  staff: { id: number; name: string };
  device: { id: number; name: string };
  revenueCenter: { id: number; name: string };
}

export interface SeedBusiness {
  id: number;
  name: string;
  currencyCode: Currency;
  merchant: { username: string; password: string; name: string };
  locations: SeedLocation[];
}

const FLOOR_PLANS: [string, number[]][][] = [
  [
    ['Main Room', [1, 2, 3, 4, 5, 6, 7, 8]],
    ['Terrace', [20, 21, 22, 23, 24]],
  ],
  [
    ['Dining Room', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['Bar', [30, 31, 32, 33, 34]],
  ],
  [
    ['Bistro', [1, 2, 3, 4, 5, 6]],
    ['Canal Side', [10, 11, 12]],
  ],
];

function buildLocation(
  index: number,
  businessId: number,
  base: Pick<SeedLocation, 'key' | 'id' | 'name' | 'timezone' | 'country' | 'currency' | 'posId' | 'taxIncluded'>,
): SeedLocation {
  const id = (n: number): number => 45454565700000 + index * 100000 + n;
  const taxes: Record<TaxClass, SeedTaxRate> = base.taxIncluded
    ? {
        food: { id: id(601), code: 'VAT9', description: 'BTW laag 9%', percentage: 9, included: true },
        drink: { id: id(601), code: 'VAT9', description: 'BTW laag 9%', percentage: 9, included: true },
        alcohol: { id: id(602), code: 'VAT21', description: 'BTW hoog 21%', percentage: 21, included: true },
      }
    : {
        food: { id: id(601), code: 'NYS', description: 'NYC sales tax 8.875%', percentage: 8.875, included: false },
        drink: { id: id(601), code: 'NYS', description: 'NYC sales tax 8.875%', percentage: 8.875, included: false },
        alcohol: { id: id(601), code: 'NYS', description: 'NYC sales tax 8.875%', percentage: 8.875, included: false },
      };
  const instructionKeys = Object.keys(INSTRUCTION_GROUPS) as InstructionGroupKey[];
  return {
    ...base,
    businessId,
    taxes,
    profiles: [
      { id: id(1), code: 'DINEIN', name: 'Dine in', deliveryMode: 'NONE' },
      { id: id(2), code: 'TAKEAWAY', name: 'Takeaway', deliveryMode: 'TAKE_AWAY' },
      { id: id(3), code: 'COLLECT', name: 'Click & Collect', deliveryMode: 'TAKE_AWAY' },
      { id: id(4), code: 'DELIVERY', name: 'Delivery', deliveryMode: 'DELIVERY' },
    ],
    menus: MENUS.map((m, i) => ({ id: id(101 + i), key: m.key, name: m.name })),
    floorPlans: (FLOOR_PLANS[index] ?? []).map(([name, numbers], p) => ({
      id: id(201 + p),
      name,
      tables: numbers.map((number) => ({
        id: String(id(3000 + p * 100 + number)),
        number,
        seats: number % 3 === 0 ? 6 : 4,
      })),
    })),
    instructionGroups: instructionKeys.map((key, g) => ({
      key,
      id: id(400 + g * 10),
      name: INSTRUCTION_GROUPS[key].name,
      multi: INSTRUCTION_GROUPS[key].multi,
      options: INSTRUCTION_GROUPS[key].options.map((name, o) => ({ id: id(400 + g * 10 + 1 + o), name })),
    })),
    paymentMethods: [
      { id: id(501), code: 'CASH', name: 'Cash', accountingReference: 'cash' },
      { id: id(502), code: 'CARD', name: 'Card', accountingReference: 'card' },
      { id: id(503), code: 'OOPAYMENT', name: 'Online Order Payment', accountingReference: 'online' },
      { id: id(504), code: 'GIFTCARD', name: 'Gift Card', accountingReference: 'giftcard' },
    ],
    accountingGroups: {
      food: { id: id(701), name: 'Food', code: 'FD' },
      drinks: { id: id(702), name: 'Soft Drinks', code: 'SD' },
      alcohol: { id: id(703), name: 'Alcoholic beverages', code: 'AL' },
    },
    itemIds: Object.fromEntries(CATALOG_ITEMS.map((item, i) => [item.sku, id(1001 + i)])),
    staff: { id: id(801), name: 'Online Order' },
    device: { id: id(901), name: `iPad ${base.posId}` },
    revenueCenter: { id: id(951), name: 'Fixed POS' },
  };
}

const MAIN_BUSINESS_ID = 45454565682155;
const SECOND_BUSINESS_ID = 45454565690155;

/** The businesses the sandbox starts with (treat as read-only; state.ts copies what can change). */
export const SEED_BUSINESSES: readonly SeedBusiness[] = [
  {
    id: MAIN_BUSINESS_ID,
    name: 'Harbour & Hudson Kitchen',
    currencyCode: 'EUR',
    merchant: { username: 'demo@harbour-hudson.example', password: 'sandbox-demo', name: 'Demo Merchant' },
    locations: [
      buildLocation(0, MAIN_BUSINESS_ID, {
        key: 'amsterdam',
        id: 45454565682156,
        name: 'Harbour Kitchen Amsterdam',
        timezone: 'Europe/Amsterdam',
        country: 'NL',
        currency: 'EUR',
        posId: 17700,
        taxIncluded: true,
      }),
      buildLocation(1, MAIN_BUSINESS_ID, {
        key: 'newYork',
        id: 45454565682157,
        name: 'Hudson Kitchen New York',
        timezone: 'America/New_York',
        country: 'US',
        currency: 'USD',
        posId: 24100,
        taxIncluded: false,
      }),
    ],
  },
  {
    id: SECOND_BUSINESS_ID,
    name: 'Canal Bistro',
    currencyCode: 'EUR',
    merchant: { username: 'owner@canal-bistro.example', password: 'sandbox-demo', name: 'Canal Bistro Owner' },
    locations: [
      buildLocation(2, SECOND_BUSINESS_ID, {
        key: 'utrecht',
        id: 45454565690156,
        name: 'Canal Bistro Utrecht',
        timezone: 'Europe/Amsterdam',
        country: 'NL',
        currency: 'EUR',
        posId: 31200,
        taxIncluded: true,
      }),
    ],
  },
];

const [MAIN, SECOND] = SEED_BUSINESSES as [SeedBusiness, SeedBusiness];
const [AMS, NYC] = MAIN.locations as [SeedLocation, SeedLocation];
const [UTR] = SECOND.locations as [SeedLocation];

function publicLocation(loc: SeedLocation) {
  return {
    id: loc.id,
    name: loc.name,
    timezone: loc.timezone,
    country: loc.country,
    currency: loc.currency,
    posId: loc.posId,
    menus: Object.fromEntries(loc.menus.map((m) => [m.key, m.id])) as { allDay: number; lunch: number },
    floorPlans: loc.floorPlans.map((fp) => ({ id: fp.id, name: fp.name, tables: fp.tables.map((t) => t.number) })),
    /** Production instruction ("modifier") ids by option name, e.g. `modifiers['Medium rare']`. */
    modifiers: Object.fromEntries(loc.instructionGroups.flatMap((g) => g.options.map((o) => [o.name, o.id]))) as Record<
      string,
      number
    >,
    itemIds: loc.itemIds,
    accountingGroupIds: {
      food: loc.accountingGroups.food.id,
      drinks: loc.accountingGroups.drinks.id,
      alcohol: loc.accountingGroups.alcohol.id,
    },
  };
}

/** Ids and codes tests and the dev setup can rely on. */
export const SANDBOX_SEED = {
  business: { id: MAIN.id, name: MAIN.name, currencyCode: MAIN.currencyCode },
  /** The demo merchant's sign-in, pre-filled on the authorize page. */
  merchant: { username: MAIN.merchant.username, password: MAIN.merchant.password },
  locations: { amsterdam: publicLocation(AMS), newYork: publicLocation(NYC) },
  businessLocationIds: [AMS.id, NYC.id] as const,
  skus: {
    tomatoSoup: 'STR-SOUP',
    bruschetta: 'STR-BRUS',
    classicBurger: 'BRG-CLASSIC',
    veggieBurger: 'BRG-VEGGIE',
    salmon: 'MN-SALMON',
    risotto: 'MN-RISOTTO',
    fries: 'SD-FRIES',
    sideSalad: 'SD-SALAD',
    tiramisu: 'DS-TIRAMISU',
    cola: 'DR-COLA',
    water: 'DR-WATER',
    beer: 'DR-BEER',
    wine: 'DR-WINE',
    extraCheese: 'EXT-CHEESE',
    extraBacon: 'EXT-BACON',
    lunchDeal: 'DEAL-LUNCH',
  },
  allSkus: CATALOG_ITEMS.map((i) => i.sku),
  /** A SKU no location sells: orders with it get a FAILURE webhook. */
  unknownSku: 'NO-SUCH-SKU',
  orderProfiles: { dineIn: 'DINEIN', takeaway: 'TAKEAWAY', collect: 'COLLECT', delivery: 'DELIVERY' },
  paymentMethods: { online: 'OOPAYMENT', cash: 'CASH', card: 'CARD', giftCard: 'GIFTCARD' },
  discounts: Object.fromEntries(DISCOUNTS.map((d) => [d.code, d.name])) as Record<
    (typeof DISCOUNTS)[number]['code'],
    string
  >,
  /** A second merchant with its own business, for cross-tenant tests. */
  secondBusiness: {
    id: SECOND.id,
    name: SECOND.name,
    merchant: { username: SECOND.merchant.username, password: SECOND.merchant.password },
    location: publicLocation(UTR),
  },
  scopes: ['orders-api', 'financial-api', 'items', 'reservations-api', 'propertymanagement', 'staff-api'],
} as const;

export const ALL_SEED_LOCATIONS: readonly SeedLocation[] = SEED_BUSINESSES.flatMap((b) => b.locations);
