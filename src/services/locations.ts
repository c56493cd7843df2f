// A vendor's locations and their mapping to K-Series business locations.
// Every query carries the vendorId: another vendor's location is simply "not found".
// A mapping must name a location of the vendor's connected business (read from K-Series at the
// time of the write): another business's location, or a typo, is refused with a message instead
// of making every catalog read of the location fail later. Reconnect re-checks the mappings
// (src/integrations/lightspeed/business-claim.ts).
import type { PrismaClient } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import { BadRequestError, ConflictError, NotFoundError } from '../lib/errors.js';

export interface LocationInput {
  name: string;
  businessLocationId?: bigint | null;
  defaultOrderProfile?: string | null;
}

function isPrismaError(err: unknown, code: string): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;
}

/** The connected business and its locations, as the location check needs them. */
export interface ConnectedBusiness {
  id: number;
  name: string;
  locations: { id: number; name: string }[];
}

export interface LocationServiceDeps {
  prisma: PrismaClient;
  /**
   * The vendor's connected business; throws a 409 when Lightspeed is not connected (nothing to
   * check a mapping against) and a 502/503 when K-Series cannot answer.
   */
  connectedBusiness: (vendorId: string) => Promise<ConnectedBusiness | null>;
}

export function createLocationService(deps: LocationServiceDeps) {
  const { prisma } = deps;

  async function checkMapping(vendorId: string, businessLocationId: bigint | null | undefined): Promise<void> {
    if (businessLocationId === null || businessLocationId === undefined) return;
    const business = await deps.connectedBusiness(vendorId);
    // An items-only connection cannot list its business's locations, so nothing can be checked
    // here. Mapping is still allowed (refusing would leave such merchants with no way to sync
    // items); K-Series itself refuses the token for a location outside its business, and the
    // catalog reads answer 403 KSERIES_FORBIDDEN naming the mapping.
    if (!business) return;
    if (business.locations.some((l) => BigInt(l.id) === businessLocationId)) return;
    const known = business.locations.map((l) => `${l.id} (${l.name})`).join(', ') || 'none';
    throw new BadRequestError(
      `businessLocationId ${businessLocationId} is not a location of your connected Lightspeed business ` +
        `"${business.name}" (id ${business.id}). Its locations: ${known}.`,
      { field: 'body.businessLocationId', businessId: business.id, locations: business.locations.map((l) => l.id) },
      'BUSINESS_LOCATION_UNKNOWN',
    );
  }

  /** Unique (vendor, businessLocationId): one K-Series location maps to one of ours. */
  async function write<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      if (isPrismaError(err, 'P2002')) {
        throw new ConflictError(
          'Another location of this vendor is already mapped to that businessLocationId',
          'BUSINESS_LOCATION_ALREADY_MAPPED',
        );
      }
      throw err;
    }
  }

  async function get(vendorId: string, id: string) {
    const location = await prisma.location.findFirst({ where: { id, vendorId } });
    if (!location) throw new NotFoundError('Location');
    return location;
  }

  return {
    get,

    async list(vendorId: string, page: { limit: number; offset: number }) {
      const [items, total] = await Promise.all([
        prisma.location.findMany({
          where: { vendorId },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          take: page.limit,
          skip: page.offset,
        }),
        prisma.location.count({ where: { vendorId } }),
      ]);
      return { items, total };
    },

    async create(vendorId: string, input: LocationInput) {
      await checkMapping(vendorId, input.businessLocationId);
      return write(() =>
        prisma.location.create({
          data: {
            vendorId,
            name: input.name,
            businessLocationId: input.businessLocationId ?? null,
            defaultOrderProfile: input.defaultOrderProfile ?? null,
          },
        }),
      );
    },

    async update(vendorId: string, id: string, input: Partial<LocationInput>) {
      await get(vendorId, id);
      await checkMapping(vendorId, input.businessLocationId);
      return write(() =>
        prisma.location.update({
          where: { id },
          data: {
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.businessLocationId !== undefined ? { businessLocationId: input.businessLocationId } : {}),
            ...(input.defaultOrderProfile !== undefined ? { defaultOrderProfile: input.defaultOrderProfile } : {}),
          },
        }),
      );
    },

    async remove(vendorId: string, id: string): Promise<void> {
      await get(vendorId, id);
      try {
        await prisma.location.delete({ where: { id } });
      } catch (err) {
        // Orders keep their location (ON DELETE RESTRICT): the order history must survive.
        if (isPrismaError(err, 'P2003')) {
          throw new ConflictError('The location has orders and cannot be deleted', 'LOCATION_HAS_ORDERS');
        }
        throw err;
      }
    },
  };
}

export type LocationService = ReturnType<typeof createLocationService>;
