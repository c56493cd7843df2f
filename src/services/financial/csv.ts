// CSV exports with a stable column set (RFC 4180, CRLF, header row first). Columns never depend
// on the data: payment methods, accounting groups and taxes are rows (`category`), not columns,
// so an accounting import keeps working when the merchant adds a payment method.
import type { DailySummary } from './daily-summary.js';

export const DAILY_COLUMNS = [
  'business_date',
  'business_location_id',
  'currency',
  'category',
  'code',
  'name',
  'accounting_reference',
  'count',
  'quantity',
  'gross',
  'net',
  'tax',
  'discounts',
  'tips',
  'amount',
] as const;

export const SALES_COLUMNS = [
  'receipt_id',
  'account_id',
  'business_date',
  'time_closed',
  'type',
  'cancelled',
  'external_reference',
  'currency',
  'gross',
  'tax',
  'discounts',
  'tips',
  'payments',
] as const;

type Cell = string | number | boolean | null | undefined;

/** Text from K-Series (names, codes): a leading = + - @ would be a formula in a spreadsheet. */
function text(value: string | null | undefined): string {
  if (!value) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly Cell[]): string {
  return `${values.map(cell).join(',')}\r\n`;
}

type DailyRow = Partial<Record<(typeof DAILY_COLUMNS)[number], Cell>>;

export function dailyCsv(
  days: readonly DailySummary[],
  meta: { businessLocationId: string; currency: string | null },
): string {
  const rows: string[] = [csvLine(DAILY_COLUMNS)];
  const push = (row: DailyRow) => rows.push(csvLine(DAILY_COLUMNS.map((c) => row[c])));
  for (const d of days) {
    const base = {
      business_date: d.date,
      business_location_id: meta.businessLocationId,
      currency: meta.currency ?? '',
    };
    push({
      ...base,
      category: 'day',
      count: d.salesCount,
      gross: d.grossSales,
      net: d.netSales,
      tax: d.tax,
      discounts: d.discounts,
      tips: d.tips,
      amount: d.paymentsTotal,
    });
    for (const p of d.payments) {
      push({
        ...base,
        category: 'payment',
        code: text(p.code),
        name: text(p.name),
        accounting_reference: text(p.accountingReference),
        count: p.count,
        tips: p.tips,
        amount: p.amount,
      });
    }
    for (const g of d.accountingGroups) {
      push({
        ...base,
        category: 'accounting_group',
        code: text(g.code ?? g.id),
        name: text(g.name),
        quantity: g.quantity,
        gross: g.gross,
        net: g.net,
        tax: g.tax,
        discounts: g.discounts,
      });
    }
    for (const t of d.taxes) {
      push({
        ...base,
        category: 'tax',
        code: text(t.code),
        name: text(t.description),
        accounting_reference: text(t.accountingReference),
        gross: t.gross,
        net: t.net,
        tax: t.tax,
      });
    }
  }
  return rows.join('');
}

export interface SaleCsvInput {
  receiptId: string;
  accountId: string | null;
  businessDate: string;
  timeClosed: string;
  type: string | null;
  cancelled: boolean;
  externalReference: string | null;
  currency: string | null;
  total: string;
  tax: string;
  discounts: string;
  tips: string;
  payments: { code: string | null; amount: string | null }[];
}

export function saleCsvLine(s: SaleCsvInput): string {
  const payments = s.payments.map((p) => `${p.code ?? ''}:${p.amount ?? ''}`).join(';');
  return csvLine([
    text(s.receiptId),
    text(s.accountId),
    s.businessDate,
    s.timeClosed,
    text(s.type),
    s.cancelled,
    text(s.externalReference),
    s.currency,
    s.total,
    s.tax,
    s.discounts,
    s.tips,
    text(payments),
  ]);
}
