// UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness. New order ids are
// time-ordered, so a batch of inserts appends to the right edge of the primary-key index
// instead of touching a random leaf each (fewer pages dirtied and written to WAL per order,
// and the hot part of the index stays in cache as the table grows). Still a uuid column.
// Within one process, ids are strictly increasing even inside one millisecond: the 12-bit
// rand_a field counts up (RFC 9562 §6.2 method 1) and the clock is never allowed to run back.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

export function uuid7(now: number = Date.now()): string {
  let ms = now;
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    // 12 bits of counter exhausted within one millisecond: borrow the next millisecond.
    if (counter > 0xfff) {
      ms = lastMs + 1;
      counter = 0;
    }
  } else {
    counter = 0;
  }
  lastMs = ms;
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8); // version 7, then the counter's high 4 bits
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The millisecond timestamp a UUIDv7 carries. */
export function uuid7Time(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
