// Endpoint descriptors and path helpers shared by the endpoint groups.
import type { z } from 'zod';
import type { CallInput, Endpoint, HttpMethod, KSeriesScope } from '../transport.js';

export type Call = <T>(connectionId: string, ep: Endpoint<T>, input: CallInput) => Promise<T>;

type EndpointOptions = { request?: z.ZodType; idempotent?: boolean };

export function endpoint(
  method: HttpMethod,
  template: string,
  scope: KSeriesScope,
  response: null,
  options?: EndpointOptions,
): Endpoint<void>;
export function endpoint<T>(
  method: HttpMethod,
  template: string,
  scope: KSeriesScope,
  response: z.ZodType<T>,
  options?: EndpointOptions,
): Endpoint<T>;
export function endpoint<T>(
  method: HttpMethod,
  template: string,
  scope: KSeriesScope,
  response: z.ZodType<T> | null,
  options: EndpointOptions = {},
): Endpoint<T> {
  // Reads and PUT/DELETE are safe to repeat; a POST is only when K-Series deduplicates it.
  const idempotent = options.idempotent ?? method !== 'POST';
  return { method, template, scope, response, idempotent, ...(options.request ? { request: options.request } : {}) };
}

/** A path segment, encoded. Ids arrive as number, bigint or string. */
export const seg = (value: string | number | bigint) => encodeURIComponent(String(value));

/** businessLocationId for a query string (bigint-safe). */
export const blq = (value: number | bigint) => String(value);
