// Argument parsers: a bad value stops the command before anything connects, with a message
// naming what is wrong (commander prints "error: ... argument 'x' is invalid. <reason>").
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';

const UUID = z.uuid();

export function uuidArg(value: string): string {
  if (!UUID.safeParse(value).success)
    throw new InvalidArgumentError('It must be a UUID (e.g. 3f2b8c4e-1d2a-4c6b-9e8f-0a1b2c3d4e5f).');
  return value.toLowerCase();
}

export function intArg(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`It must be a whole number from ${min} to ${max}.`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`It must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** A calendar date, YYYY-MM-DD, that exists. */
export function dateArg(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(`${value}T00:00:00Z`) : null;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError('It must be a date as YYYY-MM-DD.');
  }
  return value;
}

export function nameArg(max: number): (value: string) => string {
  return (value) => {
    const trimmed = value.trim();
    if (trimmed.length === 0 || trimmed.length > max)
      throw new InvalidArgumentError(`It must be 1 to ${max} characters.`);
    return trimmed;
  };
}

/** A comma-separated subset of `allowed`. */
export function listArg<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = value
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
    const bad = items.filter((s) => !allowed.includes(s as T));
    if (items.length === 0 || bad.length > 0)
      throw new InvalidArgumentError(`Use one or more of ${allowed.join(', ')} (comma-separated).`);
    return [...new Set(items)] as T[];
  };
}
