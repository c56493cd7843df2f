// Daily figures per business day, computed in SQL from the stored K-Series sales with exact
// numeric sums over their lines and payments, rounded once at the end (as K-Series aggregates):
// revenue (gross with tax, net without), tax, discounts, tips, payments by method, and breakdowns
// by accounting group and by tax code. Days are the location's business days.
import type { PrismaClient } from '../../db/prisma.js';
import { Prisma } from '../../generated/prisma/client.js';
import { formatAmount, parseAmount } from './amounts.js';
import { addDays, businessDayBounds, startOfDayInterval, type BusinessCalendar } from './calendar.js';
import { DATASETS } from './checkpoints.js';
import { DAILY_CHECK_DATASET, type DailyCheck } from './daily-checks.js';
import { jsonArray as array, num } from './sql.js';

export interface DailySummary {
  date: string;
  salesCount: number;
  grossSales: string;
  netSales: string;
  tax: string;
  discounts: string;
  tips: string;
  payments: {
    code: string;
    name: string;
    accountingReference: string | null;
    count: number;
    amount: string;
    tips: string;
  }[];
  paymentsTotal: string;
  accountingGroups: {
    id: string | null;
    name: string;
    code: string | null;
    gross: string;
    net: string;
    tax: string;
    discounts: string;
    quantity: string;
  }[];
  taxes: {
    code: string;
    description: string | null;
    accountingReference: string | null;
    net: string;
    tax: string;
    gross: string;
  }[];
  /** True once the closed day matched K-Series' daily financials; null when not checked (yet). */
  verified: boolean | null;
}

const money = (text: string | null | undefined) => formatAmount(parseAmount(text ?? '0'));

type LineRow = {
  day: string;
  g_ag: number;
  g_tax: number;
  ag_id: string | null;
  ag_name: string | null;
  ag_code: string | null;
  tax_code: string | null;
  gross: string;
  net: string;
  tax: string;
  discount: string;
  quantity: string;
};
type PaymentRow = {
  day: string;
  g: number;
  code: string | null;
  name: string | null;
  n: number;
  amount: string;
  tip: string;
};

