// Every Int operator against a BigInt reference, on random operands that mix
// the full 64-bit range with the boundaries where checked arithmetic goes wrong.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as I from './int64.js';

const MIN = I.INT64_MIN;
const MAX = I.INT64_MAX;
const S = 2n ** 53n;

type Ref = bigint | 'overflow' | 'div-by-zero' | 'negative-exponent';

const boundaries = fc.constantFrom(
  MIN, MIN + 1n, MIN + 2n, -1n, 0n, 1n, 2n, -2n, MAX - 1n, MAX,
  S - 1n, S, S + 1n, -(S - 1n), -S, -(S + 1n),
  2n ** 31n, -(2n ** 31n), 2n ** 32n, 2n ** 62n, -(2n ** 62n),
  3037000499n, 3037000500n, -3037000499n, -3037000500n, // around sqrt(2^63)
  94906265n, 94906266n, // around sqrt(2^53)
);

const int64 = fc.oneof(
  { weight: 3, arbitrary: fc.bigInt({ min: MIN, max: MAX }) },
  { weight: 3, arbitrary: boundaries },
  { weight: 2, arbitrary: fc.bigInt({ min: -1000n, max: 1000n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }) },
);

function range(b: bigint): Ref {
  return b >= MIN && b <= MAX ? b : 'overflow';
}

