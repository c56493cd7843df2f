// Writes of synced K-Series data. Upserts are keyed by K-Series ids (a sale's receipt id, a tax
// rate's code, an item's id, ...) and only touch a row whose payload changed, so re-reading a
// window changes nothing, and each write reports what it did (inserted / updated / unchanged).
// The batch upserts are SQL ($queryRaw, values always parameters): one multi-row INSERT ... ON
// CONFLICT ... WHERE payload IS DISTINCT FROM, reporting per row what it did, is beyond Prisma.
import type { PrismaClient } from '../../db/prisma.js';
import type { Sale } from '../../integrations/lightspeed/client/index.js';
import { formatAmount, sumAmounts } from './amounts.js';

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export const emptyCounts = (): WriteCounts => ({ inserted: 0, updated: 0, unchanged: 0 });
export function addCounts(a: WriteCounts, b: WriteCounts): WriteCounts {
  return { inserted: a.inserted + b.inserted, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged };
}

const TASK_REFERENCE = /^TASK:OO-/;

/** The row we keep for one K-Series sale, with its totals computed exactly. */
export function saleRow(sale: Sale) {
  const receiptId = sale.receiptId ?? sale.accountFiscId;
  const closed = Date.parse(sale.timeofCloseAndPaid ?? sale.timeofOpening ?? '');
  if (!receiptId || Number.isNaN(closed)) return null;
  const lines = sale.salesLines ?? [];
  const discount = (l: (typeof lines)[number]) =>
    typeof l.totalDiscountAmount === 'string' ? l.totalDiscountAmount : (l.discountAmount as string | undefined);
  return {
    receiptId,
    externalReference:
      sale.externalReferences?.find((r) => TASK_REFERENCE.test(r)) ?? sale.externalReferences?.[0] ?? null,
    timeClosed: new Date(closed).toISOString(),
    total: formatAmount(sumAmounts(lines.map((l) => l.totalNetAmountWithTax))),
    tax: formatAmount(sumAmounts(lines.map((l) => l.taxAmount))),
    discount: formatAmount(sumAmounts(lines.map(discount))),
    tip: formatAmount(sumAmounts((sale.payments ?? []).map((p) => p.tip))),
    payload: JSON.stringify(sale),
  };
}

type Outcome = { inserted: boolean; changed: boolean };
function count(rows: Outcome[], total: number): WriteCounts {
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, updated: rows.length - inserted, unchanged: total - rows.length };
}

export function createFinancialStore(prisma: PrismaClient) {
  return {
    /**
     * Upserts a page of sales in one statement. Sales without a receipt id or close time cannot
     * be keyed and are reported as `skipped`.
     */
    async upsertSales(
      locationId: string,
      businessLocationId: bigint,
      sales: readonly Sale[],
    ): Promise<WriteCounts & { skipped: number }> {
      const keyed = sales.map(saleRow).filter((r) => r !== null);
      const skipped = sales.length - keyed.length;
      // The same receipt twice in one statement would make ON CONFLICT fail: the last one wins.
      const rows = [...new Map(keyed.map((r) => [r.receiptId, r])).values()];
      if (rows.length === 0) return { ...emptyCounts(), skipped };
      const result = await prisma.$queryRaw<Outcome[]>`
        INSERT INTO financial_sales AS f (id, location_id, business_location_id, receipt_id, external_reference, time_closed,
          total_amount, tax_amount, discount_amount, tip_amount, payload, synced_at)
        SELECT gen_random_uuid(), ${locationId}::uuid, ${businessLocationId}, s.receipt_id, s.external_reference, s.time_closed,
          s.total, s.tax, s.discount, s.tip, s.payload, now()
        FROM unnest(${rows.map((r) => r.receiptId)}::text[], ${rows.map((r) => r.externalReference)}::text[],
          ${rows.map((r) => r.timeClosed)}::timestamptz[], ${rows.map((r) => r.total)}::numeric[], ${rows.map((r) => r.tax)}::numeric[],
          ${rows.map((r) => r.discount)}::numeric[], ${rows.map((r) => r.tip)}::numeric[], ${rows.map((r) => r.payload)}::jsonb[])
          AS s(receipt_id, external_reference, time_closed, total, tax, discount, tip, payload)
        ON CONFLICT (location_id, receipt_id) DO UPDATE SET
          external_reference = EXCLUDED.external_reference, time_closed = EXCLUDED.time_closed,
          total_amount = EXCLUDED.total_amount, tax_amount = EXCLUDED.tax_amount, discount_amount = EXCLUDED.discount_amount,
          tip_amount = EXCLUDED.tip_amount, payload = EXCLUDED.payload, synced_at = now()
        WHERE f.payload IS DISTINCT FROM EXCLUDED.payload
        RETURNING (xmax = 0) AS inserted, true AS changed`;
      return { ...count(result, rows.length), skipped };
    },

    /** Upserts reference records (tax rates, items, ...) of one data set. */
    async upsertRecords(
      locationId: string,
      dataset: string,
      records: readonly { externalId: string; payload: unknown }[],
    ): Promise<WriteCounts> {
      const unique = [...new Map(records.map((r) => [r.externalId, r])).values()];
      if (unique.length === 0) return emptyCounts();
      const result = await prisma.$queryRaw<Outcome[]>`
        INSERT INTO catalog_records AS c (id, location_id, dataset, external_id, payload, synced_at)
        SELECT gen_random_uuid(), ${locationId}::uuid, ${dataset}, r.external_id, r.payload, now()
        FROM unnest(${unique.map((r) => r.externalId)}::text[], ${unique.map((r) => JSON.stringify(r.payload))}::jsonb[]) AS r(external_id, payload)
        ON CONFLICT (location_id, dataset, external_id) DO UPDATE SET payload = EXCLUDED.payload, synced_at = now()
        WHERE c.payload IS DISTINCT FROM EXCLUDED.payload
        RETURNING (xmax = 0) AS inserted, true AS changed`;
      return count(result, unique.length);
    },

    /** Makes a data set exactly `records`: upserts them and deletes what K-Series no longer lists. */
    async replaceRecords(
      locationId: string,
      dataset: string,
      records: readonly { externalId: string; payload: unknown }[],
    ) {
      const counts = await this.upsertRecords(locationId, dataset, records);
      const keep = records.map((r) => r.externalId);
      const deleted = await prisma.$executeRaw`
        DELETE FROM catalog_records WHERE location_id = ${locationId}::uuid AND dataset = ${dataset}
          AND NOT (external_id = ANY(${keep}::text[]))`;
      return { ...counts, deleted };
    },

    async readRecord<T>(locationId: string, dataset: string, externalId: string): Promise<T | null> {
      const row = await prisma.catalogRecord.findUnique({
        where: { locationId_dataset_externalId: { locationId, dataset, externalId } },
        select: { payload: true },
      });
      return (row?.payload as T | undefined) ?? null;
    },
  };
}

export type FinancialStore = ReturnType<typeof createFinancialStore>;
