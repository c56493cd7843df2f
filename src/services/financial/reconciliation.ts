// Our orders versus the POS sales carrying their reference. K-Series shows an online order in
// financials with the external reference TASK:OO-{businessLocationId}-{thirdPartyReference};
// our thirdPartyReference is the order's reference (o + 24 hex, "-n" for the n-th delivery
// attempt). Other integrations' online orders carry TASK:OO references too: they are counted,
// not reported as missing. An order or sale just outside the range is looked up beyond it, so
// "missing" means missing, not "closed after midnight".
import type { PrismaClient } from '../../db/prisma.js';
import { saleExternalReference } from '../../integrations/lightspeed/client/index.js';
import type { OrderStatus } from '../../generated/prisma/client.js';
import { formatAmount, parseAmount } from './amounts.js';
import { businessDayBounds, type BusinessCalendar } from './calendar.js';
import { jsonArray, num } from './sql.js';

/** Paid orders: the POS closed their account, so a sale must exist. */
const EXPECTED: readonly OrderStatus[] = ['PAID', 'READY_FOR_PICKUP', 'CLOSED'];
/** Orders that never became (or stopped being) a sale: a sale for one is a conflict. */
const NOT_EXPECTED: readonly OrderStatus[] = ['FAILED', 'CANCELLED', 'ABANDONED', 'PAYMENT_FAILED'];
const OUR_REFERENCE = /^(o[0-9a-f]{24})(?:-\d+)?$/;
const LIST_LIMIT = 1000;

type SaleRef = { receipt_id: string; time_closed: Date; ref: string; paid: string; tips: string };

