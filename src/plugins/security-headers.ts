// Security headers (@fastify/helmet) on the pages a browser renders: the back office
// (/backoffice...) and the OAuth callback page (/lightspeed/callback). The JSON APIs, the webhook,
// /docs and the queue dashboard are left alone (their own assets and callers).
// The Content-Security-Policy is strict: no scripts at all, nothing loaded from anywhere, inline
// styles only (the pages carry their stylesheet inline), forms post only to us and to
// Lightspeed's authorize page (the Connect form is answered with a redirect there), and the
// pages cannot be framed.
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import type { RouteOptions } from 'fastify';
import { environmentUrls } from '../integrations/lightspeed/environments.js';

export function isBrowserPage(route: Pick<RouteOptions, 'url'>): boolean {
  return route.url === '/backoffice' || route.url.startsWith('/backoffice/') || route.url === '/lightspeed/callback';
}

export function pageCspDirectives(lightspeedAuthorizeUrl: string): Record<string, string[]> {
  return {
    'default-src': ["'none'"],
    'style-src': ["'unsafe-inline'"],
    'form-action': ["'self'", new URL(lightspeedAuthorizeUrl).origin],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
  };
}

export default fp(
  async (app) => {
    const { config } = app;
    const directives = pageCspDirectives(environmentUrls(config.LIGHTSPEED_ENV, config).authorizeUrl);
    // Before helmet's own onRoute hook: marks the pages that get the headers.
    app.addHook('onRoute', (route) => {
      if (isBrowserPage(route)) route.helmet = {};
    });
    await app.register(helmet, {
      global: false,
      // No helmet defaults: its default CSP adds upgrade-insecure-requests, which breaks the
      // plain-http sign-in form on a laptop.
      contentSecurityPolicy: { useDefaults: false, directives },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'same-origin' },
      // HSTS only means something over HTTPS; never pin a laptop's localhost.
      strictTransportSecurity: config.PUBLIC_URL.startsWith('https://')
        ? { maxAge: 180 * 24 * 3600, includeSubDomains: false }
        : false,
    });
  },
  { name: 'security-headers' },
);
