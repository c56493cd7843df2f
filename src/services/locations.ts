// A vendor's locations and their mapping to K-Series business locations.
// Every query carries the vendorId: another vendor's location is simply "not found".
import type { PrismaClient } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';

export interface LocationInput {
  name: string;
  businessLocationId?: bigint | null;
  defaultOrderProfile?: string | null;
}

function isPrismaError(err: unknown, code: string): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;
}

export function createLocationService(deps: { prisma: PrismaClient }) {
  const { prisma } = deps;

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
