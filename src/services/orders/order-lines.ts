// An order's lines and totals as the API shows them, read from the order as stored (its
// validated request). Money is exact: integer cents inside, decimal strings ("12.50") outside.
import { z } from 'zod';
import { centsToString, decimalToCents, toCents } from './pricing.js';

const decimal = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .meta({ description: 'An exact amount in the currency of the location, as a decimal string', example: '12.50' });

export interface OrderLineView {
  sku: string;
  name: string | null;
  quantity: number;
  unitPrice: string | null;
  lineTotal: string | null;
  modifiers: { modifierId: string }[];
  subItems: OrderLineView[];
}

export const orderLineSchema: z.ZodType<OrderLineView> = z
  .lazy(() =>
    z.object({
      sku: z.string().meta({ example: 'BRG-CLASSIC' }),
      /** Known when the line carries it (a custom item, or a line priced at acceptance). */
      name: z.string().nullable().meta({ example: 'Classic burger' }),
      quantity: z.number().int().meta({ example: 2 }),
      /** Null when the POS prices the line (a catalog item without a price in the request). */
      unitPrice: decimal.nullable(),
      /** quantity x unitPrice; null when unitPrice is. */
      lineTotal: decimal.nullable(),
      modifiers: z.array(z.object({ modifierId: z.string().meta({ example: 'MOD-NO-ONION' }) })),
      subItems: z.array(orderLineSchema),
    }),
  )
  .meta({ id: 'OrderLine' });

export const orderTotalsSchema = z
  .object({
    /** Sum of the lines' totals; null when any line is priced by the POS. */
    lines: decimal.nullable(),
    /** What the caller charged the customer, as sent with the order (payment.amount). */
    payment: decimal,
    tip: decimal,
  })
  .meta({ id: 'OrderTotals' });

/**
 * Cents of a stored amount, or null when it is none: a JSON number with at most 2 decimals
 * (validated at accept), a decimal string, or a Prisma Decimal.
 */
export function amountToCents(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return toCents(value);
  if (typeof value === 'string' && /^-?\d+(\.\d{1,2})?$/.test(value)) return decimalToCents(value);
  if (value && typeof value === 'object' && 'toFixed' in value) return amountToCents(String(value));
  return null;
}

// Tolerant of what the stored request may carry: what the caller sent (customItemName,
// customItemPrice), and beside the items the lines as priced at acceptance (`pricedLines`: the
// menu's name and unit price then; orders accepted before pricing was recorded have none).
const storedLine = z.looseObject({
  sku: z.string(),
  quantity: z.number().int(),
  customItemName: z.string().optional(),
  customItemPrice: z.union([z.number(), z.string()]).optional(),
  modifiers: z.array(z.looseObject({ modifierId: z.string() })).optional(),
  get subItems() {
    return z.array(storedLine).optional();
  },
});
type StoredLine = z.infer<typeof storedLine>;

const pricedLine = z.looseObject({
  name: z.string().nullable().optional(),
  unitPrice: z.string().optional(),
  get subItems() {
    return z.array(pricedLine).optional();
  },
});
type StoredPricedLine = z.infer<typeof pricedLine>;

function lineView(line: StoredLine, priced: StoredPricedLine | undefined): OrderLineView {
  const unit = amountToCents(priced?.unitPrice ?? line.customItemPrice);
  return {
    sku: line.sku,
    name: line.customItemName ?? priced?.name ?? null,
    quantity: line.quantity,
    unitPrice: unit === null ? null : centsToString(unit),
    lineTotal: unit === null ? null : centsToString(unit * line.quantity),
    modifiers: (line.modifiers ?? []).map((m) => ({ modifierId: m.modifierId })),
    subItems: (line.subItems ?? []).map((sub, i) => lineView(sub, priced?.subItems?.[i])),
  };
}

/** The lines of a stored order payload; an unreadable payload shows no lines rather than failing the read. */
export function orderLines(payload: unknown): OrderLineView[] {
  const parsed = z.object({ items: z.array(storedLine) }).safeParse(payload);
  if (!parsed.success) return [];
  const priced = z.object({ pricedLines: z.array(pricedLine) }).safeParse(payload);
  return parsed.data.items.map((line, i) => lineView(line, priced.success ? priced.data.pricedLines[i] : undefined));
}

export function orderTotals(
  lines: OrderLineView[],
  payment: { amount: unknown; tip: unknown },
): z.infer<typeof orderTotalsSchema> {
  const totals = lines.map((l) => (l.lineTotal === null ? null : amountToCents(l.lineTotal)));
  return {
    lines: totals.some((t) => t === null) ? null : centsToString(totals.reduce<number>((a, t) => a + (t ?? 0), 0)),
    payment: centsToString(amountToCents(payment.amount) ?? 0),
    tip: centsToString(amountToCents(payment.tip) ?? 0),
  };
}
