// Which of a vendor's locations take orders (the vendor's own, mapped to a K-Series business
// location, the vendor connected) and the location's default order profile, which picks the
// menu that pre-flight validation reads. Kept in this process for a few seconds, so a warm
// accept costs no query before its insert. Safe because the cache decides nothing: the insert
// re-checks location, mapping and connection in the statement that writes the order
// (insert.ts), and a refusal there drops the entry. What the cache can make stale is only the
// default profile, for at most `ttlMs` after an operator changes it -- as stale as the menu
// snapshot itself (menu-snapshot.ts). Only a location that takes orders is kept; errors are
// read fresh every time.
import type { ConnectionStatus } from '../../generated/prisma/enums.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import type { OrderStore } from './hot-path-queries.js';

export interface LocationCheck {
  found: boolean;
  mapped: boolean;
  connectionStatus: ConnectionStatus | null;
}

/** Throws what a client is told when this location cannot take an order now. */
export function assertTakesOrders(location: LocationCheck): void {
  if (!location.found) throw new NotFoundError('Location');
  if (!location.mapped) {
    throw new ConflictError('The location is not mapped to a K-Series business location', 'LOCATION_NOT_MAPPED');
  }
  // Only a connected vendor takes new orders: we cannot check one against the menu without
  // K-Series. Orders accepted before a disconnect wait for the reconnect (up to their deadline).
  if (location.connectionStatus !== 'CONNECTED') {
    throw new ConflictError('The vendor has not connected Lightspeed', 'VENDOR_NOT_CONNECTED');
  }
}

export interface AcceptingLocation {
  id: string;
  defaultOrderProfile: string | null;
}

export function createAcceptingLocations(
  store: Pick<OrderStore, 'acceptanceChecks'>,
  options: { ttlMs: number; maxEntries?: number },
) {
  const maxEntries = options.maxEntries ?? 10_000;
  const held = new Map<string, { at: number; location: AcceptingLocation }>();
  const keyOf = (vendorId: string, locationId: string) => `${vendorId}|${locationId}`;

  async function load(vendorId: string, locationId: string): Promise<AcceptingLocation> {
    const row = await store.acceptanceChecks(vendorId, locationId);
    assertTakesOrders(row ? { found: true, ...row } : { found: false, mapped: false, connectionStatus: null });
    const location = { id: row!.id, defaultOrderProfile: row!.defaultOrderProfile };
    if (held.size >= maxEntries) held.clear();
    held.set(keyOf(vendorId, locationId), { at: Date.now(), location });
    return location;
  }

  return {
    /** The location, from this process's memory when recent; throws as assertTakesOrders. */
    async get(vendorId: string, locationId: string): Promise<{ location: AcceptingLocation; cached: boolean }> {
      const entry = held.get(keyOf(vendorId, locationId));
      if (entry && Date.now() - entry.at < options.ttlMs) return { location: entry.location, cached: true };
      return { location: await load(vendorId, locationId), cached: false };
    },
    /** Reads it again, now: after the insert refused it, or before an error is answered. */
    async reload(vendorId: string, locationId: string): Promise<AcceptingLocation> {
      held.delete(keyOf(vendorId, locationId));
      return load(vendorId, locationId);
    },
    forget(vendorId: string, locationId: string): void {
      held.delete(keyOf(vendorId, locationId));
    },
  };
}

export type AcceptingLocations = ReturnType<typeof createAcceptingLocations>;
