// Where tests find Postgres and Redis. CI and every developer machine run both locally.
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Every schema a test creates starts with this, so global setup can sweep leftovers. */
export const TEST_SCHEMA_PREFIX = 't_';
