// K-Series environments. A connection remembers the one it was made on; a client id works
// only on the environment it was issued for.

export type EnvironmentName = 'sandbox' | 'trial' | 'production';

export interface EnvironmentUrls {
  /** API base, e.g. https://api.trial.lsk.lightspeed.app (no trailing slash). */
  baseUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
}

const HOSTED: Record<Exclude<EnvironmentName, 'sandbox'>, string> = {
  trial: 'https://api.trial.lsk.lightspeed.app',
  production: 'https://api.lsk.lightspeed.app',
};

export function environmentUrls(env: EnvironmentName, config: { LIGHTSPEED_SANDBOX_URL: string }): EnvironmentUrls {
  const baseUrl = (env === 'sandbox' ? config.LIGHTSPEED_SANDBOX_URL : HOSTED[env]).replace(/\/+$/, '');
  return { baseUrl, authorizeUrl: `${baseUrl}/oauth/authorize`, tokenUrl: `${baseUrl}/oauth/token` };
}

/** Prisma's enum value for an environment name, and back. */
export const toDbEnvironment = (env: EnvironmentName) => env.toUpperCase() as 'SANDBOX' | 'TRIAL' | 'PRODUCTION';
export const fromDbEnvironment = (env: 'SANDBOX' | 'TRIAL' | 'PRODUCTION') => env.toLowerCase() as EnvironmentName;
