// Who may read /metrics (API and worker): the scraper presenting METRICS_TOKEN as a bearer token.
import { safeEqual } from './timing-safe.js';

/** False when no token is configured: then nobody may (unless the caller decides otherwise). */
export function metricsAuthorized(authorization: string | undefined, token: string | undefined): boolean {
  if (!token || !authorization) return false;
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  return presented !== undefined && safeEqual(presented, token);
}
