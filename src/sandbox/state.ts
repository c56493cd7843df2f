// Everything the sandbox remembers, in memory. One SandboxState per sandbox instance; reset()
// puts it back to the seed so tests (and the dev loop) can start clean without a restart.
import type {
  AccessToken,
  Account,
  AuthCode,
  Grant,
  ItemRecord,
  OrderRecord,
  PaymentRecord,
  RefreshToken,
  RichItem,
  TokenRequestRecord,
  WebhookEndpoint,
  WebhookRecord,
} from './model.js';
import { CATALOG_ITEMS } from './seed-catalog.js';
import { ALL_SEED_LOCATIONS, SEED_BUSINESSES, type SeedBusiness, type SeedLocation } from './seed.js';

export type * from './model.js';

/** The seed's fixed "now" for seeded timestamps, so rich items look the same on every run. */
const SEEDED_AT = Date.UTC(2024, 0, 15, 9, 0, 0);

export class SandboxState {
  readonly businesses: readonly SeedBusiness[] = SEED_BUSINESSES;
  readonly locations = new Map<number, SeedLocation>(ALL_SEED_LOCATIONS.map((l) => [l.id, l]));

  codes = new Map<string, AuthCode>();
  grants = new Map<string, Grant>();
  accessTokens = new Map<string, AccessToken>();
  refreshTokens = new Map<string, RefreshToken>();
  endpoints = new Map<string, WebhookEndpoint>();
  accounts = new Map<string, Account>();
  /** Closed accounts per location, ordered by close time then identifier: the financial sales. */
  sales = new Map<number, Account[]>();
  accountCounters = new Map<number, number>();
  lineCounter = 0;
  orderReferences = new Map<string, OrderRecord>();
  paymentReferences = new Set<string>();
  orders: OrderRecord[] = [];
  payments: PaymentRecord[] = [];
  webhooks: WebhookRecord[] = [];
  tokenRequests: TokenRequestRecord[] = [];
  requestCounts = new Map<string, number>();
  printedMessages: { businessLocationId: number; message: string; alsoToPrinter: boolean; at: string }[] = [];
  readiness = new Map<number, { status: 'READY' | 'NOT_READY'; lastUpdatedAt: number }>();
  /** Restricted SKUs per location, with the count left (0 = sold out); a SKU not here is available. */
  availability = new Map<number, Map<string, { count: number; updatedAt: number }>>();
  items = new Map<number, Map<number, ItemRecord>>();
  itemCounter = 0;
  richItems = new Map<number, Map<string, RichItem>>();
  locales = new Map<number, string[]>();

  constructor(private readonly now: () => number) {
    this.reset();
  }

  reset(): void {
    this.codes.clear();
    this.grants.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.endpoints.clear();
    this.accounts.clear();
    this.sales = new Map(ALL_SEED_LOCATIONS.map((l) => [l.id, []]));
    this.accountCounters = new Map(ALL_SEED_LOCATIONS.map((l) => [l.id, 0]));
    this.lineCounter = 0;
    this.orderReferences.clear();
    this.paymentReferences.clear();
    this.orders = [];
    this.payments = [];
    this.webhooks = [];
    this.tokenRequests = [];
    this.requestCounts.clear();
    this.printedMessages = [];
    const now = this.now();
    this.readiness = new Map(ALL_SEED_LOCATIONS.map((l) => [l.id, { status: 'READY' as const, lastUpdatedAt: now }]));
    this.availability = new Map(ALL_SEED_LOCATIONS.map((l) => [l.id, new Map()]));
    this.itemCounter = 0;
    this.items = new Map(ALL_SEED_LOCATIONS.map((l) => [l.id, seedItems(l)]));
    this.richItems = new Map(SEED_BUSINESSES.map((b) => [b.id, seedRichItems()]));
    this.locales = new Map(SEED_BUSINESSES.map((b) => [b.id, ['en', 'nl']]));
  }

  locationsOf(businessId: number): SeedLocation[] {
    return this.businesses.find((b) => b.id === businessId)?.locations ?? [];
  }

  business(businessId: number): SeedBusiness | undefined {
    return this.businesses.find((b) => b.id === businessId);
  }

  /** The active item with this SKU at the location (seeded or created through the Items API). */
  itemBySku(locationId: number, sku: string): ItemRecord | undefined {
    for (const item of this.items.get(locationId)?.values() ?? []) {
      if (item.sku === sku && item.active) return item;
    }
    return undefined;
  }

  nextAccountNumber(locationId: number): number {
    const n = (this.accountCounters.get(locationId) ?? 0) + 1;
    this.accountCounters.set(locationId, n);
    return n;
  }

  /** Inserts a closed account into its location's sales, keeping them ordered. */
  addSale(account: Account): void {
    const list = this.sales.get(account.locationId) ?? [];
    const key = saleOrder(account);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareSaleKeys(saleOrder(list[mid] as Account), key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, account);
    this.sales.set(account.locationId, list);
  }

  countRequest(key: string): void {
    this.requestCounts.set(key, (this.requestCounts.get(key) ?? 0) + 1);
  }
}

function saleOrder(a: Account): [number, number, number] {
  return [a.closedAt ?? 0, a.locationId, a.numericId];
}

function compareSaleKeys(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function seedItems(location: SeedLocation): Map<number, ItemRecord> {
  const map = new Map<number, ItemRecord>();
  for (const item of CATALOG_ITEMS) {
    const id = location.itemIds[item.sku] as number;
    map.set(id, {
      id,
      locationId: location.id,
      sku: item.sku,
      name: item.name,
      docketName: item.name.toUpperCase().slice(0, 24),
      active: true,
      barcodes: [],
      accountingGroupId: location.accountingGroups[item.accountingGroup].id,
      costPrice: item.costPrice,
      defaultPrice: item.price[location.currency],
      priceMode: 'AMOUNT',
      taxClass: item.taxClass,
      subItem: item.subItem ?? false,
    });
  }
  return map;
}

function seedRichItems(): Map<string, RichItem> {
  const map = new Map<string, RichItem>();
  for (const item of CATALOG_ITEMS) {
    const picture = item.picture
      ? {
          pictureUrl: `https://rich-content.sandbox.lsk.invalid/items/${item.sku}.png`,
          previewPictureUrl: `https://rich-content.sandbox.lsk.invalid/items/${item.sku}_preview.png`,
          rawPictureUrl: `https://rich-content.sandbox.lsk.invalid/items/${item.sku}_raw.png`,
        }
      : {};
    // Items without a picture and without allergens have no rich item at all, so menus loaded
    // with richContent=true report richDataMissing like a half-configured back office does.
    if (!item.picture && item.allergens.length === 0) continue;
    map.set(item.sku, {
      sku: item.sku,
      descriptions: [
        { localeCode: 'en', displayName: item.texts.en.name, description: item.texts.en.description },
        { localeCode: 'nl', displayName: item.texts.nl.name, description: item.texts.nl.description },
      ],
      allergenCodes: [...item.allergens],
      ...(item.alcoholPercentage !== undefined ? { alcoholPercentage: item.alcoholPercentage } : {}),
      ...picture,
      creationDate: SEEDED_AT,
      lastUpdateDate: SEEDED_AT,
    });
  }
  return map;
}

/** Webhook endpoints are namespaced per OAuth client and business, like registrations at K-Series. */
export function endpointKey(clientId: string, businessId: number, endpointId: string): string {
  return `${clientId}|${businessId}|${endpointId}`;
}
