// Money on K-Series' decimal strings ("11.00", tax lines "1.666667") without floating point:
// amounts become integers of 10^-6 units, are summed exactly and rounded once, at the end,
// half away from zero, the way a receipt rounds.
const SCALE = 6;
const FACTOR = 10n ** BigInt(SCALE);
const AMOUNT = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** 10^-6 units. Empty or missing is zero; digits beyond the sixth decimal are dropped. */
export function parseAmount(value: string | number | null | undefined): bigint {
  if (value === undefined || value === null) return 0n;
  const text = typeof value === 'number' ? value.toFixed(SCALE) : value.trim();
  if (text === '') return 0n;
  const match = AMOUNT.exec(text);
  if (!match || (match[2] === '' && !match[3])) throw new Error(`not a decimal amount: "${text.slice(0, 40)}"`);
  const fraction = (match[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0');
  const units = BigInt(match[2] || '0') * FACTOR + BigInt(fraction);
  return match[1] === '-' ? -units : units;
}

/** "12.35" from 10^-6 units, rounded half away from zero to `decimals` places. */
export function formatAmount(units: bigint, decimals = 2): string {
  const step = 10n ** BigInt(SCALE - decimals);
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const rounded = (abs + step / 2n) / step;
  const unit = 10n ** BigInt(decimals);
  const whole = (rounded / unit).toString();
  const fraction = decimals > 0 ? `.${(rounded % unit).toString().padStart(decimals, '0')}` : '';
  return `${negative && rounded !== 0n ? '-' : ''}${whole}${fraction}`;
}

export function sumAmounts(values: readonly (string | number | null | undefined)[]): bigint {
  return values.reduce<bigint>((sum, v) => sum + parseAmount(v), 0n);
}
