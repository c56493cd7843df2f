// Cross-site request forgery: every unsafe request (POST, PUT, PATCH, DELETE) under /backoffice
// must come from our own pages. One check here covers every back-office form, present and future
// (sign-in included, which has no session yet and so no per-session token):
// - Sec-Fetch-Site, when the browser sends it, must be same-origin (or none: typed/bookmarked);
// - Origin, when sent, must be ours; else Referer, when sent, must be ours;
// - a request with none of the three is not from a browser (browsers send Origin on every
//   cross-origin form POST) and cannot ride a victim's cookies: it passes.
// "Ours" = PUBLIC_URL's origin or the Host the request was sent to. The session cookie is also
// SameSite=Lax and signed-in forms carry a per-session _csrf token (routes/backoffice/session.ts:
// a page renders csrfField(csrfToken(SESSION_SECRET, session.id)); the back office's preHandler checks it).
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '../lib/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PROTECTED = /^\/backoffice(\/|\?|$)/;

export class CrossSiteRequestError extends ForbiddenError {
  constructor(reason: string) {
    super(
      'This form was sent from another site, so it was refused. Open the back office directly and try again.',
      { reason },
      'CROSS_SITE_REQUEST',
    );
  }
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Why the request is cross-site, or null when it may pass. */
export function crossSiteReason(request: Pick<FastifyRequest, 'headers'>, publicUrl: string): string | null {
  const { headers } = request;
  const ours = new Set([hostOf(publicUrl)]);
  if (typeof headers.host === 'string') ours.add(headers.host.toLowerCase());
  const fetchSite = headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return `Sec-Fetch-Site: ${fetchSite}`;
  }
  const origin = headers.origin;
  if (typeof origin === 'string') {
    // "null": sandboxed frames, data: URLs, cross-origin redirects -- never our pages.
    return ours.has(hostOf(origin)) ? null : 'Origin is not ours';
  }
  const referer = headers.referer;
  if (typeof referer === 'string') return ours.has(hostOf(referer)) ? null : 'Referer is not ours';
  return null;
}

export default fp(
  async (app) => {
    app.addHook('onRequest', async (request) => {
      if (SAFE_METHODS.has(request.method) || !PROTECTED.test(request.url)) return;
      const reason = crossSiteReason(request, app.config.PUBLIC_URL);
      if (reason === null) return;
      request.log.warn({ reason }, 'cross-site back-office request refused');
      throw new CrossSiteRequestError(reason);
    });
  },
  { name: 'csrf' },
);
