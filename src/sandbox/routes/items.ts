// Items API (/items/v1/items, `items` scope): list with filters and offset/amount paging, get,
// create, update, delete. Errors use the items service's `{status:"400",message,apiSubExceptions}`.
// Items created here are sellable at once: orders may use their SKUs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkLocation, requireScope } from '../auth.js';
import type { SandboxContext } from '../context.js';
import { apiSubExceptionBody } from '../errors.js';
import type { ItemRecord } from '../state.js';
import { firstString } from '../util.js';
import { isObject, listParam, params, query } from './common.js';

type SubError = { field: string; rejectedValue: string; message: string };
const PRICE_MODES = ['AMOUNT', 'PERCENT', 'POSITIVE_OPEN_PRICE', 'NEGATIVE_OPEN_PRICE'] as const;

export function registerItemRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const itemsScope = { preHandler: requireScope(ctx, 'items') };
  const state = ctx.state;

  const bad = (reply: FastifyReply, status: number, message: string, sub: SubError[] = []) =>
    reply.code(status).send(apiSubExceptionBody(status, message, ctx.now(), sub));

  const itemJson = (item: ItemRecord) => {
    const location = state.locations.get(item.locationId)!;
    const group = Object.values(location.accountingGroups).find((g) => g.id === item.accountingGroupId);
    return {
      id: item.id,
      name: item.name,
      ...(item.docketName !== undefined ? { docketName: item.docketName } : {}),
      sku: item.sku,
      active: item.active,
      ...(item.barcode !== undefined ? { barcode: item.barcode } : {}),
      barcodes: item.barcodes,
      accountingGroup: { id: item.accountingGroupId, name: group?.name ?? '' },
      statisticGroups: [{ category: 'default', value: group?.name ?? '' }],
      ...(item.costPrice !== undefined ? { costPrice: item.costPrice } : {}),
      prices: [{ amount: item.defaultPrice, name: 'Default' }],
      sharingType: 'LOCAL',
      priceMode: item.priceMode,
      inventorySource: 'PURCHASED',
      disabled: true,
      contentDimension: 'DIMENSION_LESS',
      contentUom: 'unit',
      contentValue: 1,
      itemType: item.subItem ? 'SUB_ITEM' : 'ITEM',
    };
  };

  /** `businessLocationId` (query or body) checked against the token; answers 400/403 itself. */
  const location = (request: FastifyRequest, reply: FastifyReply, raw: unknown): number | undefined => {
    const text = raw === undefined || raw === null ? '' : String(raw);
    if (!/^\d{1,16}$/.test(text)) {
      void bad(reply, 400, 'businessLocationId is required', [
        { field: 'businessLocationId', rejectedValue: text, message: 'must be a valid business location id' },
      ]);
      return undefined;
    }
    return checkLocation(ctx, request, reply, Number(text)) ? Number(text) : undefined;
  };

  app.get('/items/v1/items', itemsScope, async (request, reply) => {
    const q = query(request);
    const locationId = location(request, reply, firstString(q.businessLocationId));
    if (locationId === undefined) return reply;
    const offset = Number(firstString(q.offset) ?? 0);
    const amount = Number(firstString(q.amount) ?? 100);
    const sub: SubError[] = [];
    if (!Number.isInteger(offset) || offset < 0)
      sub.push({
        field: 'offset',
        rejectedValue: String(firstString(q.offset)),
        message: 'must be greater than or equal to 0',
      });
    if (!Number.isInteger(amount) || amount < 1 || amount > 1000)
      sub.push({
        field: 'amount',
        rejectedValue: String(firstString(q.amount)),
        message: 'must be between 1 and 1000',
      });
    const itemIds = listParam(q.itemIds);
    if (itemIds.length > 200)
      sub.push({ field: 'itemIds', rejectedValue: String(itemIds.length), message: 'size must be between 0 and 200' });
    if (sub.length > 0) return bad(reply, 400, 'Constraint violation', sub);
    const sku = firstString(q.sku);
    const name = firstString(q.name)?.toLowerCase();
    const groupId = firstString(q.accountingGroupId);
    // The spec documents a 404 for the list without saying when; the create answers 404 for an
    // unknown accounting group, so a filter naming one is read the same way.
    if (groupId && !groupExists(locationId, Number(groupId))) return bad(reply, 404, 'Accounting group not found');
    let items = [...(state.items.get(locationId)?.values() ?? [])].filter(
      (i) =>
        (!sku || i.sku === sku) &&
        (!name || i.name.toLowerCase().includes(name)) &&
        (!groupId || String(i.accountingGroupId) === groupId),
    );
    if (itemIds.length > 0) items = items.filter((i) => itemIds.includes(String(i.id)));
    else items = items.slice(offset, offset + amount);
    return items.map(itemJson);
  });

  const findItem = (request: FastifyRequest, reply: FastifyReply, locationId: number): ItemRecord | undefined => {
    const item = state.items.get(locationId)?.get(Number(params(request).id));
    if (!item) void bad(reply, 404, 'Item not found');
    return item;
  };

  app.get('/items/v1/items/:id', itemsScope, async (request, reply) => {
    const locationId = location(request, reply, firstString(query(request).businessLocationId));
    if (locationId === undefined) return reply;
    const item = findItem(request, reply, locationId);
    return item ? itemJson(item) : reply;
  });

  /** Validates a create/update body; `update` requires sku too (items-apiUpdateItemDTO). */
  const validate = (body: Record<string, unknown>, update: boolean): SubError[] => {
    const sub: SubError[] = [];
    const need = (field: string, ok: boolean, message = 'must not be null') => {
      if (!ok) sub.push({ field, rejectedValue: String(body[field] ?? 'null'), message });
    };
    need(
      'name',
      typeof body.name === 'string' && body.name.length >= 1 && body.name.length <= 180,
      'size must be between 1 and 180',
    );
    need('accountingGroupId', typeof body.accountingGroupId === 'number' && Number.isInteger(body.accountingGroupId));
    need('defaultPrice', typeof body.defaultPrice === 'number' && Number.isFinite(body.defaultPrice));
    if (update || body.sku !== undefined)
      need(
        'sku',
        typeof body.sku === 'string' && body.sku.length >= 1 && body.sku.length <= 32,
        'size must be between 1 and 32',
      );
    if (body.docketName !== undefined)
      need(
        'docketName',
        typeof body.docketName === 'string' && body.docketName.length <= 64,
        'size must be between 0 and 64',
      );
    if (body.barcode !== undefined)
      need('barcode', typeof body.barcode === 'string' && body.barcode.length <= 64, 'size must be between 0 and 64');
    if (body.priceMode !== undefined)
      need('priceMode', PRICE_MODES.includes(body.priceMode as never), `must be one of ${PRICE_MODES.join(', ')}`);
    if (body.costPrice !== undefined) need('costPrice', typeof body.costPrice === 'number');
    return sub;
  };

  const apply = (item: ItemRecord, body: Record<string, unknown>): void => {
    item.name = body.name as string;
    item.defaultPrice = body.defaultPrice as number;
    item.accountingGroupId = body.accountingGroupId as number;
    if (typeof body.sku === 'string') item.sku = body.sku;
    if (typeof body.docketName === 'string') item.docketName = body.docketName;
    if (typeof body.active === 'boolean') item.active = body.active;
    if (typeof body.barcode === 'string') item.barcode = body.barcode;
    if (Array.isArray(body.barcodes)) item.barcodes = body.barcodes.map(String);
    if (typeof body.costPrice === 'number') item.costPrice = body.costPrice;
    if (typeof body.priceMode === 'string') item.priceMode = body.priceMode as ItemRecord['priceMode'];
  };

  const groupExists = (locationId: number, id: unknown): boolean =>
    Object.values(state.locations.get(locationId)!.accountingGroups).some((g) => g.id === id);

  const skuTaken = (locationId: number, sku: unknown, except?: number): boolean =>
    [...(state.items.get(locationId)?.values() ?? [])].some((i) => i.sku === sku && i.id !== except);

  app.post('/items/v1/items', itemsScope, async (request, reply) => {
    if (!isObject(request.body)) return bad(reply, 400, 'Required request body is missing');
    const body = request.body;
    const sub = validate(body, false);
    if (body.businessLocationId === undefined)
      sub.push({ field: 'businessLocationId', rejectedValue: 'null', message: 'must not be null' });
    if (sub.length > 0) return bad(reply, 400, 'Constraint violation', sub);
    const locationId = location(request, reply, body.businessLocationId);
    if (locationId === undefined) return reply;
    if (!groupExists(locationId, body.accountingGroupId))
      return bad(reply, 404, 'Could not create item: accounting group not found');
    if (skuTaken(locationId, body.sku)) return bad(reply, 400, `An item with SKU ${String(body.sku)} already exists`);
    const id = 45454567000000 + ++state.itemCounter;
    const group = Object.entries(state.locations.get(locationId)!.accountingGroups).find(
      ([, g]) => g.id === body.accountingGroupId,
    )?.[0];
    const item: ItemRecord = {
      id,
      locationId,
      sku: `SKU-${id}`,
      name: '',
      active: true,
      barcodes: [],
      accountingGroupId: 0,
      defaultPrice: 0,
      priceMode: 'AMOUNT',
      taxClass: group === 'alcohol' ? 'alcohol' : group === 'drinks' ? 'drink' : 'food',
      subItem: false,
    };
    apply(item, body);
    state.items.get(locationId)!.set(id, item);
    return reply.code(201).send(itemJson(item));
  });

  app.put('/items/v1/items/:id', itemsScope, async (request, reply) => {
    if (!isObject(request.body)) return bad(reply, 400, 'Required request body is missing');
    const body = request.body;
    const sub = validate(body, true);
    if (body.businessLocationId === undefined)
      sub.push({ field: 'businessLocationId', rejectedValue: 'null', message: 'must not be null' });
    if (sub.length > 0) return bad(reply, 400, 'Constraint violation', sub);
    const locationId = location(request, reply, body.businessLocationId);
    if (locationId === undefined) return reply;
    const item = findItem(request, reply, locationId);
    if (!item) return reply;
    if (!groupExists(locationId, body.accountingGroupId))
      return bad(reply, 400, 'Accounting group not found', [
        {
          field: 'accountingGroupId',
          rejectedValue: String(body.accountingGroupId),
          message: 'must be an existing accountingGroupId',
        },
      ]);
    if (skuTaken(locationId, body.sku, item.id))
      return bad(reply, 400, `An item with SKU ${String(body.sku)} already exists`);
    apply(item, body);
    return itemJson(item);
  });

  // Not in the published OpenAPI, but documented by integrators (Upvendo: "returns HTTP 204").
  app.delete('/items/v1/items/:id', itemsScope, async (request, reply) => {
    const locationId = location(request, reply, firstString(query(request).businessLocationId));
    if (locationId === undefined) return reply;
    const item = findItem(request, reply, locationId);
    if (!item) return reply;
    state.items.get(locationId)!.delete(item.id);
    return reply.code(204).send();
  });
}
