// Shared by the connect tests: a listening K-Series sandbox, an app configured against it, and
// the OAuth dance driven over HTTP (the sandbox's consent form, posted like a browser would).
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { buildSandbox, type SandboxInstance } from '../../src/sandbox/app.js';
import type { SandboxOptions } from '../../src/sandbox/context.js';
import {
  bearer,
  createTestContext,
  createVendor,
  type TestContext,
  type TestContextOptions,
} from '../helpers/context.js';

export const CLIENT_ID = 'connect-test-client';
export const CLIENT_SECRET = 'connect-test-secret-0123456789';

export interface Sandbox {
  app: SandboxInstance;
  url: string;
  close(): Promise<void>;
}

/** Sandbox options a test may set beside the client (webhook retries, say). */
export type SandboxTuning = Pick<SandboxOptions, 'webhookMaxAttempts' | 'webhookRetryDelayMs' | 'webhookDelayMs'>;

export async function startSandbox(options: {
  redirectUri: string;
  accessTokenTtlSeconds?: number;
  tuning?: SandboxTuning;
}): Promise<Sandbox> {
  const app = await buildSandbox({
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [options.redirectUri],
        name: 'Ordering integration',
      },
    ],
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    ...options.tuning,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A free TCP port on 127.0.0.1 (for an app whose PUBLIC_URL must be known before it listens). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ConnectContext {
  ctx: TestContext;
  sandbox: Sandbox;
  publicUrl: string;
  close(): Promise<void>;
}

/** A test app whose Lightspeed environment is a listening sandbox. */
export async function createConnectContext(
  options: {
    publicUrl?: string;
    accessTokenTtlSeconds?: number;
    env?: Record<string, string>;
    sandbox?: SandboxTuning;
    context?: TestContextOptions;
  } = {},
): Promise<ConnectContext> {
  const publicUrl = options.publicUrl ?? 'http://127.0.0.1:3999';
  const sandbox = await startSandbox({
    redirectUri: `${publicUrl}/lightspeed/callback`,
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    ...(options.sandbox ? { tuning: options.sandbox } : {}),
  });
  const ctx = await createTestContext(
    {
      PUBLIC_URL: publicUrl,
      LIGHTSPEED_ENV: 'sandbox',
      LIGHTSPEED_SANDBOX_URL: sandbox.url,
      LIGHTSPEED_CLIENT_ID: CLIENT_ID,
      LIGHTSPEED_CLIENT_SECRET: CLIENT_SECRET,
      // The sandbox has two businesses; tests connect many vendors to them. Tests of the
      // one-vendor-per-business rule turn it back on.
      LIGHTSPEED_SHARED_BUSINESS_ALLOWED: 'true',
      ...options.env,
    },
    options.context,
  );
  return {
    ctx,
    sandbox,
    publicUrl,
    async close() {
      await ctx.close();
      await sandbox.close();
    },
  };
}

const htmlUnescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * Opens the sandbox's authorize page, submits its form (pre-filled demo merchant) with the
 * decision, and returns where the sandbox redirects the browser (our callback URL).
 */
export async function decideOnSandbox(
  authorizationUrl: string,
  decision: 'approve' | 'deny' = 'approve',
  /** Sign in as another merchant (another business) than the pre-filled demo one. */
  merchant?: { username: string; password: string },
): Promise<URL> {
  const page = await fetch(authorizationUrl);
  const text = await page.text();
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}: ${text.slice(0, 300)}`);
  const form = new URLSearchParams();
  for (const match of text.matchAll(/<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"/g)) {
    form.append(htmlUnescape(match[1]!), htmlUnescape(match[2]!));
  }
  form.set('decision', decision);
  if (merchant) {
    form.set('username', merchant.username);
    form.set('password', merchant.password);
  }
  const target = new URL('/oauth/authorize', authorizationUrl);
  const res = await fetch(target, { method: 'POST', body: form, redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location)
    throw new Error(`consent answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return new URL(location);
}

/** The connect cookie each opened link set, by the OAuth state's nonce: the test's "browser". */
const connectCookies = new Map<string, string>();

function nonceOf(url: URL): string | null {
  const state = url.searchParams.get('state');
  try {
    return (JSON.parse(Buffer.from(state?.split('.')[0] ?? '', 'base64url').toString('utf8')) as { nonce: string })
      .nonce;
  } catch {
    return null;
  }
}

/** Opens a connect link of ours (/lightspeed/connect/start) as a browser: cookie plus Lightspeed's URL. */
export async function openConnectLink(
  ctx: TestContext,
  link: string,
): Promise<{ authorizationUrl: string; cookie: string }> {
  const url = new URL(link);
  const res = await ctx.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
  if (res.statusCode !== 303) throw new Error(`connect link answered ${res.statusCode}: ${res.body}`);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith('ls_connect=')) ?? '';
  return { authorizationUrl: res.headers.location as string, cookie };
}

/**
 * Starts a connect through the API, opens the returned link in the test's "browser" and returns
 * Lightspeed's authorization URL; callback() later sends that browser's cookie.
 */
export async function startApiConnect(ctx: TestContext, apiKey: string, returnTo?: string): Promise<string> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/lightspeed/connect',
    headers: bearer(apiKey),
    payload: returnTo ? { returnTo } : {},
  });
  if (res.statusCode !== 200) throw new Error(`connect answered ${res.statusCode}: ${res.body}`);
  const opened = await openConnectLink(ctx, (res.json() as { authorizationUrl: string }).authorizationUrl);
  const nonce = nonceOf(new URL(opened.authorizationUrl));
  if (nonce) connectCookies.set(nonce, opened.cookie);
  return opened.authorizationUrl;
}

/**
 * Sends the browser's callback request to the app (in-process), with the connect cookie of the
 * browser that opened the link unless the test gives its own cookie header.
 */
export async function callback(ctx: TestContext, redirect: URL, headers: Record<string, string> = {}) {
  const nonce = nonceOf(redirect);
  const cookie = nonce ? connectCookies.get(nonce) : undefined;
  return ctx.app.inject({
    method: 'GET',
    url: `${redirect.pathname}${redirect.search}`,
    headers: { ...(cookie ? { cookie } : {}), ...headers },
  });
}

/** A vendor connected through the whole API flow. */
export async function connectedVendor(ctx: TestContext, name = 'Connected vendor') {
  const vendor = await createVendor(ctx.app, name);
  const redirect = await decideOnSandbox(await startApiConnect(ctx, vendor.apiKey));
  const res = await callback(ctx, redirect);
  if (res.statusCode !== 200) throw new Error(`callback answered ${res.statusCode}: ${res.body}`);
  const connection = await ctx.db.prisma.lightspeedConnection.findUniqueOrThrow({ where: { vendorId: vendor.id } });
  return { ...vendor, connectionId: connection.id };
}

export async function tokenRequests(sandbox: Sandbox): Promise<{ total: number; byGrantType: Record<string, number> }> {
  const res = await fetch(`${sandbox.url}/__sandbox/token-requests`);
  return (await res.json()) as { total: number; byGrantType: Record<string, number> };
}
