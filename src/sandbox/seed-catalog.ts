// The restaurant every sandbox location sells: items with prices in both currencies, tax class,
// accounting group, allergens, rich texts, production instructions, a product-modifier group
// and a combo deal. Pure data; seed.ts derives ids and per-location shapes from it.

export type Currency = 'EUR' | 'USD';
export type TaxClass = 'food' | 'drink' | 'alcohol';
export type AccountingGroupKey = 'food' | 'drinks' | 'alcohol';
export type MenuGroupKey = 'starters' | 'mains' | 'burgers' | 'sides' | 'desserts' | 'drinks' | 'deals';
export type InstructionGroupKey = 'meat' | 'fish' | 'kitchen';

export interface CatalogItem {
  sku: string;
  name: string;
  price: Record<Currency, number>;
  costPrice: number;
  taxClass: TaxClass;
  accountingGroup: AccountingGroupKey;
  allergens: string[];
  alcoholPercentage?: number;
  texts: { en: { name: string; description: string }; nl: { name: string; description: string } };
  /** Production instruction groups offered on this item (the `modifiers` endpoint). */
  instructions?: InstructionGroupKey[];
  /** Offers the burger-extras product modifier group (v2 menus). */
  extras?: boolean;
  /** Only sold as part of another item (extras). */
  subItem?: boolean;
  /** Whether the rich item has a picture (richDataMissing is true for items without rich data). */
  picture: boolean;
}

const t = (enName: string, en: string, nlName: string, nl: string): CatalogItem['texts'] => ({
  en: { name: enName, description: en },
  nl: { name: nlName, description: nl },
});

