// Menu documents (apeMenu v1 and apeMenuV2) built from the seed layout and the live item state,
// so a price changed through the Items API shows up in the menu like it does on K-Series.
// v1 lists burger extras as sub-items in their own screen; v2 attaches them to the burgers as a
// product-modifier group (the documented difference between the two versions).
import { profilePrice } from './accounts.js';
import type { SeedLocation } from './seed.js';
import { BURGER_EXTRAS, CATALOG_ITEMS, LUNCH_DEAL, MENU_LAYOUT, MENUS, type MenuGroupKey } from './seed-catalog.js';
import type { SandboxState } from './state.js';
import { money } from './util.js';

type Json = Record<string, unknown>;

interface MenuContext {
  state: SandboxState;
  location: SeedLocation;
  profile: string | undefined;
  richContent: boolean;
  version: 1 | 2;
  /** Set when an item that was asked for rich content has none. */
  richMissing: boolean;
}

function richData(m: MenuContext, sku: string): Json | undefined {
  if (!m.richContent) return undefined;
  const rich = m.state.richItems.get(m.location.businessId)?.get(sku);
  if (!rich) {
    m.richMissing = true;
    return undefined;
  }
  return {
    ...(rich.pictureUrl
      ? { squareImageUrl: rich.pictureUrl, rawImageUrl: rich.rawPictureUrl, previewImageUrl: rich.previewPictureUrl }
      : {}),
    containsAlcohol: rich.alcoholPercentage !== undefined,
    ...(rich.alcoholPercentage !== undefined ? { alcoholPercentage: rich.alcoholPercentage } : {}),
    texts: rich.descriptions.map((d) => ({
      locale: d.localeCode,
      friendlyDisplayName: d.displayName ?? '',
      description: d.description ?? '',
    })),
    allergenCodes: rich.allergenCodes,
  };
}

/** Fields shared by every sellable entry (apeMenuItemEntryParent[V2]). */
function parentFields(m: MenuContext, sku: string, color: string, extraPrice?: number): Json | undefined {
  const item = m.state.itemBySku(m.location.id, sku);
  if (!item) return undefined;
  const price = profilePrice(item, m.profile);
  const tax = m.location.taxes[item.taxClass];
  const taxAmount = tax.included
    ? money(price - price / (1 + tax.percentage / 100))
    : money((price * tax.percentage) / 100);
  const rich = richData(m, sku);
  return {
    productName: item.name,
    productPrice: price,
    ...(extraPrice !== undefined ? { extraPrice } : {}),
    color,
    sku,
    customItemNameEnabled: false,
    pricingStrategy: 'PRICE_CANNOT_BE_CUSTOMIZED',
    ...(rich ? { itemRichData: rich } : {}),
    defaultTaxAmount: taxAmount,
    defaultTaxPercentage: tax.percentage,
    taxIncludedInPrice: tax.included,
    conditionalTaxRules: false,
    taxes: [{ description: tax.description, amount: taxAmount, percentage: tax.percentage }],
  };
}

function instructions(m: MenuContext, sku: string): Json[] {
  const keys = CATALOG_ITEMS.find((i) => i.sku === sku)?.instructions ?? [];
  return m.location.instructionGroups.filter((g) => keys.includes(g.key)).map(instructionGroupJson);
}

export function instructionGroupJson(g: SeedLocation['instructionGroups'][number]): Json {
  return {
    multiSelectionPermitted: g.multi,
    productionInstructionGroupName: g.name,
    productionIntructionGroupId: g.id,
    productionInstructionList: g.options.map((o) => ({ instruction: o.name, ikentooModifierId: o.id })),
  };
}

