// One K-Series business belongs to at most one vendor at a time, and a vendor that reconnects to
// another business keeps nothing of the old one. Used by ./establish-connection.ts once the new
// tokens have read the business:
// - claim(): under a Postgres advisory lock on the business id, refuse it when another vendor's
//   connection is CONNECTED to it, else record it on this vendor's connection;
// - forgetOtherBusinesses(): location mappings whose businessLocationId is not in the connected
//   business are cleared (and logged), with the catalog records, sync checkpoints and financial
//   sales read for them. Redis catalog caches are keyed by business location id: with the
//   mapping gone nothing reads them, and they expire within CATALOG_CACHE_TTL_SECONDS.
import type { PrismaClient } from '../../db/prisma.js';
import { ConflictError } from '../../lib/errors.js';
import type { IntegrationLog } from '../integration-log.js';
import type { BusinessSummary } from './kseries-calls.js';
import type { Log } from './token-manager.js';

export class BusinessTakenError extends ConflictError {
  constructor(business: BusinessSummary) {
    super(
      `The Lightspeed business "${business.name}" (id ${business.id}) is already connected to another account here. ` +
        'A business can be connected to one account at a time: disconnect it there first, or sign in to Lightspeed ' +
        'with the business you mean to connect. Nothing was changed.',
      'BUSINESS_ALREADY_CONNECTED',
      { businessId: business.id },
    );
  }
}

export function createBusinessClaim(deps: {
  prisma: PrismaClient;
  integrationLog: IntegrationLog;
  log: Log;
  /** LIGHTSPEED_SHARED_BUSINESS_ALLOWED: several vendors may hold one business (sandbox demos). */
  sharedAllowed: boolean;
}) {
  const { prisma, log } = deps;

  return {
    /** Records the business on the connection; 'taken' when another vendor holds it. */
    async claim(connectionId: string, vendorId: string, business: BusinessSummary): Promise<'claimed' | 'taken'> {
      const businessId = BigInt(business.id);
      return prisma.$transaction(async (tx) => {
        // Serialises claims of one business across processes: check and write are one step.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`lightspeed_business:${business.id}`}, 0))`;
        if (!deps.sharedAllowed) {
          const holder = await tx.lightspeedConnection.findFirst({
            where: { businessId, status: 'CONNECTED', vendorId: { not: vendorId } },
            select: { vendorId: true },
          });
          if (holder) {
            log.warn(
              { vendorId, holderVendorId: holder.vendorId, businessId: business.id },
              'business already connected',
            );
            return 'taken' as const;
          }
        }
        await tx.lightspeedConnection.update({
          where: { id: connectionId },
          data: { businessId, businessName: business.name, lastCheckedAt: new Date() },
        });
        return 'claimed' as const;
      });
    },

    /** Clears what this vendor holds of any other business; returns the locations unmapped. */
    async forgetOtherBusinesses(vendorId: string, business: BusinessSummary): Promise<string[]> {
      const keep = business.locations.map((l) => BigInt(l.id));
      const stale = await prisma.location.findMany({
        where: { vendorId, businessLocationId: { not: null, notIn: keep } },
        select: { id: true, name: true, businessLocationId: true },
      });
      if (stale.length === 0) return [];
      const ids = stale.map((l) => l.id);
      await prisma.$transaction([
        prisma.financialSale.deleteMany({ where: { locationId: { in: ids } } }),
        prisma.catalogRecord.deleteMany({ where: { locationId: { in: ids } } }),
        prisma.syncCheckpoint.deleteMany({ where: { locationId: { in: ids } } }),
        prisma.location.updateMany({ where: { id: { in: ids } }, data: { businessLocationId: null } }),
      ]);
      for (const location of stale) {
        await deps.integrationLog.record(vendorId, {
          level: 'WARN',
          event: 'location.unmapped',
          message:
            `Location "${location.name}" was mapped to business location ${location.businessLocationId}, which is not ` +
            `part of the connected business "${business.name}" (id ${business.id}); the mapping and the data read ` +
            'for it were removed. Map the location again.',
          details: { locationId: location.id, businessLocationId: String(location.businessLocationId) },
        });
      }
      log.info(
        { vendorId, locations: ids, businessId: business.id },
        'mappings outside the connected business cleared',
      );
      return stale.map((l) => l.name);
    },
  };
}

export type BusinessClaim = ReturnType<typeof createBusinessClaim>;
