// Lumen's `Int`: exact 64-bit signed integers with checked arithmetic
// (LANGUAGE.md §3). This module is the reference semantics of every Int
// operator; the VM calls it on its slow paths and the verifier's tests may use
// it to replay counterexamples.
//
// Representation: an Int is a JS `number` while it is a safe integer
// (|x| <= 2^53 - 1) and a `bigint` beyond. Every function returns a
// *normalised* Int: a result that fits in the safe range is always a number,
// so `===` is Int equality and a number never equals a bigint of the same value.
// `-0` never appears (it would print as `0` but turn into `-0.0` through
// `to_float`).
//
// Checked operations return either an Int or one of the trap singletons
// below; the unbounded variants (suffix `U`, used for specifications, which
// are evaluated over mathematical integers) never report overflow but still
// report division by zero and negative exponents.

export type Int = number | bigint;

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

/** Why an Int operation has no value. */
export interface IntTrap {
  readonly trap: 'overflow' | 'div-by-zero' | 'negative-exponent';
}

export const OVERFLOW: IntTrap = Object.freeze({ trap: 'overflow' });
export const DIV_ZERO: IntTrap = Object.freeze({ trap: 'div-by-zero' });
export const NEGATIVE_EXPONENT: IntTrap = Object.freeze({ trap: 'negative-exponent' });

export type IntResult = Int | IntTrap;

export function isTrap(r: IntResult): r is IntTrap {
  return typeof r === 'object';
}

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = -SAFE_MAX;

/** The canonical Int for a mathematical integer (no range check). */
export function normalize(b: bigint): Int {
  return b >= SAFE_MIN && b <= SAFE_MAX ? Number(b) : b;
}

export function fits64(b: bigint): boolean {
  return b >= INT64_MIN && b <= INT64_MAX;
}

/** A mathematical integer as a checked Int: traps outside the 64-bit range. */
export function checked(b: bigint): IntResult {
  if (b >= SAFE_MIN && b <= SAFE_MAX) return Number(b);
  return b >= INT64_MIN && b <= INT64_MAX ? b : OVERFLOW;
}

export function toBigInt(a: Int): bigint {
  return typeof a === 'bigint' ? a : BigInt(a);
}

/** Converts any integral JS value (number or bigint) to a normalised Int. */
export function fromJs(x: number | bigint): Int {
  if (typeof x === 'bigint') return normalize(x);
  if (!Number.isInteger(x)) throw new RangeError(`not an integer: ${x}`);
  return Number.isSafeInteger(x) ? x + 0 : normalize(BigInt(x));
}

// ---------------------------------------------------------------- checked

export function add(a: Int, b: Int): IntResult {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  return checked(toBigInt(a) + toBigInt(b));
}

export function sub(a: Int, b: Int): IntResult {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
  }
  return checked(toBigInt(a) - toBigInt(b));
}

export function mul(a: Int, b: Int): IntResult {
  if (typeof a === 'number' && typeof b === 'number') {
    // A safe rounded product implies the exact product is below 2^53, hence exact.
    const r = a * b;
    if (Number.isSafeInteger(r)) return r + 0;
  }
  return checked(toBigInt(a) * toBigInt(b));
}

/** `/`: truncating division. Traps on a zero divisor and on MIN / -1. */
export function div(a: Int, b: Int): IntResult {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) return DIV_ZERO;
    // For |a| < 2^53 the rounded quotient never crosses an integer, so trunc is exact.
    return Math.trunc(a / b) + 0;
  }
  const B = toBigInt(b);
  if (B === 0n) return DIV_ZERO;
  return checked(toBigInt(a) / B);
}

/** `//`: floor division. Traps on a zero divisor and on MIN // -1. */
export function floorDiv(a: Int, b: Int): IntResult {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) return DIV_ZERO;
    return Math.floor(a / b) + 0;
  }
  const B = toBigInt(b);
  if (B === 0n) return DIV_ZERO;
  return checked(floorDivBig(toBigInt(a), B));
}

/** `%`: the remainder that goes with `/` (sign of the dividend). `x % -1` is 0. */
export function mod(a: Int, b: Int): IntResult {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) return DIV_ZERO;
    return (a % b) + 0;
  }
  const B = toBigInt(b);
  if (B === 0n) return DIV_ZERO;
  return normalize(toBigInt(a) % B);
}

