// The scheduled sync against the sandbox over HTTP: 1,500 + 1,200 generated sales (several pages)
// in Amsterdam and New York; stored once, a second run adds nothing, per-day totals equal the
// sandbox's own figures in each time zone, and the CSV exports parse back to the same numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAmount, parseAmount } from '../../src/services/financial/amounts.js';
import { DAILY_COLUMNS } from '../../src/services/financial/csv.js';
import { AMS, createFinancialContext, NYC, parseCsv, sandboxGet, type FinancialContext } from './helpers.js';

type Day = {
  date: string;
  salesCount: number;
  grossSales: string;
  netSales: string;
  tax: string;
  discounts: string;
  tips: string;
  paymentsTotal: string;
  payments: { code: string; count: number; amount: string; tips: string }[];
  accountingGroups: { name: string; code: string | null; gross: string; net: string; tax: string; discounts: string }[];
  verified: boolean | null;
};
type DailyBody = {
  data: Day[];
  calendar: { timezone: string; startOfDay: string; source: string; currency: string };
  sync: { lastSyncedAt: string | null };
};
type KSale = { receiptId: string; payments?: { code: string; netAmountWithTax: string; tip: string }[] };
type Aggregate = {
  totalAmount: string;
  totalTaxAmount: string;
  totalDiscountedAmount: string;
  children: { children: { groupByValue: string; totalAmount: string; totalTaxAmount: string }[] }[];
};

const DAY = 86_400_000;
const cents = (v: string) => parseAmount(v);
const sum = (values: (string | undefined)[]) => formatAmount(values.reduce((s, v) => s + cents(v ?? '0'), 0n));

