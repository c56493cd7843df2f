// orders-api (lightspeed-order-and-pay-api-openapi.yml): businesses, floor plans, order profiles,
// modifiers, discounts, availability, readiness, accounts, and the order/pay/print requests.
import { z } from 'zod';
import { id, idInput, timestamp, warning } from './common.js';

// ---------------------------------------------------------------- reads

export const business = z.looseObject({
  id,
  name: z.string().optional(),
  businessLocations: z.array(z.looseObject({ id, name: z.string().optional() })).default([]),
});
export const businesses = z.array(business);
export type Business = z.infer<typeof business>;

export const table = z.looseObject({
  number: z.number().int().optional(),
  reference: z.string().optional(),
  id: z.string().optional(),
  active: z.boolean().optional(),
  description: z.string().optional(),
  defaultClientCount: z.number().int().optional(),
});
export const floorPlan = z.looseObject({ id, name: z.string().optional(), tables: z.array(table).optional() });
export const floorPlans = z.array(floorPlan);
export type FloorPlan = z.infer<typeof floorPlan>;
export const tables = z.array(table);
export type Table = z.infer<typeof table>;

export const accountProfile = z.looseObject({
  id: id.optional(),
  // Optional in the spec; a profile without a code simply matches no code we look up.
  code: z.string().optional(),
  name: z.string().optional(),
  deliveryMode: z.string().optional(),
});
export const accountProfiles = z.looseObject({
  businessLocationId: id.optional(),
  accountProfileList: z.array(accountProfile).default([]),
});
export type AccountProfile = z.infer<typeof accountProfile>;
export type AccountProfiles = z.infer<typeof accountProfiles>;

export const menuSummary = z.looseObject({ menuName: z.string().optional(), ikentooMenuId: id });
export const menuList = z.array(menuSummary);
export type MenuSummary = z.infer<typeof menuSummary>;

export const productionInstruction = z.looseObject({
  multiSelectionPermitted: z.boolean().optional(),
  productionInstructionGroupName: z.string().optional(),
  productionIntructionGroupId: id,
  productionInstructionList: z
    .array(z.looseObject({ instruction: z.string().optional(), ikentooModifierId: id }))
    .optional(),
});
export const modifiers = z.array(productionInstruction);
export type ModifierGroup = z.infer<typeof productionInstruction>;

export const discount = z.looseObject({
  name: z.string().optional(),
  code: z.string(),
  discountPercentage: z.number().optional(),
  discountAmount: z.number().optional(),
});
export const discounts = z.array(discount);
export type Discount = z.infer<typeof discount>;

export const restrictedItemPage = z.looseObject({
  data: z
    .array(z.looseObject({ sku: z.string(), count: z.number().int().optional(), updatedAt: timestamp.optional() }))
    .default([]),
  metadata: z
    .looseObject({
      warnings: z.array(warning).optional(),
      current: z.looseObject({ page: z.number().int().optional(), pageSize: z.number().int().optional() }).optional(),
      total: z.number().int().optional(),
      totalPages: z.number().int().optional(),
    })
    .optional(),
});
export type RestrictedItemPage = z.infer<typeof restrictedItemPage>;

export const readiness = z.looseObject({
  // Optional in the spec: an answer without a status is read as NOT_READY (never claim readiness).
  status: z.enum(['READY', 'NOT_READY']).default('NOT_READY'),
  lastUpdatedAt: timestamp.optional(),
  onlineOrderingApiConfiguration: z
    // null while the location is NOT_READY (the spec's own notification example).
    .looseObject({ enabled: z.boolean().optional(), orderProfileId: id.nullish(), staffId: id.nullish() })
    .optional(),
  posStatus: z
    .looseObject({
      salesPeriod: z.string().optional(),
      acceptingOnlineOrders: z.boolean().optional(),
      availableDevices: z.boolean().optional(),
    })
    .optional(),
});
export type Readiness = z.infer<typeof readiness>;

type AccountLine = {
  [key: string]: unknown;
  id?: number | undefined;
  itemName?: string | undefined;
  itemSku?: string | undefined;
  quantity?: number | undefined;
  subLineItems?: AccountLine[] | undefined;
};
const accountLine: z.ZodType<AccountLine> = z
  .looseObject({
    id: id.optional(),
    uuid: z.string().optional(),
    itemName: z.string().optional(),
    itemSku: z.string().optional(),
    unitAmount: z.number().optional(),
    quantity: z.number().optional(),
    modifiers: z
      .array(z.looseObject({ name: z.string().optional(), quantity: z.number().int().optional() }))
      .optional(),
    amountWithTax: z.number().optional(),
    amountLessTax: z.number().optional(),
    discountedAmount: z.number().optional(),
    timeOfTransactionUtc: timestamp.optional(),
    active: z.boolean().optional(),
    parentId: id.optional(),
    get subLineItems() {
      return z.array(accountLine).optional();
    },
    taxIncluded: z.boolean().optional(),
  })
  .meta({ id: 'KSeriesAccountLine' });

