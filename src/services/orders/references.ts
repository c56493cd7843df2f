// References we send to K-Series. thirdPartyReference must be unique across every vendor
// (some notifications carry nothing else), 1..48 characters; payment references 1..50.
import { randomBytes } from 'node:crypto';

export function newOrderReferences(): { reference: string; paymentReference: string } {
  const id = randomBytes(12).toString('hex');
  return { reference: `o${id}`, paymentReference: `p${id}` };
}

/**
 * A replay after a definitive failure is a new K-Series order or payment, so it needs a reference
 * K-Series has not seen: attempt 2 sends `o<id>-2` (or `p<id>-2`). Ours are 25 characters, so a
 * suffix keeps them well inside both limits.
 */
export function referenceForAttempt(reference: string, attempt: number): string {
  const base = reference.replace(/-\d+$/, '');
  return attempt <= 1 ? base : `${base}-${attempt}`;
}

/** Which attempt a reference belongs to: `p<id>` is the first, `p<id>-3` the third. */
export function attemptOfReference(reference: string): number {
  const suffix = /-(\d+)$/.exec(reference);
  return suffix ? Number(suffix[1]) : 1;
}
