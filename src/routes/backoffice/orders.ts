// Orders tab: the vendor's recent orders (newest first, paged, filtered by status and
// location), one order with its lines, timeline and vendor callbacks, and, for a failed or
// flagged order, the reason in plain words with a replay button where a replay is safe.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrderStatus } from '../../generated/prisma/enums.js';
import { ORDER_STATUSES, type OrderDetail, type OrderLine, type StatusFilter } from '../../services/orders/views.js';
import { csrfField, formatTime, html, type SafeHtml } from './html.js';
import { renderTab, sessionOf, withFlashOnError, type BackofficeContext } from './page.js';
import { csrfToken } from './session.js';

const PAGE_SIZE = 25;

type Tone = 'good' | 'bad' | 'warn' | 'pending';

const STATUS_LABEL: Record<OrderStatus, [string, Tone]> = {
  RECEIVED: ['Received', 'pending'],
  SUBMITTED: ['Sent to the POS', 'pending'],
  ACCEPTED: ['On the POS', 'pending'],
  PAYMENT_SUBMITTED: ['Payment sent', 'pending'],
  PAID: ['Paid', 'good'],
  READY_FOR_PICKUP: ['Ready for pickup', 'good'],
  CLOSED: ['Closed', 'good'],
  CANCELLED: ['Cancelled', 'warn'],
  ABANDONED: ['Abandoned', 'warn'],
  FAILED: ['Failed', 'bad'],
  PAYMENT_FAILED: ['Payment failed', 'bad'],
  NEEDS_ATTENTION: ['Needs attention', 'warn'],
};

const statusBadge = (status: OrderStatus) =>
  html`<span class="badge ${STATUS_LABEL[status][1]}" data-testid="order-status">${STATUS_LABEL[status][0]}</span>`;

const typeWords = (type: 'LOCAL' | 'TO_GO') => (type === 'LOCAL' ? 'Dine-in' : 'Takeaway / delivery');

function ordersUrl(filter: { status: string; location: string }, page: number): string {
  const query = new URLSearchParams();
  if (filter.status) query.set('status', filter.status);
  if (filter.location) query.set('location', filter.location);
  if (page > 1) query.set('page', String(page));
  const text = query.toString();
  return `/backoffice/orders${text ? `?${text}` : ''}`;
}

function lineRows(lines: OrderLine[], depth = 0): SafeHtml[] {
  return lines.flatMap((l) => [
    html`<tr data-testid="order-line"><td>${depth > 0 ? new Array(depth).fill('↳ ').join('') : ''}${l.name ?? l.sku}${l.name ? html` <span class="muted">${l.sku}</span>` : ''}</td>
<td class="num">${l.quantity}</td><td class="num">${l.unitPrice ?? '—'}</td><td>${l.modifiers.length ? l.modifiers.join(', ') : '—'}</td></tr>`,
    ...lineRows(l.subItems, depth + 1),
  ]);
}

function problemSection(order: OrderDetail, csrf: string): SafeHtml | string {
  if (!order.explanation) return '';
  const tone = STATUS_LABEL[order.status][1] === 'bad' ? '' : ' warn';
  return html`<section class="problem${tone}" data-testid="order-problem">
<h2>${STATUS_LABEL[order.status][0]}: what happened</h2>
<p data-testid="problem-summary"><strong>${order.explanation.summary}</strong></p>
<p>${order.explanation.action}</p>
${order.failureReason ? html`<p class="muted">Technical reason: <span data-testid="failure-reason">${order.failureReason}</span></p>` : ''}
${
  order.replayable
    ? html`<form method="post" action="/backoffice/orders/${order.id}/replay">${csrfField(csrf)}
<button type="submit">${order.status === 'PAYMENT_FAILED' ? 'Replay the payment' : 'Replay the order'}</button></form>`
    : html`<p class="muted">This order cannot be replayed from here: settle it on the POS.</p>`
}
</section>`;
}

