// The menu snapshot pre-flight validation reads: every menu of the location (loaded for the
// order's profile, whose price list it shows), the discounts and the item restrictions, indexed
// once. Kept in this process for a few seconds per (vendor, location, profile), so a warm order
// costs a map lookup: no Redis round trip, no JSON parse, no DB query. Loads go through the
// catalog service (its Redis cache is single-flight across processes) and are single-flight here; a
// stale snapshot is served while it reloads.
import { AppError } from '../../lib/errors.js';
import type { CatalogService } from '../catalog.js';
import type { MenuSnapshot, Restriction } from './preflight.js';
import { buildMenuIndex } from './pricing.js';

export interface MenuSnapshotOptions {
  /** How long a snapshot is served before it is reloaded: availability changes show after this. */
  freshMs: number;
  /** Up to this age a snapshot is served while a reload runs behind (or fails: K-Series or Redis away). */
  staleMs: number;
}

interface Held {
  at: number;
  snapshot: MenuSnapshot;
}

export function createMenuSnapshots(
  catalog: Pick<CatalogService, 'menus' | 'menu' | 'discounts' | 'availability'>,
  options: MenuSnapshotOptions,
) {
  const held = new Map<string, Held>();
  const loading = new Map<string, Promise<MenuSnapshot>>();

  async function load(vendorId: string, locationId: string, profile: string | undefined): Promise<MenuSnapshot> {
    const [list, discounts] = await Promise.all([
      catalog.menus(vendorId, locationId),
      catalog.discounts(vendorId, locationId),
    ]);
    const menus = await Promise.all(
      list.data.map(
        async (m) => (await catalog.menu(vendorId, locationId, m.ikentooMenuId, { accountProfile: profile })).data,
      ),
    );
    const index = buildMenuIndex(menus, discounts.data);
    const skus = new Set<string>();
    for (const [sku, entry] of index.items) {
      skus.add(sku);
      for (const choice of entry.dealChoices?.keys() ?? []) skus.add(choice);
      for (const modifier of entry.productModifiers.keys()) skus.add(modifier);
    }
    // One availability set per location (the whole menu), so every order shares one cache entry.
    const availability = await catalog.availability(vendorId, locationId, [...skus]);
    const restrictions = new Map<string, Restriction>();
    for (const a of availability.data) {
      if (a.restricted || !a.available) restrictions.set(a.sku, { count: a.count, available: a.available });
    }
    return { index, restrictions };
  }

  function refresh(key: string, vendorId: string, locationId: string, profile: string | undefined) {
    let running = loading.get(key);
    if (!running) {
      running = load(vendorId, locationId, profile)
        .then((snapshot) => {
          held.set(key, { at: Date.now(), snapshot });
          return snapshot;
        })
        .finally(() => loading.delete(key));
      loading.set(key, running);
    }
    return running;
  }

  return {
    async get(vendorId: string, locationId: string, profile: string | undefined): Promise<MenuSnapshot> {
      const key = `${vendorId}|${locationId}|${profile ?? ''}`;
      const current = held.get(key);
      const age = current ? Date.now() - current.at : Number.POSITIVE_INFINITY;
      if (current && age < options.freshMs) return current.snapshot;
      // Stale: answer with it and reload behind. An order never waits for Redis or K-Series
      // while a recent snapshot exists (Redis away makes every command wait for its return).
      // A refusal (4xx: disconnected, unmapped) is not an outage: it drops the snapshot.
      if (current && age < options.staleMs) {
        refresh(key, vendorId, locationId, profile).catch((err: unknown) => {
          if (err instanceof AppError && err.statusCode < 500) held.delete(key);
        });
        return current.snapshot;
      }
      return refresh(key, vendorId, locationId, profile);
    },
  };
}

export type MenuSnapshots = ReturnType<typeof createMenuSnapshots>;