/** `**`: traps on a negative exponent and on overflow. */
export function pow(a: Int, b: Int): IntResult {
  if (b < 0) return NEGATIVE_EXPONENT;
  if (typeof a === 'number' && typeof b === 'number' && b < 64) {
    let r = 1;
    for (let i = 0; i < b; i++) {
      r *= a;
      if (!Number.isSafeInteger(r)) return powSlow(a, b, true);
    }
    return r + 0;
  }
  return powSlow(a, b, true);
}

export function neg(a: Int): IntResult {
  if (typeof a === 'number') return 0 - a;
  return checked(-a);
}

export function abs(a: Int): IntResult {
  if (typeof a === 'number') return Math.abs(a);
  return checked(a < 0n ? -a : a);
}

// ---------------------------------------------------------------- unbounded (specifications)

export function addU(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  return normalize(toBigInt(a) + toBigInt(b));
}

export function subU(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
  }
  return normalize(toBigInt(a) - toBigInt(b));
}

export function mulU(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    if (Number.isSafeInteger(r)) return r + 0;
  }
  return normalize(toBigInt(a) * toBigInt(b));
}

export function divU(a: Int, b: Int): Int | IntTrap {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) return DIV_ZERO;
    return Math.trunc(a / b) + 0;
  }
  const B = toBigInt(b);
  if (B === 0n) return DIV_ZERO;
  return normalize(toBigInt(a) / B);
}

export function floorDivU(a: Int, b: Int): Int | IntTrap {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) return DIV_ZERO;
    return Math.floor(a / b) + 0;
  }
  const B = toBigInt(b);
  if (B === 0n) return DIV_ZERO;
  return normalize(floorDivBig(toBigInt(a), B));
}

export const modU = mod;

/**
 * Unbounded `**`. A result of more than 2^20 bits is refused with OVERFLOW:
 * it cannot be evaluated at run time in reasonable memory.
 */
export function powU(a: Int, b: Int): Int | IntTrap {
  if (b < 0) return NEGATIVE_EXPONENT;
  return powSlow(a, b, false);
}

export function negU(a: Int): Int {
  if (typeof a === 'number') return 0 - a;
  return normalize(-a);
}

export function absU(a: Int): Int {
  if (typeof a === 'number') return Math.abs(a);
  return normalize(a < 0n ? -a : a);
}

// ---------------------------------------------------------------- comparisons and conversions

/** -1, 0 or 1. JS relational operators compare numbers and bigints exactly, too. */
export function compare(a: Int, b: Int): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function eq(a: Int, b: Int): boolean {
  return a === b;
}

/** `to_float`: the nearest binary64 value (ties to even). */
export function toFloat(a: Int): number {
  return typeof a === 'number' ? a : Number(a);
}

const TWO_63 = 2 ** 63;

/** `to_int`: truncates toward zero; NaN, infinities and values outside the 64-bit range trap. */
export function toInt(f: number): IntResult {
  if (!Number.isFinite(f)) return OVERFLOW;
  const t = Math.trunc(f);
  if (t >= TWO_63 || t < -TWO_63) return OVERFLOW;
  if (Number.isSafeInteger(t)) return t + 0;
  return normalize(BigInt(t));
}

export function intToString(a: Int): string {
  return typeof a === 'number' ? String(a) : a.toString();
}

// ---------------------------------------------------------------- helpers

function floorDivBig(A: bigint, B: bigint): bigint {
  const q = A / B;
  return A % B !== 0n && A < 0n !== B < 0n ? q - 1n : q;
}

function powSlow(a: Int, b: Int, bounded: boolean): IntResult {
  const A = toBigInt(a);
  const E = toBigInt(b);
  if (A === 0n) return E === 0n ? 1 : 0;
  if (A === 1n) return 1;
  if (A === -1n) return E % 2n === 0n ? 1 : -1;
  // |A| >= 2 from here on.
  if (bounded) {
    if (E >= 64n) return OVERFLOW;
    return checked(A ** E);
  }
  const bits = BigInt((A < 0n ? -A : A).toString(2).length);
  if (E * bits > 1n << 20n) return OVERFLOW;
  return normalize(A ** E);
}
