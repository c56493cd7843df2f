// Token store operations shared by the OAuth routes, the bearer check and the control API.
// A "grant" is one connection: every rotated refresh token and every access token issued from it
// belong to it, so revoking the grant revokes the whole family (as K-Series does when an old
// refresh token is replayed).
import { randomUUID } from 'node:crypto';
import type { SandboxContext } from './context.js';
import type { AccessToken, Grant } from './state.js';

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  refresh_token: string;
  expires_in: number;
  scope: string;
}

/** K-Series answers scopes space separated with a trailing space ("financial-api orders-api "). */
export function scopeString(scopes: string[]): string {
  return `${[...scopes].sort().join(' ')} `;
}

export function createGrant(ctx: SandboxContext, clientId: string, businessId: number, scopes: string[]): Grant {
  const grant: Grant = {
    id: randomUUID(),
    clientId,
    businessId,
    scopes: [...scopes],
    revoked: false,
    createdAt: ctx.now(),
  };
  ctx.state.grants.set(grant.id, grant);
  return grant;
}

/** Issues a fresh access + refresh token pair for the grant. */
export function issueTokens(ctx: SandboxContext, grant: Grant): TokenResponse {
  const ttl = ctx.options.accessTokenTtlSeconds;
  const access: AccessToken = {
    token: randomUUID(),
    grantId: grant.id,
    expiresAt: ctx.now() + ttl * 1000,
    revoked: false,
  };
  const refresh = { token: randomUUID(), grantId: grant.id, used: false };
  ctx.state.accessTokens.set(access.token, access);
  ctx.state.refreshTokens.set(refresh.token, refresh);
  return {
    access_token: access.token,
    token_type: 'bearer',
    refresh_token: refresh.token,
    expires_in: ttl,
    scope: scopeString(grant.scopes),
  };
}

export function revokeGrant(ctx: SandboxContext, grantId: string): boolean {
  const grant = ctx.state.grants.get(grantId);
  if (!grant || grant.revoked) return false;
  grant.revoked = true;
  for (const t of ctx.state.accessTokens.values()) if (t.grantId === grantId) t.revoked = true;
  for (const r of ctx.state.refreshTokens.values()) if (r.grantId === grantId) r.used = true;
  return true;
}

/** Revokes grants selected by access token, refresh token, business, client, or all. */
export function revokeGrants(
  ctx: SandboxContext,
  filter: { accessToken?: string; refreshToken?: string; businessId?: number; clientId?: string; all?: boolean },
): number {
  const ids = new Set<string>();
  if (filter.accessToken) {
    const t = ctx.state.accessTokens.get(filter.accessToken);
    if (t) ids.add(t.grantId);
  }
  if (filter.refreshToken) {
    const r = ctx.state.refreshTokens.get(filter.refreshToken);
    if (r) ids.add(r.grantId);
  }
  for (const g of ctx.state.grants.values()) {
    if (filter.all) ids.add(g.id);
    else if (
      filter.businessId !== undefined &&
      g.businessId === filter.businessId &&
      (!filter.clientId || g.clientId === filter.clientId)
    )
      ids.add(g.id);
    else if (filter.businessId === undefined && filter.clientId && g.clientId === filter.clientId) ids.add(g.id);
  }
  let n = 0;
  for (const id of ids) if (revokeGrant(ctx, id)) n++;
  return n;
}

/** Makes access tokens expire now (all, or the one given). Refresh tokens stay usable. */
export function expireAccessTokens(ctx: SandboxContext, accessToken?: string): number {
  const now = ctx.now();
  let n = 0;
  for (const t of ctx.state.accessTokens.values()) {
    if (accessToken && t.token !== accessToken) continue;
    if (t.expiresAt > now) {
      t.expiresAt = now - 1;
      n++;
    }
  }
  return n;
}
