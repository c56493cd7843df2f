// Vendor callback settings and deliveries. The signing secret is stored encrypted (it must be
// recoverable to sign) and shown to the vendor once, when set.
import type { PrismaClient } from '../../db/prisma.js';
import { NotFoundError } from '../../lib/errors.js';
import type { TokenCipher } from '../../integrations/lightspeed/token-crypto.js';
import { newCallbackSecret } from './signing.js';

/** Encrypts a vendor's callback secret at rest, bound to the vendor row. */
export interface SecretSealer {
  seal(vendorId: string, secret: string): string;
  open(vendorId: string, sealed: string): string;
}

export function createCallbackService(deps: { prisma: PrismaClient; sealer: SecretSealer }) {
  const { prisma, sealer } = deps;
  return {
    async get(vendorId: string) {
      const vendor = await prisma.vendor.findUniqueOrThrow({ where: { id: vendorId }, select: { callbackUrl: true } });
      return { url: vendor.callbackUrl };
    },

    /** Sets the URL and a new secret (returned this once). */
    async set(vendorId: string, url: string) {
      const secret = newCallbackSecret();
      await prisma.vendor.update({
        where: { id: vendorId },
        data: { callbackUrl: url, callbackSecretEnc: sealer.seal(vendorId, secret) },
      });
      return { url, secret };
    },

    async clear(vendorId: string) {
      await prisma.vendor.update({ where: { id: vendorId }, data: { callbackUrl: null, callbackSecretEnc: null } });
    },

    /** Delivery attempts for one of the vendor's orders, oldest first. */
    async deliveries(vendorId: string, orderId: string) {
      const order = await prisma.order.findFirst({ where: { id: orderId, vendorId }, select: { id: true } });
      if (!order) throw new NotFoundError('Order');
      return prisma.callbackDelivery.findMany({ where: { orderId }, orderBy: { orderEventId: 'asc' } });
    },

    secretOf(vendorId: string, sealed: string): string {
      return sealer.open(vendorId, sealed);
    },
  };
}

export type CallbackService = ReturnType<typeof createCallbackService>;

/** Seals callback secrets with the token cipher (AES-256-GCM, bound to the vendor row). */
export function cipherSealer(cipher: TokenCipher): SecretSealer {
  const aad = (vendorId: string) => ({
    table: 'vendors' as const,
    rowId: vendorId,
    column: 'callback_secret_enc' as const,
  });
  return {
    seal: (vendorId, secret) => cipher.encrypt(secret, aad(vendorId)),
    open: (vendorId, sealed) => cipher.decrypt(sealed, aad(vendorId)),
  };
}
