// SQL fragments for reading K-Series payloads stored as jsonb. Constant text only: never put a
// caller's value in here (those go in as parameters).
import { Prisma } from '../../generated/prisma/client.js';

const NUMBER = `'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$'`;

/** A decimal string from the payload as numeric; anything else counts as 0 instead of failing a report. */
export const num = (expr: string) => Prisma.raw(`(CASE WHEN (${expr}) ~ ${NUMBER} THEN (${expr})::numeric ELSE 0 END)`);

/** The jsonb array at `expr`, or an empty one when K-Series left it out. */
export const jsonArray = (expr: string) =>
  Prisma.raw(`(CASE WHEN jsonb_typeof(${expr}) = 'array' THEN ${expr} ELSE '[]'::jsonb END)`);
