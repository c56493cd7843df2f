// Rich Item API (/i/...): allergens, business locales, rich items (paged HAL list, per-SKU get,
// create-or-update, picture patch, delete, lookup by SKUs) and picture specifications.
// Reads accept orders-api or items (the scope docs say items can "read rich items"); writes need orders-api.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkBusiness, requireScope } from '../auth.js';
import type { SandboxContext } from '../context.js';
import { sendSpring } from '../errors.js';
import { ALLERGENS } from '../seed-catalog.js';
import type { RichItem } from '../state.js';
import { firstString } from '../util.js';
import { isObject, params, parseLongParam, query } from './common.js';

const HAL = 'application/hal+json;charset=UTF-8';
const LOCALE = /^[a-z]{2}(_[A-Z]{2})?$/;

export function registerRichItemRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const read = { preHandler: requireScope(ctx, 'orders-api', 'items') };
  const write = { preHandler: requireScope(ctx, 'orders-api') };
  const state = ctx.state;
  const allergenCodes = new Set(ALLERGENS.map((a) => a.code));
  const origin = (request: FastifyRequest): string => `${request.protocol}://${request.headers.host ?? '127.0.0.1'}`;

  app.get('/i/allergens', read, async () =>
    ALLERGENS.map((a) => ({
      code: a.code,
      translations: [
        { locale: 'en', text: a.en },
        { locale: 'nl', text: a.nl },
        { locale: 'fr', text: a.fr },
      ],
    })),
  );

  /** The business in the path, checked against the token. */
  const business = (request: FastifyRequest, reply: FastifyReply): number | undefined => {
    const id = parseLongParam(ctx, reply, 'businessId', params(request).businessId ?? '');
    if (id === undefined) return undefined;
    return checkBusiness(ctx, request, reply, id) ? id : undefined;
  };

  app.get('/i/locales/:businessId', read, async (request, reply) => {
    const id = business(request, reply);
    return id === undefined ? reply : (state.locales.get(id) ?? []);
  });

  app.put('/i/locales/:businessId', write, async (request, reply) => {
    const id = business(request, reply);
    if (id === undefined) return reply;
    const body = request.body;
    if (!Array.isArray(body) || body.some((l) => typeof l !== 'string' || !LOCALE.test(l))) {
      return sendSpring(reply, 400, "Locales must be a JSON array of codes like 'en' or 'en_US'", ctx.now());
    }
    state.locales.set(id, [...new Set(body as string[])]);
    return reply.code(200).send();
  });

  const dto = (request: FastifyRequest, businessId: number, r: RichItem, links: boolean) => ({
    businessId,
    sku: r.sku,
    descriptions: r.descriptions,
    allergenCodes: r.allergenCodes,
    creationDate: new Date(r.creationDate).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    lastUpdateDate: new Date(r.lastUpdateDate).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(r.pictureUrl
      ? { pictureUrl: r.pictureUrl, previewPictureUrl: r.previewPictureUrl, rawPictureUrl: r.rawPictureUrl }
      : {}),
    ...(links
      ? {
          _links: {
            self: { href: `${origin(request)}/i/richItem/${businessId}/${encodeURIComponent(r.sku)}` },
            items: { href: `${origin(request)}/i/richItem/${businessId}/` },
          },
        }
      : {}),
  });

  const items = (businessId: number): Map<string, RichItem> => {
    let map = state.richItems.get(businessId);
    if (!map) {
      map = new Map();
      state.richItems.set(businessId, map);
    }
    return map;
  };

  app.get('/i/richItem/:businessId', read, async (request, reply) => {
    const id = business(request, reply);
    if (id === undefined) return reply;
    const q = query(request);
    const page = Math.max(0, Number(firstString(q.page) ?? 0) || 0);
    const size = Math.min(1000, Math.max(1, Number(firstString(q.size) ?? 1000) || 1000));
    const sort = firstString(q.sort) ?? '';
    const list = [...items(id).values()].sort((a, b) => a.sku.localeCompare(b.sku));
    if (/,desc$/i.test(sort)) list.reverse();
    const slice = list.slice(page * size, page * size + size);
    return reply.type(HAL).send({
      _embedded: { richItemDtoList: slice.map((r) => dto(request, id, r, true)) },
      _links: { self: { href: `${origin(request)}/i/richItem/${id}?page=${page}&size=${size}&sort=${sort}` } },
    });
  });

  app.post('/i/richItem/:businessId/itemsBySkus', read, async (request, reply) => {
    const id = business(request, reply);
    if (id === undefined) return reply;
    if (!Array.isArray(request.body))
      return sendSpring(reply, 400, 'Request body must be a JSON array of SKUs', ctx.now());
    const wanted = new Set((request.body as unknown[]).map(String));
    const found = [...items(id).values()].filter((r) => wanted.has(r.sku));
    return reply.type(HAL).send({
      _embedded: { richItemDtoList: found.map((r) => dto(request, id, r, true)) },
      _links: { self: { href: `${origin(request)}/i/richItem/${id}/itemsBySkus` } },
    });
  });

  app.get('/i/richItem/:businessId/pictureSpec', read, async (request, reply) => {
    const id = business(request, reply);
    if (id === undefined) return reply;
    return reply.type(HAL).send({
      _links: { self: { href: `${origin(request)}/i/richItem/${id}/pictureSpec` } },
      minHeight: 400,
      minWidth: 400,
      requiredAspectRatio: 1.0,
    });
  });

  app.get('/i/richItem/:businessId/:sku', read, async (request, reply) => {
    const id = business(request, reply);
    if (id === undefined) return reply;
    const r = items(id).get(params(request).sku ?? '');
    if (!r) return reply.code(404).send();
    return reply.type(HAL).send(dto(request, id, r, true));
  });

  /** Body checks shared by PUT and PATCH: businessId and sku required and consistent. */
  const body = (
    request: FastifyRequest,
    reply: FastifyReply,
    businessId: number,
  ): Record<string, unknown> | undefined => {
    const b = request.body;
    if (
      !isObject(b) ||
      b.businessId === undefined ||
      typeof b.sku !== 'string' ||
      b.sku.length === 0 ||
      b.sku.length > 25
    ) {
      void sendSpring(reply, 400, 'businessId and sku (1..25 characters) are required', ctx.now());
      return undefined;
    }
    if (Number(b.businessId) !== businessId) {
      void sendSpring(reply, 400, 'businessId in the body does not match the path', ctx.now());
      return undefined;
    }
    return b;
  };

  app.put('/i/richItem/:businessId/:sku', write, async (request, reply) => {
    const id = business(request, reply);
    if (id === undefined) return reply;
    const b = body(request, reply, id);
    if (!b) return reply;
    const codes = Array.isArray(b.allergenCodes) ? b.allergenCodes.map(String) : [];
    const unknown = codes.find((c) => !allergenCodes.has(c));
    if (unknown) return sendSpring(reply, 400, `Unknown allergen code '${unknown}'`, ctx.now());
    const descriptions = Array.isArray(b.descriptions) ? b.descriptions.filter(isObject) : [];
    if (
      descriptions.some((d) => typeof d.localeCode !== 'string' || d.localeCode.length < 2 || d.localeCode.length > 7)
    ) {
      return sendSpring(reply, 400, 'descriptions[].localeCode is required (2..7 characters)', ctx.now());
    }
    const map = items(id);
    const pathSku = params(request).sku ?? '';
    const existing = map.get(pathSku);
    const now = ctx.now();
    const r: RichItem = {
      ...(existing ?? { creationDate: now }),
      sku: b.sku as string,
      allergenCodes: [...new Set(codes)],
      descriptions: descriptions.map((d) => ({
        localeCode: d.localeCode as string,
        ...(typeof d.description === 'string' ? { description: d.description } : {}),
        ...(typeof d.displayName === 'string' ? { displayName: d.displayName } : {}),
      })),
      lastUpdateDate: now,
    };
    map.delete(pathSku); // a new sku in the body renames the rich item
    map.set(r.sku, r);
    return reply.type(HAL).send(dto(request, id, r, false));
  });

  app.patch('/i/richItem/:businessId/:sku', write, async (request, reply) => {
    const id = business(request, reply);
    if (id === undefined) return reply;
    const b = body(request, reply, id);
    if (!b) return reply;
    if (typeof b.picture !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(b.picture)) {
      return sendSpring(reply, 400, 'picture (base64) is required', ctx.now());
    }
    const r = items(id).get(params(request).sku ?? '');
    if (!r) return reply.code(404).send();
    const ext = typeof b.fileType === 'string' && /^[a-z]{3,4}$/.test(b.fileType) ? b.fileType : 'png';
    const base = `https://rich-content.sandbox.lsk.invalid/items/${encodeURIComponent(r.sku)}-${ctx.now()}`;
    r.pictureUrl = `${base}.${ext}`;
    r.previewPictureUrl = `${base}_preview.${ext}`;
    r.rawPictureUrl = `${base}_raw.${ext}`;
    r.lastUpdateDate = ctx.now();
    return reply.type(HAL).send(dto(request, id, r, false));
  });

  app.delete('/i/richItem/:businessId/:sku', write, async (request, reply) => {
    const id = business(request, reply);
    if (id === undefined) return reply;
    items(id).delete(params(request).sku ?? '');
    return reply.code(204).send();
  });
}
