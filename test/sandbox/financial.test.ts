import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxInstance } from '../../src/sandbox/app.js';
import { AMS, bearer, makeSandbox, NYC, SANDBOX_SEED } from './helpers.js';

type Sale = {
  accountFiscId: string;
  timeofCloseAndPaid: string;
  salesLines: { totalNetAmountWithTax: string }[];
  payments?: unknown[];
};
type FinancialPage = {
  sales: Sale[];
  dataComplete: boolean;
  businessLocationId: number;
  _links: { self: { href: string }; nextPage?: { href: string } };
};

describe('sandbox financial API', () => {
  let app: SandboxInstance;
  let token: string;

  beforeEach(async () => {
    app = await makeSandbox();
    token = app.sandbox.issueTokens({ scopes: ['financial-api'] }).access_token;
  });
  afterEach(async () => {
    await app.close();
  });

  const get = (url: string) => app.inject({ url, headers: bearer(token) });
  const generate = async (businessLocationId: number, count: number, from: string, to: string, seed = 1) => {
    const res = await app.inject({
      method: 'POST',
      url: '/__sandbox/sales/generate',
      payload: { businessLocationId, count, from, to, seed },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { generated: number; firstAccountId: string; lastAccountId: string };
  };

  /** Follows `_links.nextPage` until dataComplete, like a sync job. */
  const pageThrough = async (first: string): Promise<{ pages: FinancialPage[]; sales: Sale[] }> => {
    const pages: FinancialPage[] = [];
    let url: string | undefined = first;
    while (url) {
      const res = await get(url);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as FinancialPage;
      pages.push(page);
      url = page._links.nextPage
        ? new URL(page._links.nextPage.href).pathname + new URL(page._links.nextPage.href).search
        : undefined;
      expect(page.dataComplete).toBe(url === undefined);
    }
    return { pages, sales: pages.flatMap((p) => p.sales) };
  };

  it('pages more than 1,000 generated sales with nextPageToken, per location, in two time zones', async () => {
    await generate(AMS, 1500, '2025-01-01T00:00:00+01:00', '2025-03-01T00:00:00+01:00');
    await generate(NYC, 1200, '2025-01-01T00:00:00-05:00', '2025-03-01T00:00:00-05:00', 2);

    const ams = await pageThrough(
      `/f/finance/${AMS}/financials/2025-01-01T00:00:00+01:00/2025-03-01T00:00:00+01:00?include=payments`,
    );
    expect(ams.pages.map((p) => p.sales.length)).toEqual([1000, 500]);
    expect(new Set(ams.sales.map((s) => s.accountFiscId)).size).toBe(1500);
    expect(ams.sales.every((s) => s.accountFiscId.startsWith('A17700.'))).toBe(true);
    expect(ams.pages[0]!._links.nextPage!.href).toContain(`nextPageToken=${ams.pages[1]!.sales[0]!.accountFiscId}`);
    const times = ams.sales.map((s) => Date.parse(s.timeofCloseAndPaid));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(ams.sales[0]!.payments).toHaveLength(1);

    const nyc = await pageThrough(
      `/f/finance/${NYC}/financials/2025-01-01T05:00:00Z/2025-03-01T05:00:00Z?pageSize=500`,
    );
    expect(nyc.pages.map((p) => p.sales.length)).toEqual([500, 500, 200]);
    expect(nyc.sales.every((s) => s.accountFiscId.startsWith('A24100.'))).toBe(true);
    expect(nyc.sales[0]!.payments).toBeUndefined(); // not included without include=payments

    // Half the range: only the sales closed inside it.
    const half = await pageThrough(`/f/finance/${AMS}/financials/2025-01-01T00:00:00+01:00/2025-01-31T00:00:00+01:00`);
    expect(half.sales.length).toBeGreaterThan(600);
    expect(half.sales.length).toBeLessThan(900);
  });

  it('generates the same sales for the same seed', async () => {
    const first = await generate(AMS, 20, '2025-02-01T00:00:00Z', '2025-02-02T00:00:00Z', 42);
    const one = (
      await get(`/f/finance/${AMS}/financials/2025-02-01T00:00:00Z/2025-02-02T00:00:00Z`)
    ).json() as FinancialPage;
    await app.inject({ method: 'POST', url: '/__sandbox/reset' });
    token = app.sandbox.issueTokens({ scopes: ['financial-api'] }).access_token;
    const second = await generate(AMS, 20, '2025-02-01T00:00:00Z', '2025-02-02T00:00:00Z', 42);
    const two = (
      await get(`/f/finance/${AMS}/financials/2025-02-01T00:00:00Z/2025-02-02T00:00:00Z`)
    ).json() as FinancialPage;
    expect(second).toEqual(first);
    expect(two.sales).toEqual(one.sales);
  });

  it('rejects ranges over 365 days, page sizes over 1000, unknown include values and bad tokens', async () => {
    expect((await get(`/f/finance/${AMS}/financials/2024-01-01T00:00:00Z/2025-01-02T00:00:00Z`)).statusCode).toBe(400);
    expect((await get(`/f/finance/${AMS}/financials/2024-01-01T00:00:00Z/2024-12-31T00:00:00Z`)).statusCode).toBe(200);
    expect(
      (await get(`/f/finance/${AMS}/financials/2024-01-01T00:00:00Z/2024-02-01T00:00:00Z?pageSize=1001`)).statusCode,
    ).toBe(400);
    expect(
      (await get(`/f/finance/${AMS}/financials/2024-01-01T00:00:00Z/2024-02-01T00:00:00Z?include=everything`))
        .statusCode,
    ).toBe(400);
    expect(
      (await get(`/f/finance/${AMS}/financials/2024-01-01T00:00:00Z/2024-02-01T00:00:00Z?nextPageToken=A1.1`))
        .statusCode,
    ).toBe(400);
    expect((await get(`/f/finance/${AMS}/financials/yesterday/today`)).statusCode).toBe(400);
    const other = await get(`/f/finance/${SANDBOX_SEED.secondBusiness.location.id}/tax-rates`);
    expect(other.statusCode).toBe(403);
  });

  it("cuts daily financials at each location's local start of day (05:00)", async () => {
    // 04:30 UTC on 10 Jan: 05:30 in Amsterdam (business day 10 Jan), 23:30 on 9 Jan in New York.
    await generate(AMS, 1, '2025-01-10T04:30:00Z', '2025-01-10T04:30:01Z');
    await generate(NYC, 1, '2025-01-10T04:30:00Z', '2025-01-10T04:30:01Z');
    const daily = async (bl: number, date: string) =>
      ((await get(`/f/finance/${bl}/dailyFinancials?date=${date}`)).json() as FinancialPage).sales.length;
    expect(await daily(AMS, '2025-01-10')).toBe(1);
    expect(await daily(AMS, '2025-01-09')).toBe(0);
    expect(await daily(NYC, '2025-01-09')).toBe(1);
    expect(await daily(NYC, '2025-01-10')).toBe(0);
    const page = (await get(`/f/finance/${NYC}/dailyFinancials?date=2025-01-09`)).json() as Record<string, unknown>;
    expect(page.dataComplete).toBe(true);
    expect(page.nextStartOfDayAsIso8601).toMatch(/T05:00:00-0[45]:00$/);
  });

  it('aggregates sales by accounting group and staff', async () => {
    await generate(AMS, 50, '2025-01-10T08:00:00Z', '2025-01-10T20:00:00Z');
    const res = await get(`/f/finance/${AMS}/aggregatedSales?date=2025-01-10&groupBy=accountingGroup,staff`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      totalAmount: string;
      numberOfSales: number;
      children: {
        groupByKey: string;
        children: { groupByValue: string; totalAmount: string; numberOfSales: number }[];
      }[];
    };
    const groups = body.children[0]!;
    expect(groups.groupByKey).toBe('accountingGroup');
    const sum = groups.children.reduce((s, c) => s + Number(c.totalAmount), 0);
    expect(sum).toBeCloseTo(Number(body.totalAmount), 2);
    expect(groups.children.reduce((s, c) => s + c.numberOfSales, 0)).toBe(body.numberOfSales);
    expect((await get(`/f/finance/${AMS}/aggregatedSales?groupBy=colour`)).statusCode).toBe(400);
  });

  it('serves tax rates, payment methods (with OOPAYMENT), accounting groups and businesses as HAL', async () => {
    const taxes = (await get(`/f/finance/${AMS}/tax-rates`)).json() as {
      _embedded: { taxRateList: { code: string; rate: number; taxIncluded: boolean }[] };
    };
    expect(taxes._embedded.taxRateList).toEqual([
      { code: 'VAT9', description: 'BTW laag 9%', rate: 1.09, taxIncluded: true, accountingReference: 'vat9' },
      { code: 'VAT21', description: 'BTW hoog 21%', rate: 1.21, taxIncluded: true, accountingReference: 'vat21' },
    ]);
    const nycTaxes = (await get(`/f/finance/${NYC}/tax-rates`)).json() as {
      _embedded: { taxRateList: { taxIncluded: boolean }[] };
    };
    expect(nycTaxes._embedded.taxRateList).toMatchObject([{ code: 'NYS', taxIncluded: false }]);
    const methods = (await get(`/f/finance/${AMS}/paymentMethods`)).json() as {
      _embedded: { paymentMethodList: { code: string }[] };
    };
    expect(methods._embedded.paymentMethodList.map((m) => m.code)).toContain('OOPAYMENT');
    const groups = (await get(`/f/finance/${AMS}/accountingGroups`)).json() as {
      _embedded: { accountingGroupList: unknown[] };
    };
    expect(groups._embedded.accountingGroupList).toHaveLength(3);
    const businesses = (await get('/f/data/businesses')).json() as {
      _embedded: { businessList: { businessLocations: { timezone: string }[] }[] };
    };
    expect(businesses._embedded.businessList[0]!.businessLocations.map((l) => l.timezone)).toEqual([
      'Europe/Amsterdam',
      'America/New_York',
    ]);
  });
});