/** The module's result as a reference value; also asserts the representation invariants. */
function observe(r: I.IntResult): Ref {
  if (I.isTrap(r)) return r.trap;
  if (typeof r === 'number') {
    expect(Number.isSafeInteger(r)).toBe(true);
    expect(Object.is(r, -0)).toBe(false);
    return BigInt(r);
  }
  // A bigint result must be outside the safe range (normalisation).
  expect(r > BigInt(Number.MAX_SAFE_INTEGER) || r < -BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  return r;
}

const ref = {
  add: (a: bigint, b: bigint): Ref => range(a + b),
  sub: (a: bigint, b: bigint): Ref => range(a - b),
  mul: (a: bigint, b: bigint): Ref => range(a * b),
  div: (a: bigint, b: bigint): Ref => (b === 0n ? 'div-by-zero' : range(a / b)),
  floorDiv: (a: bigint, b: bigint): Ref => {
    if (b === 0n) return 'div-by-zero';
    let q = a / b;
    if (q * b !== a && (a < 0n) !== (b < 0n)) q -= 1n;
    return range(q);
  },
  mod: (a: bigint, b: bigint): Ref => (b === 0n ? 'div-by-zero' : a % b),
  pow: (a: bigint, b: bigint): Ref => {
    if (b < 0n) return 'negative-exponent';
    if (a === 0n || a === 1n || a === -1n || b <= 70n) {
      if (a === 0n) return b === 0n ? 1n : 0n;
      if (a === 1n) return 1n;
      if (a === -1n) return b % 2n === 0n ? 1n : -1n;
      return range(a ** b);
    }
    return 'overflow'; // |a| >= 2 and b > 70
  },
};

const binary: [string, (a: I.Int, b: I.Int) => I.IntResult, (a: bigint, b: bigint) => Ref][] = [
  ['+', I.add, ref.add],
  ['-', I.sub, ref.sub],
  ['*', I.mul, ref.mul],
  ['/', I.div, ref.div],
  ['//', I.floorDiv, ref.floorDiv],
  ['%', I.mod, ref.mod],
];

describe('checked Int operators agree with BigInt', () => {
  for (const [name, impl, reference] of binary) {
    it(`${name}`, () => {
      fc.assert(
        fc.property(int64, int64, (a, b) => {
          expect(observe(impl(I.normalize(a), I.normalize(b)))).toEqual(reference(a, b));
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('**', () => {
    const exponent = fc.oneof(fc.bigInt({ min: -3n, max: 70n }), fc.constantFrom(0n, 1n, 62n, 63n, 64n, MAX, MIN));
    const smallBase = fc.oneof(fc.bigInt({ min: -10n, max: 10n }), fc.constantFrom(2n, -2n, 3037000499n, 3037000500n, MIN, MAX));
    fc.assert(
      fc.property(fc.oneof(int64, smallBase), exponent, (a, b) => {
        expect(observe(I.pow(I.normalize(a), I.normalize(b)))).toEqual(ref.pow(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('unary -, abs', () => {
    fc.assert(
      fc.property(int64, (a) => {
        expect(observe(I.neg(I.normalize(a)))).toEqual(range(-a));
        expect(observe(I.abs(I.normalize(a)))).toEqual(range(a < 0n ? -a : a));
      }),
      { numRuns: 3000 },
    );
  });

  it('comparisons', () => {
    fc.assert(
      fc.property(int64, int64, (a, b) => {
        const x = I.normalize(a);
        const y = I.normalize(b);
        expect(I.compare(x, y)).toBe(a < b ? -1 : a > b ? 1 : 0);
        expect(I.eq(x, y)).toBe(a === b);
        // The VM compares with JS operators directly: they are exact on mixed number/bigint.
        expect(x < y).toBe(a < b);
        expect(x <= y).toBe(a <= b);
      }),
      { numRuns: 3000 },
    );
  });

  it('to_float rounds to nearest and to_int truncates, trapping outside the range', () => {
    fc.assert(
      fc.property(int64, (a) => {
        expect(I.toFloat(I.normalize(a))).toBe(Number(a));
      }),
    );
    const floats = fc.oneof(
      fc.double(),
      fc.constantFrom(2 ** 63, -(2 ** 63), 2 ** 63 - 1024, -(2 ** 63) + 1024, 2 ** 53, 2 ** 53 + 2, -0, 0.5, -0.5, -1.5, NaN, Infinity, -Infinity),
    );
    fc.assert(
      fc.property(floats, (f) => {
        let expected: Ref;
        if (!Number.isFinite(f)) expected = 'overflow';
        else expected = range(BigInt(Math.trunc(f)));
        expect(observe(I.toInt(f))).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('unbounded (specification) operators', () => {
  const wide = fc.oneof(int64, fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }));
  it('never overflow and stay exact', () => {
    fc.assert(
      fc.property(wide, wide, (a, b) => {
        const x = I.normalize(a);
        const y = I.normalize(b);
        expect(I.toBigInt(I.addU(x, y))).toBe(a + b);
        expect(I.toBigInt(I.subU(x, y))).toBe(a - b);
        expect(I.toBigInt(I.mulU(x, y))).toBe(a * b);
        const d = I.divU(x, y);
        if (b === 0n) expect(d).toBe(I.DIV_ZERO);
        else expect(I.toBigInt(d as I.Int)).toBe(a / b);
        const f = I.floorDivU(x, y);
        if (b !== 0n) {
          let q = a / b;
          if (q * b !== a && (a < 0n) !== (b < 0n)) q -= 1n;
          expect(I.toBigInt(f as I.Int)).toBe(q);
        }
        expect(I.toBigInt(I.negU(x))).toBe(-a);
      }),
      { numRuns: 2000 },
    );
  });

  it('examples', () => {
    expect(I.addU(I.normalize(MAX), 1)).toBe(MAX + 1n);
    expect(I.mulU(I.normalize(MIN), -1)).toBe(-MIN);
    expect(I.powU(2, 100)).toBe(2n ** 100n);
    expect(I.powU(2, -1)).toBe(I.NEGATIVE_EXPONENT);
    expect(I.powU(3, 10_000_000)).toBe(I.OVERFLOW);
  });
});

describe('documented corner cases', () => {
  it('follow LANGUAGE.md §3', () => {
    const min = I.normalize(MIN);
    expect(I.div(min, -1)).toBe(I.OVERFLOW);
    expect(I.floorDiv(min, -1)).toBe(I.OVERFLOW);
    expect(I.mod(min, -1)).toBe(0);
    expect(I.mod(-7, 2)).toBe(-1);
    expect(I.div(-7, 2)).toBe(-3);
    expect(I.floorDiv(-7, 2)).toBe(-4);
    expect(I.div(7, 0)).toBe(I.DIV_ZERO);
    expect(I.mod(7, 0)).toBe(I.DIV_ZERO);
    expect(I.pow(2, -1)).toBe(I.NEGATIVE_EXPONENT);
    expect(I.pow(2, 62)).toBe(2n ** 62n);
    expect(I.pow(2, 63)).toBe(I.OVERFLOW);
    expect(I.pow(-2, 63)).toBe(MIN);
    expect(I.neg(min)).toBe(I.OVERFLOW);
    expect(I.abs(min)).toBe(I.OVERFLOW);
    expect(Object.is(I.mul(0, -5), 0)).toBe(true);
    expect(Object.is(I.mod(-4, 2), 0)).toBe(true);
    expect(Object.is(I.neg(0), 0)).toBe(true);
    expect(I.add(Number.MAX_SAFE_INTEGER, 1)).toBe(2n ** 53n);
    expect(I.sub(2n ** 53n, 1n)).toBe(Number.MAX_SAFE_INTEGER);
  });
});
