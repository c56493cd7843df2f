// Shared helpers for the sandbox tests: a sandbox per test, a local webhook listener, the OAuth
// dance over real HTTP, and small request helpers.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSandbox, SANDBOX_SEED, type SandboxInstance, type SandboxOptions } from '../../src/sandbox/app.js';

export { SANDBOX_SEED };

export const CLIENT = {
  clientId: 'test-client',
  clientSecret: 'test-secret',
  redirectUri: 'http://127.0.0.1:9/lightspeed/callback',
};
export const AMS = SANDBOX_SEED.locations.amsterdam.id;
export const NYC = SANDBOX_SEED.locations.newYork.id;

export async function makeSandbox(overrides: Partial<SandboxOptions> = {}): Promise<SandboxInstance> {
  return buildSandbox({
    clients: [
      {
        clientId: CLIENT.clientId,
        clientSecret: CLIENT.clientSecret,
        redirectUris: [CLIENT.redirectUri],
        name: 'Test integration',
      },
    ],
    webhookDelayMs: 5,
    webhookRetryDelayMs: 10,
    webhookTimeoutMs: 2000,
    ...overrides,
  });
}

export async function listen(app: SandboxInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export const CLIENT_AUTH = basic(CLIENT.clientId, CLIENT.clientSecret);

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A tiny HTTP server standing in for the service's /webhook/lightspeed. */
export class WebhookListener {
  readonly received: ReceivedWebhook[] = [];
  /** Status codes to answer, in order; 200 once exhausted. */
  responses: number[] = [];
  private server?: Server;
  private waiters: (() => void)[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.responses.shift() ?? 200;
        if (status < 300) {
          this.received.push({
            headers: req.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          });
          for (const w of this.waiters.splice(0)) w();
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/webhook/lightspeed`;
  }

  /** Waits until `n` notifications matching `filter` arrived (or throws after `timeoutMs`). */
  async waitFor(
    n: number,
    filter: (w: ReceivedWebhook) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.received.filter(filter);
      if (matching.length >= n) return matching;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${n} webhook(s); got ${JSON.stringify(this.received.map((r) => r.body))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Parses the consent page's form: action, hidden/text fields. */
export function parseForm(html: string): { action: string; fields: Record<string, string>; decisions: string[] } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('no form on the page');
  const fields: Record<string, string> = {};
  const htmlUnescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  for (const m of (form[2] ?? '').matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>/g))
    fields[m[1]!] = htmlUnescape(m[2]!);
  const decisions = [...(form[2] ?? '').matchAll(/<button[^>]*name="decision"[^>]*value="([^"]+)"/g)].map((m) => m[1]!);
  return { action: form[1]!, fields, decisions };
}

/** Drives authorize -> consent form -> decision over HTTP; returns the redirect Location. */
export async function authorize(
  base: string,
  query: Record<string, string>,
  decision: 'approve' | 'deny' = 'approve',
  override: Record<string, string> = {},
): Promise<URL> {
  const page = await fetch(`${base}/oauth/authorize?${new URLSearchParams(query)}`);
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}`);
  const { action, fields } = parseForm(await page.text());
  const res = await fetch(new URL(action, base), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, ...override, decision }),
  });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`consent answered ${res.status}`);
  return new URL(location);
}

/** POSTs a form to /oauth/token; `auth: null` sends no Authorization header. */
export async function tokenRequest(base: string, params: Record<string, string>, auth: string | null = CLIENT_AUTH) {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The whole dance; returns the token response. */
export async function connect(
  base: string,
  scopes = 'orders-api financial-api items',
): Promise<Record<string, unknown>> {
  const { verifier, challenge } = pkce();
  const redirect = await authorize(base, {
    response_type: 'code',
    client_id: CLIENT.clientId,
    redirect_uri: CLIENT.redirectUri,
    scope: scopes,
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`no code in ${redirect.toString()}`);
  const res = await tokenRequest(base, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: CLIENT.redirectUri,
    code_verifier: verifier,
  });
  if (res.status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Registers a webhook endpoint (via inject) and links both main locations. */
export async function registerEndpoint(
  app: SandboxInstance,
  token: string,
  url: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const endpointId = (extra.endpointId as string | undefined) ?? 'ORDERING-TEST';
  const res = await app.inject({
    method: 'PUT',
    url: '/o/wh/1/webhook',
    headers: bearer(token),
    payload: { endpointId, url, withBasicAuth: true, username: 'lightspeed', password: 'hook-secret', ...extra },
  });
  if (res.statusCode !== 200) throw new Error(`webhook registration failed: ${res.body}`);
  return endpointId;
}

export function localOrder(
  endpointId: string,
  reference: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    businessLocationId: AMS,
    thirdPartyReference: reference,
    endpointId,
    customerInfo: { firstName: 'Jane', lastName: 'Doe' },
    accountProfileCode: SANDBOX_SEED.orderProfiles.dineIn,
    tableNumber: '3',
    clientCount: 2,
    items: [
      {
        sku: SANDBOX_SEED.skus.classicBurger,
        quantity: 1,
        modifiers: [{ modifierId: String(SANDBOX_SEED.locations.amsterdam.modifiers['Medium rare']) }],
        subItems: [{ sku: SANDBOX_SEED.skus.extraCheese, quantity: 1 }],
      },
      { sku: SANDBOX_SEED.skus.beer, quantity: 2 },
    ],
    ...overrides,
  };
}