export async function reconcile(
  prisma: PrismaClient,
  target: { locationId: string; businessLocationId: bigint },
  calendar: BusinessCalendar,
  fromDate: string,
  toDate: string,
) {
  const { locationId, businessLocationId } = target;
  const { start, end } = businessDayBounds(calendar, fromDate, toDate);
  const prefix = saleExternalReference(businessLocationId, '');
  const salesInRange = prisma.$queryRaw<SaleRef[]>`
    SELECT f.receipt_id, f.time_closed, ref,
      (SELECT COALESCE(sum(${num(`p->>'netAmountWithTax'`)}), 0)::text FROM jsonb_array_elements(${jsonArray(`f.payload->'payments'`)}) p) AS paid,
      (SELECT COALESCE(sum(${num(`p->>'tip'`)}), 0)::text FROM jsonb_array_elements(${jsonArray(`f.payload->'payments'`)}) p) AS tips
    FROM financial_sales f CROSS JOIN LATERAL jsonb_array_elements_text(${jsonArray(`f.payload->'externalReferences'`)}) AS ref
    WHERE f.location_id = ${locationId}::uuid AND f.business_location_id = ${businessLocationId} AND f.time_closed >= ${start} AND f.time_closed < ${end} AND ref LIKE ${`${prefix}%`}`;

  const orderSelect = {
    id: true,
    reference: true,
    attempt: true,
    status: true,
    paymentAmount: true,
    createdAt: true,
  } as const;
  const [orders, inRange] = await Promise.all([
    prisma.order.findMany({
      where: { locationId, createdAt: { gte: start, lt: end } },
      select: orderSelect,
      orderBy: { createdAt: 'asc' },
    }),
    salesInRange,
  ]);

  const ours = inRange.filter((s) => OUR_REFERENCE.test(s.ref.slice(prefix.length)));
  const baseOf = (ref: string) => OUR_REFERENCE.exec(ref.slice(prefix.length))?.[1] ?? '';
  const saleByBase = new Map(ours.map((s) => [baseOf(s.ref), s]));
  const orderByReference = new Map(orders.map((o) => [o.reference, o]));

  // Orders whose sale closed outside the range, and sales whose order was created outside it.
  const unmatchedOrders = orders.filter((o) => !saleByBase.has(o.reference)).map((o) => o.reference);
  const unmatchedSales = ours.filter((s) => !orderByReference.has(baseOf(s.ref))).map((s) => baseOf(s.ref));
  const [outsideSales, outsideOrders] = await Promise.all([
    unmatchedOrders.length
      ? prisma.financialSale.findMany({
          where: {
            locationId,
            businessLocationId,
            OR: unmatchedOrders.flatMap((r) => [
              { externalReference: `${prefix}${r}` },
              { externalReference: { startsWith: `${prefix}${r}-` } },
            ]),
          },
          select: { externalReference: true },
        })
      : [],
    unmatchedSales.length
      ? prisma.order.findMany({ where: { locationId, reference: { in: unmatchedSales } }, select: orderSelect })
      : [],
  ]);
  const foundOutside = new Set(outsideSales.map((s) => baseOf(s.externalReference ?? '')));
  const ordersOutside = new Map(outsideOrders.map((o) => [o.reference, o]));

  const missingOnPos = orders
    .filter((o) => EXPECTED.includes(o.status) && !saleByBase.has(o.reference) && !foundOutside.has(o.reference))
    .map((o) => ({
      orderId: o.id,
      reference: o.reference,
      externalReference: saleExternalReference(businessLocationId, o.reference),
      status: o.status,
      createdAt: o.createdAt.toISOString(),
      paymentAmount: o.paymentAmount.toFixed(2),
    }));
  const missingInOrders = ours
    .filter((s) => !orderByReference.has(baseOf(s.ref)) && !ordersOutside.has(baseOf(s.ref)))
    .map((s) => ({
      receiptId: s.receipt_id,
      externalReference: s.ref,
      timeClosed: s.time_closed.toISOString(),
      paid: formatAmount(parseAmount(s.paid)),
    }));

  const matched = ours.flatMap((s) => {
    const order = orderByReference.get(baseOf(s.ref)) ?? ordersOutside.get(baseOf(s.ref));
    return order ? [{ order, sale: s }] : [];
  });
  // K-Series documents the tip both inside and beside the payment amount: either way matches.
  const amountMismatches = matched
    .filter(({ order, sale }) => {
      const expected = parseAmount(order.paymentAmount.toFixed(2));
      const paid = parseAmount(sale.paid);
      return expected !== paid && expected !== paid + parseAmount(sale.tips);
    })
    .map(({ order, sale }) => ({
      orderId: order.id,
      receiptId: sale.receipt_id,
      orderAmount: order.paymentAmount.toFixed(2),
      posPaid: formatAmount(parseAmount(sale.paid)),
      posTips: formatAmount(parseAmount(sale.tips)),
    }));
  const statusConflicts = matched
    .filter(({ order }) => NOT_EXPECTED.includes(order.status))
    .map(({ order, sale }) => ({ orderId: order.id, status: order.status, receiptId: sale.receipt_id }));

  return {
    summary: {
      orders: orders.length,
      expectedOnPos: orders.filter((o) => EXPECTED.includes(o.status)).length,
      posSalesWithOurReference: ours.length,
      matched: matched.length,
      missingOnPos: missingOnPos.length,
      missingInOrders: missingInOrders.length,
      amountMismatches: amountMismatches.length,
      statusConflicts: statusConflicts.length,
      inFlight: orders.filter(
        (o) => !EXPECTED.includes(o.status) && !NOT_EXPECTED.includes(o.status) && !saleByBase.has(o.reference),
      ).length,
      otherIntegrationSales: inRange.length - ours.length,
    },
    missingOnPos: missingOnPos.slice(0, LIST_LIMIT),
    missingInOrders: missingInOrders.slice(0, LIST_LIMIT),
    amountMismatches: amountMismatches.slice(0, LIST_LIMIT),
    statusConflicts: statusConflicts.slice(0, LIST_LIMIT),
    truncated: [missingOnPos, missingInOrders, amountMismatches, statusConflicts].some((l) => l.length > LIST_LIMIT),
  };
}