function modifierGroups(m: MenuContext, sku: string): Json[] {
  if (!CATALOG_ITEMS.find((i) => i.sku === sku)?.extras) return [];
  const productModifiers = BURGER_EXTRAS.items
    .map((s) => parentFields(m, s, 'grey'))
    .filter((p): p is Json => p !== undefined)
    .map((p) => ({ '@type': 'menuProductModifier', ...p, productionInstructionList: [] }));
  return [
    {
      description: BURGER_EXTRAS.description,
      sku: BURGER_EXTRAS.sku,
      mustSelectAnItem: false,
      multiSelectionPermitted: true,
      minimumSelection: BURGER_EXTRAS.minimumSelection,
      maximumSelection: BURGER_EXTRAS.maximumSelection,
      productModifiers,
    },
  ];
}

function itemEntry(
  m: MenuContext,
  sku: string,
  color: string,
  extraPrice?: number,
  asSubItem = false,
): Json | undefined {
  const parent = parentFields(m, sku, color, extraPrice);
  if (!parent) return undefined;
  return {
    '@type': 'menuItem',
    ...parent,
    asSubItem,
    productionInstructionList: instructions(m, sku),
    ...(m.version === 2 ? { menuModifierGroups: modifierGroups(m, sku) } : {}),
  };
}

function dealEntry(m: MenuContext, color: string): Json | undefined {
  const parent = parentFields(m, LUNCH_DEAL.sku, color);
  if (!parent) return undefined;
  return {
    '@type': 'menuDeal',
    ...parent,
    menuDealGroups: LUNCH_DEAL.groups.map((g) => ({
      description: g.description,
      sku: g.sku,
      mustSelectAnItem: true,
      multiSelectionPermitted: false,
      minimumSelection: 1,
      maximumSelection: 1,
      items: g.items.map(([sku, extra]) => itemEntry(m, sku, color, extra)).filter((e): e is Json => e !== undefined),
    })),
  };
}

function groupEntries(m: MenuContext, key: MenuGroupKey): Json[] {
  const layout = MENU_LAYOUT[key];
  const entries: Json[] = layout.skus
    .map((sku) => itemEntry(m, sku, layout.color))
    .filter((e): e is Json => e !== undefined);
  if (key === 'mains') entries.unshift(groupJson(m, 'burgers'));
  if (key === 'deals') {
    const deal = dealEntry(m, layout.color);
    if (deal) entries.push(deal);
  }
  if (key === 'sides' && m.version === 1) {
    // v1 has no product modifiers: the extras are sold as sub-items from their own sub-screen.
    const extras = BURGER_EXTRAS.items
      .map((sku) => itemEntry(m, sku, 'grey', undefined, true))
      .filter((e): e is Json => e !== undefined);
    entries.push({
      '@type': 'group',
      id: String(m.location.menus[0]!.id * 10 + 9),
      name: 'Extras',
      color: 'grey',
      menuEntry: extras,
    });
  }
  return entries;
}

function groupJson(m: MenuContext, key: MenuGroupKey): Json {
  const layout = MENU_LAYOUT[key];
  const index = Object.keys(MENU_LAYOUT).indexOf(key);
  return {
    '@type': 'group',
    id: String(m.location.id * 10 + index),
    name: layout.name,
    color: layout.color,
    menuEntry: groupEntries(m, key),
  };
}

export function buildMenu(
  state: SandboxState,
  location: SeedLocation,
  menuId: number,
  opts: { version: 1 | 2; profile?: string; richContent: boolean },
): Json | undefined {
  const menu = location.menus.find((x) => x.id === menuId);
  const layout = MENUS.find((x) => x.key === menu?.key);
  if (!menu || !layout) return undefined;
  const m: MenuContext = {
    state,
    location,
    profile: opts.profile,
    richContent: opts.richContent,
    version: opts.version,
    richMissing: false,
  };
  const menuEntryGroups = layout.groups.map((key) => groupJson(m, key));
  return {
    menuName: menu.name,
    menuEntryGroups,
    richDataMissing: m.richMissing,
    ikentooMenuId: menu.id,
    conditionalTaxRules: false,
  };
}
