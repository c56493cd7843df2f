// Response examples of the K-Series item routes: the sandbox business's items and rich items (lists cut
// to two entries).

/** The burger's rich item (pictures, texts, allergens). */
const richItem = {
  businessId: 45454565682155,
  sku: 'BRG-CLASSIC',
  descriptions: [
    {
      localeCode: 'en',
      description: 'Dry-aged beef, cheddar, pickles, brioche bun.',
      displayName: 'Classic Burger',
    },
  ],
  allergenCodes: ['cereals'],
  creationDate: '2024-01-15T09:00:00Z',
  lastUpdateDate: '2024-01-15T09:00:00Z',
  pictureUrl: 'https://rich-content.sandbox.lsk.invalid/items/BRG-CLASSIC.png',
  previewPictureUrl: 'https://rich-content.sandbox.lsk.invalid/items/BRG-CLASSIC_preview.png',
  rawPictureUrl: 'https://rich-content.sandbox.lsk.invalid/items/BRG-CLASSIC_raw.png',
  _links: {
    self: { href: 'https://api.lsk.lightspeed.app/i/richItem/45454565682155/BRG-CLASSIC' },
    items: { href: 'https://api.lsk.lightspeed.app/i/richItem/45454565682155/' },
  },
};

/** A K-Series item of the sandbox's "Food" accounting group, as the items API answers it. */
const item = (id: number, name: string, sku: string, price: number, more: Record<string, unknown> = {}) => ({
  id,
  name,
  ...more,
  sku,
  active: true,
  barcodes: [],
  accountingGroup: { id: 45454565700701, name: 'Food' },
  statisticGroups: [{ category: 'default', value: 'Food' }],
  prices: [{ amount: price, name: 'Default' }],
  sharingType: 'LOCAL',
  priceMode: 'AMOUNT',
  inventorySource: 'PURCHASED',
  disabled: true,
  contentDimension: 'DIMENSION_LESS',
  contentUom: 'unit',
  contentValue: 1,
  itemType: 'ITEM',
});
/** The item the request examples create, then replace. */
const pumpkinSoup = item(45454567000001, 'Pumpkin soup', 'STR-PUMPKIN', 7.25);
const pumpkinSoupLarge = item(45454567000001, 'Pumpkin soup (large)', 'STR-PUMPKIN', 8.5);

export const catalogItemsExamples = {
  'POST /v1/locations/{locationId}/items': { 201: { data: pumpkinSoup } },
  'PUT /v1/locations/{locationId}/items/{itemId}': { 200: { data: pumpkinSoupLarge } },
  'GET /v1/locations/{locationId}/items': {
    200: {
      data: [
        item(45454565701001, 'Tomato Soup', 'STR-SOUP', 6.5, { docketName: 'TOMATO SOUP', costPrice: 1.4 }),
        item(45454565701002, 'Bruschetta', 'STR-BRUS', 7, { docketName: 'BRUSCHETTA', costPrice: 1.8 }),
      ],
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.855Z', ttlSeconds: 300 },
      page: { offset: 0, limit: 100, nextOffset: null },
    },
  },
  'GET /v1/locations/{locationId}/items/{itemId}': {
    200: { data: pumpkinSoupLarge, cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.863Z', ttlSeconds: 300 } },
  },
  'GET /v1/locations/{locationId}/rich-items': {
    '200': {
      data: {
        items: [richItem],
        page: null,
      },
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.886Z', ttlSeconds: 300 },
    },
  },
  'GET /v1/locations/{locationId}/rich-items/{sku}': {
    '200': {
      data: richItem,
      cache: { hit: false, fetchedAt: '2026-12-08T01:39:52.895Z', ttlSeconds: 300 },
    },
  },
};