export function orderRoutes(ctx: BackofficeContext): FastifyPluginAsyncZod {
  return async (app) => {
    const views = app.services.orderViews;
    const orders = app.services.orders;

    app.get('/orders', {
      schema: {
        hide: true,
        querystring: z.object({
          status: z.enum([...ORDER_STATUSES, 'PROBLEMS', '']).default(''),
          location: z.union([z.uuid(), z.literal('')]).default(''),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
        }),
        response: { 200: z.string() },
      },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        const { status, location, page } = request.query;
        const filter: StatusFilter = status === '' ? null : status;
        const [{ rows, hasMore }, locations] = await Promise.all([
          views.list(session.vendorId, { status: filter, locationId: location || null, page, pageSize: PAGE_SIZE }),
          views.locations(session.vendorId),
        ]);
        const body = html`<section><h2>Orders</h2>
<form method="get" action="/backoffice/orders" class="row" style="margin-bottom:12px">
<label for="status" style="margin:0">Status</label><select id="status" name="status">
<option value="">All</option>
<option value="PROBLEMS"${status === 'PROBLEMS' ? html` selected` : ''}>Problems only</option>
${ORDER_STATUSES.map((s) => html`<option value="${s}"${s === status ? html` selected` : ''}>${STATUS_LABEL[s][0]}</option>`)}
</select>
<label for="location" style="margin:0">Location</label><select id="location" name="location">
<option value="">All locations</option>
${locations.map((l) => html`<option value="${l.id}"${l.id === location ? html` selected` : ''}>${l.name}</option>`)}
</select>
<button class="secondary" type="submit">Show</button>
</form>
${
  rows.length === 0
    ? html`<p data-testid="no-orders">${page > 1 ? 'No more orders.' : 'No orders match.'}</p>`
    : html`<table><thead><tr><th>Time</th><th>Reference</th><th>Type</th><th>Location</th><th class="num">Total</th><th class="num">Paid</th><th>Status</th></tr></thead><tbody>
${rows.map((o) => {
  const tone = STATUS_LABEL[o.status][1];
  return html`<tr data-testid="order-row" class="${tone === 'bad' || tone === 'warn' ? tone : ''}"><td>${formatTime(o.createdAt)}</td>
<td><a href="/backoffice/orders/${o.id}">${o.reference}</a></td><td>${typeWords(o.type)}</td><td>${o.locationName}</td>
<td class="num">${o.total}</td><td class="num">${o.status === 'PAYMENT_FAILED' ? html`<span class="tl-bad">${o.paid}</span>` : o.paid}</td><td>${statusBadge(o.status)}</td></tr>`;
})}
</tbody></table>`
}
<div class="pager">${page > 1 ? html`<a href="${ordersUrl({ status, location }, page - 1)}">← Newer</a>` : ''}
<span class="muted">Page ${page}</span>
${hasMore ? html`<a href="${ordersUrl({ status, location }, page + 1)}">Older →</a>` : ''}</div>
</section>`;
        return renderTab(app, ctx, reply, session, 'orders', 'Orders', body);
      },
    });

    app.get('/orders/:orderId', {
      schema: { hide: true, params: z.object({ orderId: z.uuid() }), response: { 200: z.string() } },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        const order = await views.detail(session.vendorId, request.params.orderId);
        const csrf = csrfToken(app.config.SESSION_SECRET, session.id);
        const body = html`<p><a href="/backoffice/orders">← All orders</a></p>
${problemSection(order, csrf)}
<section><h2>Order ${order.reference} ${statusBadge(order.status)}</h2>
<dl>
<dt>Received</dt><dd>${formatTime(order.createdAt)}</dd>
<dt>Type</dt><dd>${typeWords(order.type)}</dd>
<dt>Location</dt><dd>${order.locationName}</dd>
<dt>Customer</dt><dd>${order.customerName ?? '—'}</dd>
<dt>Your reference</dt><dd>${order.callerReference ?? '—'}</dd>
<dt>Lightspeed reference</dt><dd><code>${order.ourReference}</code></dd>
<dt>POS check (account)</dt><dd>${order.accountIdentifier ?? 'not on the POS yet'}</dd>
<dt>Total</dt><dd data-testid="order-total">${order.total}${order.tip !== '0.00' ? html` <span class="muted">+ tip ${order.tip}</span>` : ''}</dd>
<dt>Payment</dt><dd data-testid="order-paid">${
          order.paidAt
            ? html`<span class="tl-good">${order.paid} paid</span> by ${order.paymentMethod}, ${formatTime(order.paidAt)}`
            : order.status === 'PAYMENT_FAILED'
              ? html`<span class="badge bad">Payment failed</span> ${order.paymentMethod}`
              : html`not paid yet (${order.paymentMethod})`
        }</dd>
</dl></section>
<section><h2>Lines</h2>
<table><thead><tr><th>Item</th><th class="num">Qty</th><th class="num">Unit price</th><th>Modifiers</th></tr></thead>
<tbody>${lineRows(order.lines)}</tbody></table>
<p class="muted">Prices of menu items are the POS's own; a unit price shows for custom items only.</p></section>
<section><h2>Timeline</h2>
<table><thead><tr><th>When</th><th>What happened</th><th>By</th><th>Details</th></tr></thead><tbody>
${order.timeline.map(
  (
    t,
  ) => html`<tr data-testid="timeline-row"><td>${formatTime(t.at)}</td><td class="${t.tone === 'bad' ? 'tl-bad' : t.tone === 'good' ? 'tl-good' : ''}">${t.what}</td>
<td>${t.by ?? '—'}</td><td class="muted">${t.detail ?? ''}</td></tr>`,
)}
</tbody></table></section>`;
        return renderTab(app, ctx, reply, session, 'orders', `Order ${order.reference}`, body);
      },
    });

    app.post('/orders/:orderId/replay', {
      schema: {
        hide: true,
        params: z.object({ orderId: z.uuid() }),
        body: z.object({ _csrf: z.string().optional() }),
        response: { 303: z.null() },
      },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        const { orderId } = request.params;
        return withFlashOnError(ctx, reply, session, `/backoffice/orders/${orderId}`, async () => {
          const order = await orders.replay(session.vendorId, orderId, 'backoffice');
          request.log.info({ vendorId: session.vendorId, orderId }, 'back-office order replay');
          return {
            kind: 'ok',
            text:
              order.status === 'ACCEPTED'
                ? 'The payment is being sent to the POS again.'
                : 'The order is being sent to the POS again.',
          };
        });
      },
    });
  };
}
