// Which of a vendor's locations may read which synced data. Stored data stays readable after a
// disconnect (it is the merchant's own history); a scope the connection was never granted is a
// 403 naming it, so a custom integration (financial-api and/or items only) knows what it lacks.
import type { PrismaClient } from '../../db/prisma.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.js';

export type SyncScope = 'financial-api' | 'items';

export interface LocationAccess {
  locationId: string;
  vendorId: string;
  name: string;
  businessLocationId: bigint;
  connectionStatus: 'CONNECTED' | 'DISCONNECTED' | 'NOT_CONNECTED';
  scopes: string[];
}

export function missingScope(scope: string): ForbiddenError {
  return new ForbiddenError(
    `The Lightspeed connection was not granted the "${scope}" scope`,
    { scope },
    'MISSING_SCOPE',
  );
}

export async function resolveAccess(
  prisma: PrismaClient,
  vendorId: string,
  locationId: string,
  /** Several: any one of them will do (status and sync requests work for either scope). */
  scope: SyncScope | readonly SyncScope[],
  options: { requireConnected?: boolean } = {},
): Promise<LocationAccess> {
  const location = await prisma.location.findFirst({
    where: { id: locationId, vendorId },
    select: {
      id: true,
      name: true,
      businessLocationId: true,
      vendor: { select: { connection: { select: { status: true, scopes: true } } } },
    },
  });
  if (!location) throw new NotFoundError('Location');
  const connection = location.vendor.connection;
  const connected = connection?.status === 'CONNECTED';
  if (!connection || connection.status === 'NOT_CONNECTED' || (options.requireConnected && !connected)) {
    throw new ConflictError(
      'The vendor is not connected to Lightspeed (connect or reconnect first)',
      'VENDOR_NOT_CONNECTED',
      {
        status: connection?.status ?? 'NOT_CONNECTED',
      },
    );
  }
  if (location.businessLocationId === null) {
    throw new ConflictError(
      'The location is not mapped to a K-Series business location (set businessLocationId first)',
      'LOCATION_NOT_MAPPED',
    );
  }
  const wanted: readonly SyncScope[] = typeof scope === 'string' ? [scope] : scope;
  if (!wanted.some((w) => connection.scopes.includes(w))) throw missingScope(wanted.join('" or "'));
  return {
    locationId: location.id,
    vendorId,
    name: location.name,
    businessLocationId: location.businessLocationId,
    connectionStatus: connection.status,
    scopes: connection.scopes,
  };
}
