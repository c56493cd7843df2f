// Settings a merchant changes in the K-Series back office, which the sandbox lets tests change
// through the control API: payment methods that are not configured (a payment with one fails with
// PAYMENT_METHOD_NOT_FOUND) and locations whose Order & Pay API is disabled. The seed's locations
// are shared constants, so these live beside them instead of editing them.
import type { SeedLocation } from './seed.js';

export class MerchantSettings {
  private readonly missingMethods = new Set<string>();
  /** Business locations whose Order & Pay API configuration is disabled. */
  readonly apiDisabled = new Set<number>();

  /** The location's payment method with this code, unless the merchant removed it. */
  paymentMethod(location: SeedLocation, code: string): SeedLocation['paymentMethods'][number] | undefined {
    if (this.missingMethods.has(`${location.id}:${code}`)) return undefined;
    return location.paymentMethods.find((m) => m.code === code);
  }

  setPaymentMethod(locationId: number, code: string, configured: boolean): void {
    if (configured) this.missingMethods.delete(`${locationId}:${code}`);
    else this.missingMethods.add(`${locationId}:${code}`);
  }

  reset(): void {
    this.missingMethods.clear();
    this.apiDisabled.clear();
  }
}
