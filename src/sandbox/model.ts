// The records the sandbox keeps: OAuth artefacts, webhook endpoints, POS accounts, catalog items
// and the inspection logs. Plain data; SandboxState (state.ts) owns the collections.
import type { TaxClass } from './seed-catalog.js';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Scopes this client may request; defaults to every scope the sandbox knows. */
  scopes?: string[];
  /** Shown on the consent page. */
  name?: string;
}

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  businessId: number;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256';
  expiresAt: number;
  /** Whether the authorize request carried redirect_uri (then the token request must repeat it). */
  redirectUriSent: boolean;
  used: boolean;
  /** The token family issued from this code: revoked if the code is replayed (RFC 6749 4.1.2). */
  grantId?: string;
}

/** One connection: a chain of rotated refresh tokens and the access tokens issued from them. */
export interface Grant {
  id: string;
  clientId: string;
  businessId: number;
  scopes: string[];
  revoked: boolean;
  createdAt: number;
}

export interface AccessToken {
  token: string;
  grantId: string;
  expiresAt: number;
  revoked: boolean;
}

export interface RefreshToken {
  token: string;
  grantId: string;
  used: boolean;
}

export interface WebhookEndpoint {
  clientId: string;
  businessId: number;
  endpointId: string;
  url: string;
  withBasicAuth: boolean;
  username?: string;
  password?: string;
  provideAccount: boolean;
  expandTransactions: boolean;
  expandPayments: boolean;
  subscribeTo: { resource?: string; name?: string }[];
  locations: Map<number, { createdAt: number; updatedAt: number }>;
}

export interface AccountLine {
  id: number;
  uuid: string;
  sku: string;
  name: string;
  /** Unit price as charged (menu/price-list price, or the custom price). */
  unitAmount: number;
  quantity: number;
  modifiers: { name: string; quantity: number }[];
  subLines: AccountLine[];
  discountCode?: string;
  discountName?: string;
  discountedAmount: number;
  /** Gross line amount after discount, tax included. */
  amountWithTax: number;
  amountLessTax: number;
  taxClass: TaxClass;
  accountingGroupId: number;
  unitCost: number;
  time: number;
}

export interface PaymentLine {
  fiscId: string;
  uuid: string;
  methodCode: string;
  methodName: string;
  methodId: number;
  amount: number;
  tip: number;
  externalReference: string;
  date: number;
}

export interface Account {
  identifier: string;
  numericId: number;
  uuid: string;
  receiptId: string;
  businessId: number;
  locationId: number;
  orderReference?: string;
  endpointId?: string;
  clientId?: string;
  kind: 'local' | 'toGo' | 'pos';
  profileCode: string;
  tableNumber?: number;
  clientCount: number;
  name: string;
  openedAt: number;
  closedAt?: number;
  /** Closed by cancellation (CANCELLED / ABANDONED), not by payment. */
  cancelled?: boolean;
  lines: AccountLine[];
  payments: PaymentLine[];
  consumer?: { firstName: string; lastName?: string; email?: string; phone?: string };
}

export interface OrderRecord {
  seq: number;
  thirdPartyReference: string;
  kind: 'local' | 'toGo';
  businessLocationId: number;
  endpointId: string;
  clientId: string;
  receivedAt: string;
  status: 'ACCEPTED' | 'SUCCESS' | 'FAILURE';
  reason?: string;
  accountIdentifier?: string;
  body: unknown;
}

export interface PaymentRecord {
  seq: number;
  thirdPartyPaymentReference: string;
  iKaccountIdentifier?: string;
  businessLocationId: number;
  endpointId: string;
  paymentMethod?: string;
  paymentAmount: number;
  tipAmount: number;
  receivedAt: string;
  status: 'ACCEPTED' | 'SUCCESS' | 'FAILURE';
  errorType?: string;
  reason?: string;
  body: unknown;
}

export interface WebhookRecord {
  id: number;
  type: string;
  status?: string;
  thirdPartyReference?: string;
  businessLocationId?: number;
  endpointId: string;
  url: string;
  payload: Record<string, unknown>;
  createdAt: string;
  deliveryStatus: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: number;
  responseStatus?: number;
  error?: string;
  deliveredAt?: string;
  /** Set on the extra copy a `duplicate` fault sends. */
  duplicateOf?: number;
  /** Fault applied to this delivery, if any. */
  fault?: 'drop' | 'duplicate' | 'reorder' | 'delay';
}

export interface ItemRecord {
  id: number;
  locationId: number;
  sku: string;
  name: string;
  docketName?: string;
  active: boolean;
  barcode?: string;
  barcodes: string[];
  accountingGroupId: number;
  costPrice?: number;
  defaultPrice: number;
  priceMode: 'AMOUNT' | 'PERCENT' | 'POSITIVE_OPEN_PRICE' | 'NEGATIVE_OPEN_PRICE';
  taxClass: TaxClass;
  subItem: boolean;
}

export interface RichItem {
  sku: string;
  descriptions: { localeCode: string; description?: string; displayName?: string }[];
  allergenCodes: string[];
  alcoholPercentage?: number;
  pictureUrl?: string;
  previewPictureUrl?: string;
  rawPictureUrl?: string;
  creationDate: number;
  lastUpdateDate: number;
}

export interface TokenRequestRecord {
  at: string;
  grantType: string;
  clientId?: string;
  httpStatus: number;
  error?: string;
}
