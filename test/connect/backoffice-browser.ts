// A minimal browser for the back-office tests over inject: a cookie jar, CSRF tokens from the
// pages, sign-in, and the connect through the sandbox's consent page.
import { expect } from 'vitest';
import { decideOnSandbox, type ConnectContext } from './helpers.js';

/** A minimal cookie jar for inject: keeps name=value of Set-Cookie answers. */
export class Browser {
  cookies = new Map<string, { value: string; path: string }>();
  constructor(private readonly c: ConnectContext) {}

  private header(url: string): string {
    return [...this.cookies.entries()]
      .filter(([, v]) => url.startsWith(v.path))
      .map(([k, v]) => `${k}=${v.value}`)
      .join('; ');
  }

  private keep(setCookie: string | string[] | undefined) {
    for (const line of ([] as string[]).concat(setCookie ?? [])) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      if (value === '' || attrs.some((a) => /^expires=Thu, 01 Jan 1970/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  async get(url: string) {
    const res = await this.c.ctx.app.inject({ method: 'GET', url, headers: { cookie: this.header(url) } });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  async post(url: string, form: Record<string, string>) {
    const res = await this.c.ctx.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.header(url), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  async csrf(page = '/backoffice/settings'): Promise<string> {
    const html = (await this.get(page)).body;
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no CSRF token on ${page}`);
    return match[1]!;
  }

  async signIn(apiKey: string) {
    return this.post('/backoffice/sign-in', { apiKey });
  }

  /** Connect from the Settings tab through the sandbox consent page back to our callback. */
  async connect(decision: 'approve' | 'deny' = 'approve') {
    const started = await this.post('/backoffice/connect', { _csrf: await this.csrf() });
    expect(started.statusCode).toBe(303);
    const redirect = await decideOnSandbox(started.headers.location as string, decision);
    const res = await this.c.ctx.app.inject({
      method: 'GET',
      url: `${redirect.pathname}${redirect.search}`,
      headers: { cookie: this.header(redirect.pathname) },
    });
    this.keep(res.headers['set-cookie']);
    return { res, redirect };
  }
}