export const CATALOG_ITEMS: readonly CatalogItem[] = [
  {
    sku: 'STR-SOUP',
    name: 'Tomato Soup',
    price: { EUR: 6.5, USD: 8 },
    costPrice: 1.4,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: ['celery', 'milk'],
    picture: true,
    texts: t(
      'Tomato Soup',
      'Roasted tomato soup with basil cream.',
      'Tomatensoep',
      'Geroosterde tomatensoep met basilicumroom.',
    ),
  },
  {
    sku: 'STR-BRUS',
    name: 'Bruschetta',
    price: { EUR: 7, USD: 9 },
    costPrice: 1.8,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: ['cereals'],
    picture: true,
    texts: t(
      'Bruschetta',
      'Grilled sourdough, tomato, garlic, olive oil.',
      'Bruschetta',
      'Gegrild zuurdesem, tomaat, knoflook, olijfolie.',
    ),
  },
  {
    sku: 'BRG-CLASSIC',
    name: 'Classic Burger',
    price: { EUR: 14.5, USD: 17 },
    costPrice: 4.2,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: ['cereals', 'milk', 'mustard', 'sesame'],
    instructions: ['meat', 'kitchen'],
    extras: true,
    picture: true,
    texts: t(
      'Classic Burger',
      'Dry-aged beef, cheddar, pickles, brioche bun.',
      'Klassieke Burger',
      'Dry-aged rund, cheddar, augurk, briochebol.',
    ),
  },
  {
    sku: 'BRG-VEGGIE',
    name: 'Veggie Burger',
    price: { EUR: 13.5, USD: 16 },
    costPrice: 3.6,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: ['cereals', 'soybeans', 'sesame'],
    instructions: ['kitchen'],
    extras: true,
    picture: true,
    texts: t(
      'Veggie Burger',
      'Black bean patty, avocado, chipotle mayo.',
      'Vega Burger',
      'Zwarte-bonenburger, avocado, chipotlemayo.',
    ),
  },
  {
    sku: 'MN-SALMON',
    name: 'Grilled Salmon',
    price: { EUR: 19, USD: 24 },
    costPrice: 6.9,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: ['fish', 'milk'],
    instructions: ['fish', 'kitchen'],
    picture: true,
    texts: t(
      'Grilled Salmon',
      'Salmon fillet, beurre blanc, seasonal greens.',
      'Gegrilde Zalm',
      'Zalmfilet, beurre blanc, seizoensgroenten.',
    ),
  },
  {
    sku: 'MN-RISOTTO',
    name: 'Mushroom Risotto',
    price: { EUR: 16, USD: 19.5 },
    costPrice: 3.1,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: ['milk', 'celery'],
    instructions: ['kitchen'],
    picture: false,
    texts: t(
      'Mushroom Risotto',
      'Arborio rice, wild mushrooms, parmesan.',
      'Paddenstoelenrisotto',
      'Arboriorijst, wilde paddenstoelen, parmezaan.',
    ),
  },
  {
    sku: 'SD-FRIES',
    name: 'Fries',
    price: { EUR: 4, USD: 5 },
    costPrice: 0.6,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: [],
    picture: true,
    texts: t('Fries', 'Hand-cut fries with sea salt.', 'Friet', 'Handgesneden friet met zeezout.'),
  },
  {
    sku: 'SD-SALAD',
    name: 'Side Salad',
    price: { EUR: 4.5, USD: 5.5 },
    costPrice: 0.9,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: ['mustard'],
    picture: false,
    texts: t('Side Salad', 'Little gem, radish, mustard dressing.', 'Salade', 'Little gem, radijs, mosterddressing.'),
  },
  {
    sku: 'DS-TIRAMISU',
    name: 'Tiramisu',
    price: { EUR: 7.5, USD: 9 },
    costPrice: 1.7,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: ['eggs', 'milk', 'cereals'],
    picture: true,
    texts: t('Tiramisu', 'Mascarpone, espresso, cocoa.', 'Tiramisu', 'Mascarpone, espresso, cacao.'),
  },
  {
    sku: 'DR-COLA',
    name: 'Cola',
    price: { EUR: 3.2, USD: 3.5 },
    costPrice: 0.5,
    taxClass: 'drink',
    accountingGroup: 'drinks',
    allergens: [],
    picture: true,
    texts: t('Cola', 'Chilled cola, 33 cl.', 'Cola', 'Gekoelde cola, 33 cl.'),
  },
  {
    sku: 'DR-WATER',
    name: 'Sparkling Water',
    price: { EUR: 2.8, USD: 3 },
    costPrice: 0.3,
    taxClass: 'drink',
    accountingGroup: 'drinks',
    allergens: [],
    picture: false,
    texts: t('Sparkling Water', 'Mineral water, 50 cl.', 'Bruisend Water', 'Mineraalwater, 50 cl.'),
  },
  {
    sku: 'DR-BEER',
    name: 'Draft Beer',
    price: { EUR: 5.5, USD: 7 },
    costPrice: 1.1,
    taxClass: 'alcohol',
    accountingGroup: 'alcohol',
    allergens: ['cereals'],
    alcoholPercentage: 5,
    picture: true,
    texts: t('Draft Beer', 'Local pilsner, 40 cl.', 'Tapbier', 'Lokale pils, 40 cl.'),
  },
  {
    sku: 'DR-WINE',
    name: 'House Red',
    price: { EUR: 6.5, USD: 10 },
    costPrice: 1.9,
    taxClass: 'alcohol',
    accountingGroup: 'alcohol',
    allergens: ['sulphites'],
    alcoholPercentage: 13,
    picture: true,
    texts: t('House Red', 'Glass of Côtes du Rhône.', 'Huiswijn Rood', 'Glas Côtes du Rhône.'),
  },
  {
    sku: 'EXT-CHEESE',
    name: 'Extra Cheese',
    price: { EUR: 1.5, USD: 1.5 },
    costPrice: 0.3,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: ['milk'],
    subItem: true,
    picture: false,
    texts: t('Extra Cheese', 'A slice of aged cheddar.', 'Extra Kaas', 'Een plak belegen cheddar.'),
  },
  {
    sku: 'EXT-BACON',
    name: 'Extra Bacon',
    price: { EUR: 2, USD: 2.5 },
    costPrice: 0.5,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: [],
    subItem: true,
    picture: false,
    texts: t('Extra Bacon', 'Two rashers of smoked bacon.', 'Extra Spek', 'Twee plakken gerookt spek.'),
  },
  {
    sku: 'DEAL-LUNCH',
    name: 'Lunch Deal',
    price: { EUR: 17.5, USD: 21 },
    costPrice: 5,
    taxClass: 'food',
    accountingGroup: 'food',
    allergens: [],
    picture: true,
    texts: t('Lunch Deal', 'Burger, side and a soft drink.', 'Lunchdeal', 'Burger, bijgerecht en een frisdrank.'),
  },
];

/** The combo: each group's selectable SKUs and surcharge (`extraPrice`). */
export const LUNCH_DEAL = {
  sku: 'DEAL-LUNCH',
  groups: [
    {
      sku: 'DG-MAIN',
      description: 'Choose your burger',
      items: [
        ['BRG-CLASSIC', 0],
        ['BRG-VEGGIE', 0],
      ],
    },
    {
      sku: 'DG-SIDE',
      description: 'Choose a side',
      items: [
        ['SD-FRIES', 0],
        ['SD-SALAD', 0.5],
      ],
    },
    {
      sku: 'DG-DRINK',
      description: 'Choose a drink',
      items: [
        ['DR-COLA', 0],
        ['DR-WATER', 0],
      ],
    },
  ],
} as const;

