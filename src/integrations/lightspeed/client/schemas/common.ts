// Building blocks for the K-Series schemas. Responses are loose objects: fields K-Series adds
// later pass through untouched, while the fields we rely on are required and named on failure.
import { z } from 'zod';

/** An int64 K-Series id in a response (every id seen in practice is below 2^53). */
export const id = z.number().int();

/** An int64 id we send: a number, or the bigint Prisma hands us. Sent as a JSON number. */
export const idInput = z.union([z.number().int().positive(), z.bigint().positive()]).transform((v, ctx) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: 'custom', message: 'is larger than 2^53-1' });
    return z.NEVER;
  }
  return n;
});
export type IdInput = number | bigint;

/** Spring serialises timestamps in several ISO-8601 variants; keep them as strings. */
export const timestamp = z.string();

/** Order/pay/print acceptance: the 200 itself means accepted; the spec leaves `status` optional. */
export const statusResponse = z.looseObject({ status: z.string().optional() });
export type StatusResponse = z.infer<typeof statusResponse>;

export const warning = z.looseObject({ information: z.string().optional(), type: z.string().optional() });

const link = z.looseObject({ href: z.string(), templated: z.boolean().optional() });
export const halLinks = z.looseObject({ self: link.optional(), nextPage: link.optional() }).optional();

/**
 * A HAL collection `{_embedded: {<key>: [...]}}` as a plain array. Spring leaves `_embedded`
 * out entirely when the list is empty, so absence means "none".
 */
export function halList<T extends z.ZodType>(key: string, item: T) {
  return z
    .looseObject({ _embedded: z.looseObject({ [key]: z.array(item).optional() }).optional(), _links: halLinks })
    .transform((v) => (v._embedded?.[key] ?? []) as z.output<T>[]);
}
