// Items (lightspeed-items-api-openapi.yml), rich items, locales and allergens
// (lightspeed-rich-item-api-openapi.yml).
import { z } from 'zod';
import { halLinks, id, idInput } from './common.js';

const priceMode = z.enum(['AMOUNT', 'PERCENT', 'POSITIVE_OPEN_PRICE', 'NEGATIVE_OPEN_PRICE']);

export const item = z.looseObject({
  // Optional in the spec: an item without an id cannot be addressed, and is skipped where one is needed.
  id: id.optional(),
  name: z.string().optional(),
  docketName: z.string().optional(),
  sku: z.string().optional(),
  active: z.boolean().optional(),
  barcode: z.string().optional(),
  barcodes: z.array(z.string()).optional(),
  accountingGroup: z.looseObject({ id: id.optional(), name: z.string().optional() }).optional(),
  statisticGroups: z.array(z.looseObject({ category: z.string().optional(), value: z.string().optional() })).optional(),
  costPrice: z.number().optional(),
  prices: z.array(z.looseObject({ amount: z.number().optional(), name: z.string().optional() })).optional(),
  sharingType: z.string().optional(),
  priceMode: z.string().optional(),
  inventorySource: z.string().optional(),
  disabled: z.boolean().optional(),
  contentDimension: z.string().optional(),
  contentUom: z.string().optional(),
  contentValue: z.number().optional(),
  itemType: z.string().optional(),
});
export type Item = z.infer<typeof item>;
// The spec documents the list as a single ItemDTO; the service answers an array. Accept both.
export const itemList = z.union([z.array(item), item.transform((i) => [i])]);

const itemWriteFields = {
  name: z.string().min(1).max(180),
  businessLocationId: idInput,
  docketName: z.string().max(64).optional(),
  active: z.boolean().optional(),
  barcode: z.string().max(64).optional(),
  barcodes: z.array(z.string()).optional(),
  accountingGroupId: idInput,
  costPrice: z.number().optional(),
  defaultPrice: z.number(),
  priceMode: priceMode.optional(),
};
export const createItemRequest = z.object({ ...itemWriteFields, sku: z.string().min(1).max(32).optional() });
export type CreateItemRequest = z.input<typeof createItemRequest>;
export const updateItemRequest = z.object({ ...itemWriteFields, sku: z.string().min(1).max(32) });
export type UpdateItemRequest = z.input<typeof updateItemRequest>;

const description = z.looseObject({
  localeCode: z.string(),
  description: z.string().optional(),
  displayName: z.string().optional(),
});

export const richItem = z.looseObject({
  businessId: z.number().optional(),
  // Optional in the spec: a rich item without a SKU cannot be keyed, and is skipped where one is needed.
  sku: z.string().optional(),
  descriptions: z.array(description).optional(),
  allergenCodes: z.array(z.string()).optional(),
  creationDate: z.string().optional(),
  lastUpdateDate: z.string().optional(),
  pictureUrl: z.string().optional(),
  previewPictureUrl: z.string().optional(),
  rawPictureUrl: z.string().optional(),
});
export type RichItem = z.infer<typeof richItem>;

export const richItemPage = z
  .looseObject({
    _embedded: z.looseObject({ richItemDtoList: z.array(richItem).optional() }).optional(),
    _links: halLinks,
    page: z
      .looseObject({
        size: z.number().optional(),
        totalElements: z.number().optional(),
        totalPages: z.number().optional(),
        number: z.number().optional(),
      })
      .optional(),
  })
  .transform((v) => ({ items: v._embedded?.richItemDtoList ?? [], page: v.page ?? null }));
export type RichItemPage = z.infer<typeof richItemPage>;

export const richItemRequest = z.object({
  businessId: idInput,
  sku: z.string().min(1).max(25),
  allergenCodes: z.array(z.string()).optional(),
  descriptions: z
    .array(
      z.object({
        localeCode: z.string().min(2).max(7),
        description: z.string().max(4000).optional(),
        displayName: z.string().optional(),
      }),
    )
    .optional(),
});
export type RichItemRequest = z.input<typeof richItemRequest>;

export const richItemPictureRequest = z.object({
  businessId: idInput,
  sku: z.string().min(1).max(25),
  fileType: z.string().optional(),
  picture: z.base64().optional(),
  rawPicture: z.base64().optional(),
});
export type RichItemPictureRequest = z.input<typeof richItemPictureRequest>;

export const pictureSpec = z.looseObject({
  minHeight: z.number().int().optional(),
  minWidth: z.number().int().optional(),
  requiredAspectRatio: z.number().optional(),
});

export const locales = z.array(z.string());

export const allergen = z.looseObject({
  code: z.string(),
  translations: z.array(z.looseObject({ locale: z.string().optional(), text: z.string().optional() })).optional(),
});
export const allergens = z.array(allergen);
export type Allergen = z.infer<typeof allergen>;
