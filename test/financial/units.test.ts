// The pure pieces under the sync and the reports: business days across DST changes, exact money
// arithmetic, backfill planning and CSV quoting.
import { describe, expect, it } from 'vitest';
import { formatAmount, parseAmount, sumAmounts } from '../../src/services/financial/amounts.js';
import { planBackfill } from '../../src/services/financial/backfill.js';
import {
  businessDateOf,
  businessDayBounds,
  startOfDayFrom,
  zonedInstant,
  type BusinessCalendar,
} from '../../src/services/financial/calendar.js';
import { csvLine, saleCsvLine } from '../../src/services/financial/csv.js';

const ams: BusinessCalendar = { timezone: 'Europe/Amsterdam', startOfDay: '05:00', source: 'kseries' };
const nyc: BusinessCalendar = { timezone: 'America/New_York', startOfDay: '05:00', source: 'kseries' };
const HOUR = 3600_000;

describe('business calendar', () => {
  it('places day starts in local time across DST changes', () => {
    expect(zonedInstant('Europe/Amsterdam', '2025-03-29', '05:00').toISOString()).toBe('2025-03-29T04:00:00.000Z');
    expect(zonedInstant('Europe/Amsterdam', '2025-03-30', '05:00').toISOString()).toBe('2025-03-30T03:00:00.000Z');
    const spring = businessDayBounds(ams, '2025-03-29', '2025-03-29');
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * HOUR);
    const autumn = businessDayBounds(nyc, '2025-11-01', '2025-11-01');
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * HOUR);
  });

  it('dates an instant by the business day it falls in', () => {
    expect(businessDateOf(ams, new Date('2025-03-30T02:59:00Z'))).toBe('2025-03-29');
    expect(businessDateOf(ams, new Date('2025-03-30T03:00:00Z'))).toBe('2025-03-30');
    expect(businessDateOf(nyc, new Date('2025-01-02T09:59:00Z'))).toBe('2025-01-01');
    expect(businessDateOf(nyc, new Date('2025-01-02T10:00:00Z'))).toBe('2025-01-02');
    expect(startOfDayFrom('2023-07-28T05:30:00-05:00')).toBe('05:30');
    expect(startOfDayFrom(undefined)).toBeNull();
  });
});

describe('amounts', () => {
  it('sums exactly and rounds once, half away from zero', () => {
    expect(formatAmount(sumAmounts(['1.666667', '1.666667', '1.666666']))).toBe('5.00');
    expect(formatAmount(parseAmount('1.005'))).toBe('1.01');
    expect(formatAmount(parseAmount('-1.005'))).toBe('-1.01');
    expect(formatAmount(parseAmount('-0.001'))).toBe('0.00');
    expect(formatAmount(sumAmounts(['0.1', '0.2']))).toBe('0.30');
    expect(formatAmount(sumAmounts(['', undefined, null, '12']))).toBe('12.00');
    expect(() => parseAmount('12,50')).toThrow(/not a decimal/);
  });
});

describe('backfill planning', () => {
  it('splits up to 365 days into chunks of at most 31 and refuses more', () => {
    const year = planBackfill('2025-01-01', '2025-12-31', '2026-06-01');
    expect(year).toHaveLength(12);
    expect(year[0]).toEqual({ fromDate: '2025-01-01', toDate: '2025-01-31' });
    expect(year.at(-1)).toEqual({ fromDate: '2025-12-08', toDate: '2025-12-31' });
    expect(planBackfill('2025-02-10', '2025-02-10', '2026-01-01')).toEqual([
      { fromDate: '2025-02-10', toDate: '2025-02-10' },
    ]);
    expect(() => planBackfill('2024-01-01', '2024-12-31', '2026-01-01')).toThrow(/365/); // 366 days (leap year)
    expect(() => planBackfill('2025-02-10', '2025-02-09', '2026-01-01')).toThrow(/before/);
    expect(() => planBackfill('2026-02-10', '2026-02-11', '2026-01-01')).toThrow(/future/);
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas in text', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', null, 3])).toBe('a,"b,c","say ""hi""",,3\r\n');
    const line = saleCsvLine({
      receiptId: 'R1',
      accountId: '=HYPERLINK("x")',
      businessDate: '2025-01-01',
      timeClosed: 't',
      type: 'SALE',
      cancelled: false,
      externalReference: null,
      currency: 'EUR',
      total: '-1.00',
      tax: '0.00',
      discounts: '0.00',
      tips: '0.00',
      payments: [{ code: 'CARD', amount: '-1.00' }],
    });
    expect(line).toBe(`R1,"'=HYPERLINK(""x"")",2025-01-01,t,SALE,false,,EUR,-1.00,0.00,0.00,0.00,CARD:-1.00\r\n`);
  });
});
