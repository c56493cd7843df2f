// A vendor's locations, each optionally mapped to a K-Series businessLocationId.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { vendorOf } from '../../plugins/auth.js';
import type { createLocationService } from '../../services/locations.js';
import { errorResponses, iso, isoDate, kseriesIdInput, paginationQuery, uuidParam } from '../schemas.js';

export const locationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    businessLocationId: z.number().int().nullable(),
    defaultOrderProfile: z.string().nullable(),
    readiness: z.string().nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Location' });

type LocationRow = Awaited<ReturnType<ReturnType<typeof createLocationService>['get']>>;
export const locationView = (l: LocationRow) => ({
  id: l.id,
  name: l.name,
  businessLocationId: l.businessLocationId === null ? null : Number(l.businessLocationId),
  defaultOrderProfile: l.defaultOrderProfile,
  readiness: l.readiness,
  createdAt: iso(l.createdAt),
  updatedAt: iso(l.updatedAt),
});

const writableFields = {
  name: z.string().trim().min(1).max(200),
  businessLocationId: kseriesIdInput.nullable(),
  // K-Series accountProfileCode of the order profile used when an order names none.
  defaultOrderProfile: z.string().trim().min(1).max(64).nullable(),
};
const createBody = z.object({
  name: writableFields.name,
  businessLocationId: writableFields.businessLocationId.optional(),
  defaultOrderProfile: writableFields.defaultOrderProfile.optional(),
});
const updateBody = z
  .object({
    name: writableFields.name.optional(),
    businessLocationId: writableFields.businessLocationId.optional(),
    defaultOrderProfile: writableFields.defaultOrderProfile.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field is required' });

const params = z.object({ locationId: uuidParam });
const security = [{ vendorApiKey: [] }];
const tags = ['locations'];

const locationRoutes: FastifyPluginAsyncZod = async (app) => {
  const locations = app.services.locations;

  app.post('/locations', {
    schema: {
      tags,
      security,
      summary: 'Create a location',
      body: createBody,
      response: { 201: locationSchema, ...errorResponses(400, 401, 409) },
    },
    handler: async (request, reply) => {
      const location = await locations.create(vendorOf(request).id, request.body);
      request.log.info({ locationId: location.id }, 'location created');
      return reply.status(201).send(locationView(location));
    },
  });

  app.get('/locations', {
    schema: {
      tags,
      security,
      querystring: paginationQuery,
      response: {
        200: z.object({ items: z.array(locationSchema), total: z.number().int() }),
        ...errorResponses(400, 401),
      },
    },
    handler: async (request) => {
      const { items, total } = await locations.list(vendorOf(request).id, request.query);
      return { items: items.map(locationView), total };
    },
  });

  app.get('/locations/:locationId', {
    schema: { tags, security, params, response: { 200: locationSchema, ...errorResponses(400, 401, 404) } },
    handler: async (request) => locationView(await locations.get(vendorOf(request).id, request.params.locationId)),
  });

  app.patch('/locations/:locationId', {
    schema: {
      tags,
      security,
      summary: 'Rename, map to a K-Series businessLocationId, or set the default order profile',
      params,
      body: updateBody,
      response: { 200: locationSchema, ...errorResponses(400, 401, 404, 409) },
    },
    handler: async (request) => {
      const location = await locations.update(vendorOf(request).id, request.params.locationId, request.body);
      request.log.info({ locationId: location.id }, 'location updated');
      return locationView(location);
    },
  });

  app.delete('/locations/:locationId', {
    schema: { tags, security, params, response: { 204: z.null(), ...errorResponses(400, 401, 404, 409) } },
    handler: async (request, reply) => {
      await locations.remove(vendorOf(request).id, request.params.locationId);
      request.log.info({ locationId: request.params.locationId }, 'location deleted');
      return reply.status(204).send(null);
    },
  });
};

export default locationRoutes;