export async function dailySummaries(
  prisma: PrismaClient,
  locationId: string,
  /** Sales of this business location only (a remapped location's old ones are not its own). */
  businessLocationId: bigint,
  calendar: BusinessCalendar,
  fromDate: string,
  toDate: string,
): Promise<DailySummary[]> {
  const { start, end } = businessDayBounds(calendar, fromDate, toDate);
  const sales = Prisma.sql`
    SELECT to_char((time_closed AT TIME ZONE ${calendar.timezone}) - ${startOfDayInterval(calendar)}::interval, 'YYYY-MM-DD') AS day, payload
    FROM financial_sales WHERE location_id = ${locationId}::uuid AND business_location_id = ${businessLocationId}
      AND time_closed >= ${start} AND time_closed < ${end}`;

  const [counts, lines, payments] = await Promise.all([
    prisma.$queryRaw<
      { day: string; n: number }[]
    >`WITH s AS (${sales}) SELECT day, count(*)::int AS n FROM s GROUP BY day`,
    prisma.$queryRaw<LineRow[]>`
      WITH s AS (${sales}), l AS (
        SELECT s.day, line->'accountingGroup'->>'accountingGroupId' AS ag_id, line->'accountingGroup'->>'name' AS ag_name,
          line->'accountingGroup'->>'code' AS ag_code, line->>'taxCode' AS tax_code,
          ${num(`line->>'totalNetAmountWithTax'`)} AS gross, ${num(`line->>'totalNetAmountWithoutTax'`)} AS net,
          ${num(`line->>'taxAmount'`)} AS tax, ${num(`COALESCE(NULLIF(line->>'totalDiscountAmount', ''), line->>'discountAmount')`)} AS discount,
          ${num(`line->>'quantity'`)} AS quantity
        FROM s CROSS JOIN LATERAL jsonb_array_elements(${array(`s.payload->'salesLines'`)}) AS line)
      SELECT day, GROUPING(ag_id)::int AS g_ag, GROUPING(tax_code)::int AS g_tax, ag_id, max(ag_name) AS ag_name, max(ag_code) AS ag_code,
        tax_code, sum(gross)::text AS gross, sum(net)::text AS net, sum(tax)::text AS tax, sum(discount)::text AS discount,
        sum(quantity)::text AS quantity
      FROM l GROUP BY GROUPING SETS ((day), (day, ag_id), (day, tax_code))`,
    prisma.$queryRaw<PaymentRow[]>`
      WITH s AS (${sales}), p AS (
        SELECT s.day, pay->>'code' AS code, pay->>'description' AS name,
          ${num(`pay->>'netAmountWithTax'`)} AS amount, ${num(`pay->>'tip'`)} AS tip
        FROM s CROSS JOIN LATERAL jsonb_array_elements(${array(`s.payload->'payments'`)}) AS pay)
      SELECT day, GROUPING(code)::int AS g, code, max(name) AS name, count(*)::int AS n, sum(amount)::text AS amount, sum(tip)::text AS tip
      FROM p GROUP BY GROUPING SETS ((day), (day, code))`,
  ]);

  const reference = await prisma.catalogRecord.findMany({
    where: {
      locationId,
      OR: [
        { dataset: DATASETS.paymentMethods },
        { dataset: DATASETS.taxRates },
        { dataset: DAILY_CHECK_DATASET, externalId: { gte: fromDate, lte: toDate } },
      ],
    },
    select: { dataset: true, externalId: true, payload: true },
  });
  const ref = (dataset: string, id: string | null) =>
    (reference.find((r) => r.dataset === dataset && r.externalId === id)?.payload ?? null) as Record<
      string,
      unknown
    > | null;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

  const days = new Map<string, DailySummary>();
  for (let day = fromDate; day <= toDate; day = addDays(day, 1)) {
    const check = ref(DAILY_CHECK_DATASET, day) as DailyCheck | null;
    days.set(day, {
      date: day,
      salesCount: 0,
      grossSales: '0.00',
      netSales: '0.00',
      tax: '0.00',
      discounts: '0.00',
      tips: '0.00',
      payments: [],
      paymentsTotal: '0.00',
      accountingGroups: [],
      taxes: [],
      verified: check ? check.verified : null,
    });
  }
  for (const c of counts) {
    const d = days.get(c.day);
    if (d) d.salesCount = c.n;
  }
  for (const r of lines) {
    const d = days.get(r.day);
    if (!d) continue;
    if (r.g_ag === 1 && r.g_tax === 1) {
      Object.assign(d, {
        grossSales: money(r.gross),
        netSales: money(r.net),
        tax: money(r.tax),
        discounts: money(r.discount),
      });
    } else if (r.g_ag === 0) {
      d.accountingGroups.push({
        id: r.ag_id,
        name: r.ag_name ?? 'Unassigned',
        code: r.ag_code,
        gross: money(r.gross),
        net: money(r.net),
        tax: money(r.tax),
        discounts: money(r.discount),
        quantity: formatAmount(parseAmount(r.quantity), 3).replace(/\.?0+$/, '') || '0',
      });
    } else {
      const rate = ref(DATASETS.taxRates, r.tax_code);
      d.taxes.push({
        code: r.tax_code ?? 'NONE',
        description: text(rate?.description),
        accountingReference: text(rate?.accountingReference),
        net: money(r.net),
        tax: money(r.tax),
        gross: money(r.gross),
      });
    }
  }
  for (const r of payments) {
    const d = days.get(r.day);
    if (!d) continue;
    if (r.g === 1) {
      Object.assign(d, { paymentsTotal: money(r.amount), tips: money(r.tip) });
    } else {
      const method = ref(DATASETS.paymentMethods, r.code);
      d.payments.push({
        code: r.code ?? 'UNKNOWN',
        name: r.name ?? text(method?.name) ?? r.code ?? 'Unknown',
        accountingReference: text(method?.accountingReference),
        count: r.n,
        amount: money(r.amount),
        tips: money(r.tip),
      });
    }
  }
  for (const d of days.values()) {
    d.payments.sort((a, b) => a.code.localeCompare(b.code));
    d.accountingGroups.sort((a, b) => a.name.localeCompare(b.name));
    d.taxes.sort((a, b) => a.code.localeCompare(b.code));
  }
  return [...days.values()];
}