describe('financial sync', () => {
  let f: FinancialContext;
  const now = Date.now();
  const from = new Date(now - 8 * DAY).toISOString().slice(0, 10);
  const to = new Date(now + DAY).toISOString().slice(0, 10);
  const locations = () => [
    { name: 'Amsterdam', id: f.locationId, bl: AMS.id, count: 1500, tz: 'Europe/Amsterdam' },
    { name: 'New York', id: f.nycLocationId, bl: NYC.id, count: 1200, tz: 'America/New_York' },
  ];

  beforeAll(async () => {
    f = await createFinancialContext();
    await f.generate(AMS.id, 1500, new Date(now - 6 * DAY), new Date(now - 3600_000), 1);
    await f.generate(NYC.id, 1200, new Date(now - 6 * DAY), new Date(now - 3600_000), 2);
  });
  afterAll(async () => f?.close());

  it('a full sync stores every sale once, paging with nextPageToken, in both locations', async () => {
    const token = await f.sandboxToken();
    for (const l of locations()) {
      const started = Date.now();
      const result = await f.sync.run(l.id);
      expect(result).toMatchObject({ status: 'completed', sales: { inserted: l.count, updated: 0 }, failed: [] });
      console.log(`${l.name}: first sync of ${l.count} sales in ${Date.now() - started} ms`);
      const rows = await f.ctx.db.prisma.financialSale.findMany({
        where: { locationId: l.id },
        select: { receiptId: true },
      });
      expect(rows).toHaveLength(l.count);
      // Exactly the sandbox's sales of the window, each once.
      const sandbox: KSale[] = [];
      let path: string | undefined =
        `/f/finance/${l.bl}/financials/${new Date(now - 8 * DAY).toISOString()}/${new Date().toISOString()}`;
      while (path) {
        const page: { sales: KSale[]; _links: { nextPage?: { href: string } } } = await sandboxGet(f, token, path);
        sandbox.push(...page.sales);
        const next = page._links.nextPage?.href;
        path = next ? new URL(next).pathname + new URL(next).search : undefined;
      }
      expect(new Set(rows.map((r) => r.receiptId))).toEqual(new Set(sandbox.map((s) => s.receiptId)));
    }
    // Amsterdam took two pages: the second asked for the token the first one named.
    const pages = f.proxy.requests.filter((r) => r.url.startsWith(`/f/finance/${AMS.id}/financials/`));
    expect(pages).toHaveLength(2);
    expect(pages[0]!.url).not.toContain('nextPageToken');
    expect(pages[1]!.url).toMatch(/nextPageToken=A17700\.1001(&|$)/);
    expect(pages[0]!.url).toContain('pageSize=1000');
  });

  it('a second run adds nothing and rewrites nothing', async () => {
    const snapshot = () => f.ctx.db.prisma.$queryRaw<{ n: number; synced: Date; digest: string }[]>`
      SELECT count(*)::int AS n, max(synced_at) AS synced, md5(string_agg(receipt_id || payload::text, ',' ORDER BY receipt_id)) AS digest FROM financial_sales`;
    const before = await snapshot();
    for (const l of locations()) {
      const result = await f.sync.run(l.id);
      expect(result).toMatchObject({ status: 'completed', sales: { inserted: 0, updated: 0 } });
      // The run re-read the lookback window (24 h) and found it unchanged.
      if (result.status === 'completed') expect(result.sales.unchanged).toBeGreaterThan(0);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('per-day totals match the sandbox in each location time zone', async () => {
    const token = await f.sandboxToken();
    for (const l of locations()) {
      const res = await f.get(`/v1/locations/${l.id}/financial/daily?from=${from}&to=${to}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as DailyBody;
      expect(body.calendar).toMatchObject({ timezone: l.tz, startOfDay: '05:00', source: 'kseries' });
      expect(body.sync.lastSyncedAt).not.toBeNull();
      expect(body.data.reduce((n, d) => n + d.salesCount, 0)).toBe(l.count);
      const days = body.data.filter((d) => d.salesCount > 0);
      expect(days.length).toBeGreaterThanOrEqual(6);
      for (const d of days) {
        const agg = await sandboxGet<Aggregate>(
          f,
          token,
          `/f/finance/${l.bl}/aggregatedSales?date=${d.date}&groupBy=accountingGroup`,
        );
        expect({ date: d.date, gross: d.grossSales, tax: d.tax, discounts: d.discounts }).toEqual({
          date: d.date,
          gross: agg.totalAmount,
          tax: agg.totalTaxAmount,
          discounts: agg.totalDiscountedAmount,
        });
        const groups = agg.children[0]?.children ?? [];
        expect(d.accountingGroups.map((g) => [g.name, g.gross, g.tax])).toEqual(
          groups.map((g) => [g.groupByValue, g.totalAmount, g.totalTaxAmount]),
        );
        const daily = await sandboxGet<{ sales: KSale[] }>(
          f,
          token,
          `/f/finance/${l.bl}/dailyFinancials?date=${d.date}&include=payments`,
        );
        const payments = daily.sales.flatMap((s) => s.payments ?? []);
        expect(d.salesCount).toBe(daily.sales.length);
        expect(d.tips).toBe(sum(payments.map((p) => p.tip)));
        for (const m of d.payments) {
          const of = payments.filter((p) => p.code === m.code);
          expect([m.code, m.count, m.amount, m.tips]).toEqual([
            m.code,
            of.length,
            sum(of.map((p) => p.netAmountWithTax)),
            sum(of.map((p) => p.tip)),
          ]);
        }
        // Closed days were checked against K-Series' daily financials.
        if (d.date < new Date(Date.now() - DAY).toISOString().slice(0, 10)) expect(d.verified).toBe(true);
      }
    }
  });

  it('the CSV exports parse back to the same numbers, with a stable header', async () => {
    const json = (
      (await f.get(`/v1/locations/${f.locationId}/financial/daily?from=${from}&to=${to}`)).json() as DailyBody
    ).data;
    const res = await f.get(`/v1/locations/${f.locationId}/financial/daily.csv?from=${from}&to=${to}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['x-last-synced-at']).toMatch(/^\d{4}-/);
    expect(res.body.split('\r\n')[0]).toBe(DAILY_COLUMNS.join(','));
    const rows = parseCsv(res.body);
    for (const d of json) {
      const dayRow = rows.find((r) => r.business_date === d.date && r.category === 'day');
      expect(dayRow).toMatchObject({
        currency: 'EUR',
        count: String(d.salesCount),
        gross: d.grossSales,
        net: d.netSales,
        tax: d.tax,
        discounts: d.discounts,
        tips: d.tips,
        amount: d.paymentsTotal,
      });
      const payments = rows.filter((r) => r.business_date === d.date && r.category === 'payment');
      expect(payments.map((r) => [r.code, Number(r.count), r.amount, r.tips])).toEqual(
        d.payments.map((p) => [p.code, p.count, p.amount, p.tips]),
      );
      const groups = rows.filter((r) => r.business_date === d.date && r.category === 'accounting_group');
      expect(groups.map((r) => [r.name, r.gross, r.net, r.tax])).toEqual(
        d.accountingGroups.map((g) => [g.name, g.gross, g.net, g.tax]),
      );
      // The tax rows add up to the day: nothing counted twice or left out.
      const taxes = rows.filter((r) => r.business_date === d.date && r.category === 'tax');
      expect(sum(taxes.map((r) => r.tax))).toBe(d.tax);
    }

    const sales = await f.get(`/v1/locations/${f.locationId}/financial/sales.csv?from=${from}&to=${to}`);
    expect(sales.statusCode).toBe(200);
    const saleRows = parseCsv(sales.body);
    expect(saleRows).toHaveLength(1500);
    expect(new Set(saleRows.map((r) => r.receipt_id)).size).toBe(1500);
    expect(sum(saleRows.map((r) => r.gross))).toBe(sum(json.map((d) => d.grossSales)));
    expect(sum(saleRows.map((r) => r.tips))).toBe(sum(json.map((d) => d.tips)));
  });

  it('serves sales in pages and says when they were synced', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let lastTime = '';
    do {
      const res = await f.get(
        `/v1/locations/${f.nycLocationId}/financial/sales?from=${from}&to=${to}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as {
        data: { receiptId: string; timeClosed: string; currency: string }[];
        page: { nextCursor: string | null };
        sync: { lastSyncedAt: string };
      };
      expect(body.sync.lastSyncedAt).toMatch(/^\d{4}-/);
      for (const s of body.data) {
        expect(s.timeClosed >= lastTime).toBe(true);
        expect(s.currency).toBe('USD');
        lastTime = s.timeClosed;
        seen.push(s.receiptId);
      }
      cursor = body.page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(1200);
    expect(new Set(seen).size).toBe(1200);
  });

  it('serves synced items and the price list with their sync time', async () => {
    const items = await f.get(`/v1/locations/${f.locationId}/financial/items?limit=5`);
    expect(items.statusCode, items.body).toBe(200);
    const body = items.json() as {
      data: { sku: string; richItem: unknown }[];
      page: { total: number; nextOffset: number | null };
      sync: { lastSyncedAt: string | null };
    };
    expect(body.page.total).toBeGreaterThan(5);
    expect(body.page.nextOffset).toBe(5);
    expect(body.sync.lastSyncedAt).not.toBeNull();
    const one = (await f.get(`/v1/locations/${f.locationId}/financial/items?sku=BRG-CLASSIC`)).json() as typeof body;
    expect(one.data.map((i) => i.sku)).toEqual(['BRG-CLASSIC']);
    expect(one.data[0]!.richItem).toMatchObject({ sku: 'BRG-CLASSIC' });
    const prices = await f.get(`/v1/locations/${f.locationId}/financial/price-list`);
    const list = prices.json() as { data: { sku: string; prices: { amount: number }[] }[]; currency: string };
    expect(list.currency).toBe('EUR');
    expect(list.data.find((i) => i.sku === 'BRG-CLASSIC')?.prices[0]?.amount).toBeGreaterThan(0);
    expect(list.data).toHaveLength(body.page.total);
  });

  it('a failing data set is reported, in the integration log too, while the rest still syncs', async () => {
    await f.control('POST', '/faults/status', { status: 500, count: 10, pathPrefix: `/f/finance/${NYC.id}/tax-rates` });
    const partial = await f.sync.run(f.nycLocationId);
    await f.control('DELETE', '/faults');
    expect(partial).toMatchObject({ status: 'partial', failed: [{ dataset: 'tax-rates' }] });
    const status = (await f.get(`/v1/locations/${f.nycLocationId}/financial/sync`)).json() as {
      datasets: { dataset: string; lastError: string | null }[];
    };
    expect(status.datasets.find((d) => d.dataset === 'tax-rates')?.lastError).toContain('500');
    expect(status.datasets.filter((d) => d.lastError !== null).map((d) => d.dataset)).toEqual(['tax-rates']);
    const log = await f.core.integrationLog.list(f.vendor.id);
    expect(log.find((e) => e.event === 'financial.sync_failed')).toMatchObject({
      level: 'ERROR',
      message: expect.stringContaining('tax-rates'),
    });
    expect(log.filter((e) => e.event === 'financial.synced').map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('1500 new'), expect.stringContaining('1200 new')]),
    );
    expect(await f.sync.run(f.nycLocationId)).toMatchObject({ status: 'completed', failed: [] });
    const after = (await f.get(`/v1/locations/${f.nycLocationId}/financial/sync`)).json() as typeof status;
    expect(after.datasets.every((d) => d.lastError === null)).toBe(true);
  });

  it('rejects ranges over a year and reports sync metrics', async () => {
    const res = await f.get(`/v1/locations/${f.locationId}/financial/daily?from=2024-01-01&to=2025-01-02`);
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { details: { fields: { field: string }[] } } }).error.details.fields[0]?.field).toBe(
      'querystring.to',
    );
    const metrics = await f.registry.metrics();
    expect(metrics).toContain('financial_sync_runs_total{outcome="completed"} 5');
    expect(metrics).toContain('financial_sync_runs_total{outcome="partial"} 1');
    expect(metrics).toContain('financial_sync_dataset_failures_total{dataset="tax-rates"} 1');
    expect(metrics).toContain('financial_sync_records_total{dataset="financials",result="inserted"} 2700');
    expect(metrics).toMatch(/financial_sync_pages_total \d+/);
  });
});