/** The product-modifier group on burgers (v2 menus), and where its items may be ordered. */
export const BURGER_EXTRAS = {
  sku: 'MG-EXTRAS',
  description: 'Burger extras',
  minimumSelection: 0,
  maximumSelection: 2,
  items: ['EXT-CHEESE', 'EXT-BACON'],
} as const;

export const INSTRUCTION_GROUPS: Record<InstructionGroupKey, { name: string; multi: boolean; options: string[] }> = {
  meat: { name: 'Meat cooking', multi: false, options: ['Rare', 'Medium rare', 'Medium', 'Medium well', 'Well done'] },
  fish: { name: 'Fish cooking', multi: false, options: ['Seared', 'Medium', 'Well done'] },
  kitchen: { name: 'Kitchen notes', multi: true, options: ['No onion', 'Sauce on the side', 'Gluten-free bun'] },
};

/** Menu layout: top-level screens, one nested sub-screen, and which menus show which screens. */
export const MENU_LAYOUT: Record<MenuGroupKey, { name: string; color: string; skus: string[] }> = {
  starters: { name: 'Starters', color: 'orange', skus: ['STR-SOUP', 'STR-BRUS'] },
  burgers: { name: 'Burgers', color: 'red', skus: ['BRG-CLASSIC', 'BRG-VEGGIE'] },
  mains: { name: 'Mains', color: 'blue', skus: ['MN-SALMON', 'MN-RISOTTO'] },
  sides: { name: 'Sides', color: 'yellow', skus: ['SD-FRIES', 'SD-SALAD'] },
  desserts: { name: 'Desserts', color: 'pink', skus: ['DS-TIRAMISU'] },
  drinks: { name: 'Drinks', color: 'green', skus: ['DR-COLA', 'DR-WATER', 'DR-BEER', 'DR-WINE'] },
  deals: { name: 'Deals', color: 'purple', skus: [] },
};

export const MENUS = [
  { key: 'allDay', name: 'All Day Menu', groups: ['starters', 'mains', 'sides', 'desserts', 'drinks', 'deals'] },
  { key: 'lunch', name: 'Lunch Menu', groups: ['mains', 'deals', 'drinks'] },
] as const satisfies readonly { key: string; name: string; groups: readonly MenuGroupKey[] }[];

export const DISCOUNTS = [
  { code: 'FIVEPERCENT', name: 'Five percent off', percentage: 5 },
  { code: 'STAFF', name: 'Staff Discount', percentage: 15 },
  { code: 'TEN_OFF', name: 'Ten off', amount: 10 },
] as const;

/** The 14 EU allergens with translations, as `/i/allergens` returns them. */
export const ALLERGENS: readonly { code: string; en: string; nl: string; fr: string }[] = [
  {
    code: 'cereals',
    en: 'Cereals containing gluten',
    nl: 'Glutenbevattende granen',
    fr: 'Céréales contenant du gluten',
  },
  { code: 'crustaceans', en: 'Crustaceans', nl: 'Schaaldieren', fr: 'Crustacés' },
  { code: 'eggs', en: 'Eggs', nl: 'Eieren', fr: 'Œufs' },
  { code: 'fish', en: 'Fish', nl: 'Vis', fr: 'Poisson' },
  { code: 'peanuts', en: 'Peanuts', nl: 'Pinda', fr: 'Arachides' },
  { code: 'soybeans', en: 'Soybeans', nl: 'Soja', fr: 'Soja' },
  { code: 'milk', en: 'Milk', nl: 'Melk', fr: 'Lait' },
  { code: 'nuts', en: 'Nuts', nl: 'Noten', fr: 'Fruits à coque' },
  { code: 'celery', en: 'Celery', nl: 'Selderij', fr: 'Céleri' },
  { code: 'mustard', en: 'Mustard', nl: 'Mosterd', fr: 'Moutarde' },
  { code: 'sesame', en: 'Sesame seeds', nl: 'Sesamzaad', fr: 'Graines de sésame' },
  {
    code: 'sulphites',
    en: 'Sulphur dioxide and sulphites',
    nl: 'Zwaveldioxide en sulfieten',
    fr: 'Anhydride sulfureux et sulfites',
  },
  { code: 'lupin', en: 'Lupin', nl: 'Lupine', fr: 'Lupin' },
  { code: 'molluscs', en: 'Molluscs', nl: 'Weekdieren', fr: 'Mollusques' },
];
