// Vendor callback settings and deliveries. The signing secret is stored encrypted (it must be
// recoverable to sign) and shown to the vendor once, when set.
import type { PrismaClient } from '../../db/prisma.js';
import { BadRequestError, NotFoundError } from '../../lib/errors.js';
import type { TokenCipher } from '../../integrations/lightspeed/token-crypto.js';
import { newCallbackSecret } from './signing.js';
import { literalProblem, resolvedProblem } from './url-guard.js';

/** Encrypts a vendor's callback secret at rest, bound to the vendor row. */
export interface SecretSealer {
  seal(vendorId: string, secret: string): string;
  open(vendorId: string, sealed: string): string;
}

export function createCallbackService(deps: {
  prisma: PrismaClient;
  sealer: SecretSealer;
  /** CALLBACK_ALLOW_PRIVATE_NETWORKS: off, a URL must point at a public address (see url-guard.ts). */
  allowPrivateNetworks: boolean;
}) {
  const { prisma, sealer } = deps;

  async function assertPublic(raw: string): Promise<void> {
    if (deps.allowPrivateNetworks) return;
    const url = new URL(raw);
    const problem = literalProblem(url) ?? (await resolvedProblem(url));
    if (problem) {
      throw new BadRequestError(
        `The callback URL must point at a public address: ${problem}. Loopback, private, link-local, CGNAT, multicast and unspecified addresses are refused.`,
        { field: 'url' },
        'CALLBACK_URL_NOT_PUBLIC',
      );
    }
  }

  return {
    async get(vendorId: string) {
      const vendor = await prisma.vendor.findUniqueOrThrow({ where: { id: vendorId }, select: { callbackUrl: true } });
      return { url: vendor.callbackUrl };
    },

    /** Sets the URL and a new secret (returned this once). */
    async set(vendorId: string, url: string) {
      await assertPublic(url);
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
