// Environment for running the sandbox on its own (`npm run sandbox`). The only file in
// src/sandbox that reads process.env, and only through loadSandboxConfig(). Defaults match the
// service's, so the service and the sandbox agree out of the box.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import type { SandboxOptions } from './context.js';

const envSchema = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  LIGHTSPEED_CLIENT_ID: z.string().min(1).default('dev-client'),
  LIGHTSPEED_CLIENT_SECRET: z.string().min(1).default('dev-secret'),
  // The service's address, as the service computes it: PUBLIC_URL, else http://localhost:PORT.
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Extra redirect URIs for the default client, comma separated. */
  SANDBOX_EXTRA_REDIRECT_URIS: z.string().default(''),
  SANDBOX_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).default(3600),
  SANDBOX_CODE_TTL_SECONDS: z.coerce.number().int().min(1).default(60),
  SANDBOX_WEBHOOK_DELAY_MS: z.coerce.number().int().min(0).default(50),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface SandboxConfig {
  host: string;
  port: number;
  sandbox: SandboxOptions;
}

export class SandboxConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid sandbox configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SandboxConfigError';
  }
}

/** process.env over `.env` (if any), as the service reads it (src/config.ts): real variables win. */
function environment(): Record<string, string | undefined> {
  try {
    return { ...parseEnv(readFileSync('.env', 'utf8')), ...process.env };
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return process.env;
    throw err;
  }
}

/** Parses the environment; throws SandboxConfigError naming every bad variable. */
export function loadSandboxConfig(env: Record<string, string | undefined> = environment()): SandboxConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new SandboxConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const e = parsed.data;
  const extra = e.SANDBOX_EXTRA_REDIRECT_URIS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = extra.find((u) => !/^https?:\/\/\S+$/.test(u));
  if (bad) throw new SandboxConfigError([`SANDBOX_EXTRA_REDIRECT_URIS: "${bad}" is not an http(s) URL`]);
  return {
    host: e.SANDBOX_HOST,
    port: e.SANDBOX_PORT,
    sandbox: {
      clients: [
        {
          clientId: e.LIGHTSPEED_CLIENT_ID,
          clientSecret: e.LIGHTSPEED_CLIENT_SECRET,
          redirectUris: [
            `${(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')}/lightspeed/callback`,
            ...extra,
          ],
          name: 'Ordering integration (dev)',
        },
      ],
      accessTokenTtlSeconds: e.SANDBOX_ACCESS_TOKEN_TTL_SECONDS,
      codeTtlSeconds: e.SANDBOX_CODE_TTL_SECONDS,
      webhookDelayMs: e.SANDBOX_WEBHOOK_DELAY_MS,
      logger: e.LOG_LEVEL === 'silent' ? false : { level: e.LOG_LEVEL },
    },
  };
}
