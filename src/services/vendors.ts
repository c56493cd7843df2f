// Vendors and their API keys.
import type { PrismaClient } from '../db/prisma.js';
import type { Prisma } from '../generated/prisma/client.js';
import { generateApiKey } from '../lib/api-keys.js';
import { NotFoundError } from '../lib/errors.js';

const apiKeySelect = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

/** An API key as people see it: never the hash. */
export type ApiKeyView = Prisma.ApiKeyGetPayload<{ select: typeof apiKeySelect }>;

export function createVendorService(deps: { prisma: PrismaClient }) {
  const { prisma } = deps;

  async function requireVendor(vendorId: string) {
    const vendor = await prisma.vendor.findUnique({ where: { id: vendorId } });
    if (!vendor) throw new NotFoundError('Vendor');
    return vendor;
  }

  return {
    /** Creates a vendor with its first API key; the key is returned this once only. */
    async create(input: { name: string }) {
      const generated = generateApiKey();
      const vendor = await prisma.vendor.create({
        data: {
          name: input.name,
          apiKeys: { create: { name: 'first key', prefix: generated.prefix, hash: generated.hash } },
        },
        include: { apiKeys: { select: apiKeySelect } },
      });
      return { vendor, apiKey: generated.key, apiKeyRecord: vendor.apiKeys[0]! };
    },

    async list() {
      return prisma.vendor.findMany({
        orderBy: { createdAt: 'asc' },
        include: { connection: { select: { status: true, environment: true, businessId: true } } },
      });
    },

    async get(vendorId: string) {
      const vendor = await prisma.vendor.findUnique({
        where: { id: vendorId },
        include: { connection: { select: { status: true, environment: true, businessId: true } } },
      });
      if (!vendor) throw new NotFoundError('Vendor');
      return vendor;
    },

    async issueKey(vendorId: string, name?: string | null) {
      await requireVendor(vendorId);
      const generated = generateApiKey();
      const record = await prisma.apiKey.create({
        data: { vendorId, name: name ?? null, prefix: generated.prefix, hash: generated.hash },
        select: apiKeySelect,
      });
      return { record, apiKey: generated.key };
    },

    async listKeys(vendorId: string): Promise<ApiKeyView[]> {
      await requireVendor(vendorId);
      return prisma.apiKey.findMany({ where: { vendorId }, orderBy: { createdAt: 'asc' }, select: apiKeySelect });
    },

    /** The vendor's display name, or null when there is no such vendor. */
    async nameOf(vendorId: string): Promise<string | null> {
      const vendor = await prisma.vendor.findUnique({ where: { id: vendorId }, select: { name: true } });
      return vendor?.name ?? null;
    },

    /** True while the API key exists, belongs to this vendor and is not revoked. */
    async keyIsActive(vendorId: string, apiKeyId: string): Promise<boolean> {
      const key = await prisma.apiKey.findUnique({
        where: { id: apiKeyId },
        select: { revokedAt: true, vendorId: true },
      });
      return key !== null && key.revokedAt === null && key.vendorId === vendorId;
    },

    /** Revoking twice is fine; a key of another vendor is "not found". */
    async revokeKey(vendorId: string, keyId: string): Promise<ApiKeyView> {
      const key = await prisma.apiKey.findFirst({ where: { id: keyId, vendorId }, select: apiKeySelect });
      if (!key) throw new NotFoundError('API key');
      if (key.revokedAt) return key;
      return prisma.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() }, select: apiKeySelect });
    },
  };
}

export type VendorService = ReturnType<typeof createVendorService>;
