// Menus (GET /o/op/1/menu/load and /o/op/2/menu/load). Entries are a tree discriminated by
// "@type" (group, menuItem, menuDeal, menuProductModifier). One loose entry schema covers every
// kind, so an entry type K-Series adds later passes through instead of failing the whole menu;
// item-like entries must still carry their SKU, the one field an order needs.
import { z } from 'zod';
import { id } from './common.js';

export const itemRichData = z.looseObject({
  squareImageUrl: z.string().optional(),
  rawImageUrl: z.string().optional(),
  previewImageUrl: z.string().optional(),
  containsAlcohol: z.boolean().optional(),
  alcoholPercentage: z.number().optional(),
  texts: z
    .array(
      z.looseObject({
        locale: z.string().optional(),
        friendlyDisplayName: z.string().optional(),
        description: z.string().optional(),
      }),
    )
    .optional(),
  allergenCodes: z.array(z.string()).optional(),
});

const instructionGroup = z.looseObject({
  multiSelectionPermitted: z.boolean().optional(),
  productionInstructionGroupName: z.string().optional(),
  productionIntructionGroupId: id.optional(),
  productionInstructionList: z
    .array(z.looseObject({ instruction: z.string().optional(), ikentooModifierId: id }))
    .optional(),
});

/** A menu entry of any kind; nested lists depend on the kind. */
export interface MenuEntry {
  [key: string]: unknown;
  '@type': string;
  id?: string | undefined;
  name?: string | undefined;
  productName?: string | undefined;
  productPrice?: number | undefined;
  sku?: string | undefined;
  menuEntry?: MenuEntry[] | undefined;
  items?: MenuEntry[] | undefined;
  menuDealGroups?: MenuSelectionGroup[] | undefined;
  menuModifierGroups?: MenuSelectionGroup[] | undefined;
}

/** A deal group (choose items) or a V2 modifier group (choose product modifiers). */
export interface MenuSelectionGroup {
  [key: string]: unknown;
  description?: string | undefined;
  sku?: string | undefined;
  minimumSelection?: number | undefined;
  maximumSelection?: number | undefined;
  items?: MenuEntry[] | undefined;
  productModifiers?: MenuEntry[] | undefined;
}

const ITEM_LIKE = new Set(['menuItem', 'menuDeal', 'menuProductModifier']);

const selectionGroup: z.ZodType<MenuSelectionGroup> = z
  .looseObject({
    description: z.string().optional(),
    sku: z.string().optional(),
    mustSelectAnItem: z.boolean().optional(),
    multiSelectionPermitted: z.boolean().optional(),
    minimumSelection: z.number().int().optional(),
    maximumSelection: z.number().int().optional(),
    itemRichData: itemRichData.optional(),
    get items() {
      return z.array(menuEntry).optional();
    },
    get productModifiers() {
      return z.array(menuEntry).optional();
    },
  })
  .meta({ id: 'KSeriesMenuSelectionGroup' });

export const menuEntry: z.ZodType<MenuEntry> = z
  .looseObject({
    '@type': z.string(),
    id: z.string().optional(),
    name: z.string().optional(),
    color: z.string().optional(),
    productName: z.string().optional(),
    productPrice: z.number().optional(),
    extraPrice: z.number().optional(),
    sku: z.string().optional(),
    customItemNameEnabled: z.boolean().optional(),
    pricingStrategy: z.string().optional(),
    itemRichData: itemRichData.optional(),
    defaultTaxAmount: z.number().optional(),
    defaultTaxPercentage: z.number().optional(),
    taxIncludedInPrice: z.boolean().optional(),
    conditionalTaxRules: z.boolean().optional(),
    taxes: z
      .array(
        z.looseObject({
          description: z.string().optional(),
          amount: z.number().optional(),
          percentage: z.number().optional(),
        }),
      )
      .optional(),
    asSubItem: z.boolean().optional(),
    productionInstructionList: z.array(instructionGroup).optional(),
    get menuEntry() {
      return z.array(menuEntry).optional();
    },
    get items() {
      return z.array(menuEntry).optional();
    },
    get menuDealGroups() {
      return z.array(selectionGroup).optional();
    },
    get menuModifierGroups() {
      return z.array(selectionGroup).optional();
    },
  })
  .superRefine((entry, ctx) => {
    if (ITEM_LIKE.has(entry['@type']) && !entry.sku) {
      ctx.addIssue({ code: 'custom', path: ['sku'], message: `a ${entry['@type']} entry needs a sku` });
    }
  })
  // Named, so the recursive schema becomes one reusable component in our OpenAPI document.
  .meta({ id: 'KSeriesMenuEntry' });

/** Both load versions share this outline; V2 adds modifier groups and product modifiers. */
export const menu = z.looseObject({
  menuName: z.string().optional(),
  menuEntryGroups: z.array(menuEntry).default([]),
  richDataMissing: z.boolean().optional(),
  ikentooMenuId: id.optional(),
  conditionalTaxRules: z.boolean().optional(),
});
export type Menu = z.infer<typeof menu>;