/** An open or closed check. `identifier` is the account id ("A17700.3"), also spelled ikaccountId. */
export const accountSnapshot = z.looseObject({
  clientCount: z.number().int().optional(),
  identifier: z.string().optional(),
  uuid: z.string().optional(),
  openDate: timestamp.optional(),
  closeDate: timestamp.nullish(),
  paidAmount: z.number().optional(),
  serviceCharge: z.number().optional(),
  name: z.string().optional(),
  currentAmount: z.number().optional(),
  staffName: z.string().optional(),
  staffId: id.optional(),
  salesEntries: z.array(accountLine).optional(),
  paymentEntries: z
    .array(
      z.looseObject({
        paymentMethodDescription: z.string().optional(),
        externalReference: z.string().optional(),
        paymentMethodCode: z.string().optional(),
        amountPaid: z.number().optional(),
        paymentDate: timestamp.optional(),
        active: z.boolean().optional(),
        accountCancelled: z.boolean().optional(),
      }),
    )
    .optional(),
  id: z.string().optional(),
  ikaccountId: z.string().optional(),
  number: z.number().int().optional(),
  tableNumber: z.number().int().optional(),
  posId: id.optional(),
  deviceId: id.optional(),
});
export const accountSnapshots = z.array(accountSnapshot);
export type AccountSnapshot = z.infer<typeof accountSnapshot>;

// ---------------------------------------------------------------- requests

const modifierRef = z.object({
  // The spec types it as a string; callers often hold the numeric ikentooModifierId.
  modifierId: z.union([z.string().min(1), z.number().int()]).transform(String),
});

type SubItemInput = {
  quantity: number;
  sku: string;
  customItemName?: string;
  customItemPrice?: number;
  modifiers?: { modifierId: string | number }[];
  subItems?: SubItemInput[];
};
type SubItemOutput = Omit<SubItemInput, 'modifiers' | 'subItems'> & {
  modifiers?: { modifierId: string }[];
  subItems?: SubItemOutput[];
};
const subItem: z.ZodType<SubItemOutput, SubItemInput> = z.object({
  quantity: z.number().int(),
  sku: z.string().min(1).max(25),
  customItemName: z.string().optional(),
  customItemPrice: z.number().optional(),
  modifiers: z.array(modifierRef).optional(),
  get subItems() {
    return z.array(subItem).optional();
  },
});

const itemLineFields = {
  quantity: z.number().int(),
  sku: z.string().min(1).max(25),
  customItemName: z.string().optional(),
  customItemPrice: z.number().optional(),
  discountAmountOverride: z.number().optional(),
  discountPercentOverride: z.number().optional(),
  modifiers: z.array(modifierRef).optional(),
  discountCode: z.string().optional(),
  subItems: z.array(subItem).optional(),
};

const customerInfo = z.object({
  firstName: z.string().min(1).max(128),
  lastName: z.string().optional(),
  thirdPartyReference: z.string().optional(),
  email: z.string().optional(),
  contactNumberAsE164: z.string().optional(),
  notes: z.string().optional(),
  salutation: z.string().optional(),
  sendEmailReceipts: z.boolean().optional(),
  emailNotification: z.enum(['ENABLE', 'DISABLE', 'DONT_CHANGE']).optional(),
});

const orderFields = {
  businessLocationId: idInput,
  thirdPartyReference: z.string().min(1).max(48),
  endpointId: z.string().min(1),
  customerInfo,
  orderNote: z.string().optional(),
  // K-Series refuses less than a minute.
  maxTimeToAttemptOrderDeliverToPos: z.number().int().min(60_000).max(2_147_483_647).optional(),
  staffId: idInput.optional(),
  accountProfileCode: z.string().optional(),
  scheduledTimeForOrderAsIso8601: z.iso.datetime({ offset: true }).optional(),
  payment: z
    .object({ paymentMethod: z.string().optional(), paymentAmount: z.number(), tipAmount: z.number().optional() })
    .optional(),
  collectionCode: z.string().max(8).optional(),
  orderCollectionTimeAsIso8601: z.iso.datetime({ offset: true }).optional(),
  targetPrinterProfileId: idInput.optional(),
};

export const localOrderRequest = z.object({
  ...orderFields,
  accountId: z.string().optional(),
  accountIdentifier: z.string().optional(),
  tableNumber: z.string().optional(),
  clientCount: z.number().int().optional(),
  items: z.array(z.object({ ...itemLineFields, course: z.number().int().min(0).optional() })).optional(),
});
export type LocalOrderRequest = z.input<typeof localOrderRequest>;

export const toGoOrderRequest = z.object({
  ...orderFields,
  items: z.array(z.object(itemLineFields)).optional(),
  deliveryAddress: z
    .object({
      addressLine1: z.string().optional(),
      addressLine2: z.string().optional(),
      zip: z.string().optional(),
      city: z.string().optional(),
    })
    .optional(),
});
export type ToGoOrderRequest = z.input<typeof toGoOrderRequest>;

export const payRequest = z.object({
  iKaccountId: idInput.optional(),
  iKaccountIdentifier: z.string().optional(),
  thirdPartyPaymentReference: z.string().min(1).max(50),
  endpointId: z.string().min(1),
  businessLocationId: idInput,
  // The spec: "The minimum value is 60000ms (1 minute)" (int32); refused here, before sending.
  taskTtlInMs: z.number().int().min(60_000).max(2_147_483_647).optional(),
  staffId: idInput.optional(),
  deviceId: idInput.optional(),
  paymentMethod: z.string().optional(),
  paymentAmount: z.number(),
  tipAmount: z.number().optional(),
  targetPrinterProfileId: idInput.optional(),
});
export type PayRequest = z.input<typeof payRequest>;

export const printMessageRequest = z.object({ message: z.string().min(1), alsoToPrinter: z.boolean().optional() });
export type PrintMessageRequest = z.input<typeof printMessageRequest>;

export const skusRequest = z.object({ skus: z.array(z.string().min(1)).min(1).max(50) });
