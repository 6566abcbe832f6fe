// The Int shrinker must be well-founded (every candidate strictly simpler, so
// shrinking always ends) and stay within the bounds; the bounds extracted from
// refinements must be the constant ones.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IrExpr, IrVar } from '../frontend/ir.js';
import type { Span } from '../frontend/span.js';
import { int64 } from '../vm/index.js';
import { intBounds, shrinkInt } from './arbitraries.js';

const MIN = int64.INT64_MIN;
const MAX = int64.INT64_MAX;
const FAR = 1n << 62n;

/** The measure shrinking decreases, compared lexicographically (see shrinkInt). */
function measure(v: bigint, lo: bigint, hi: bigint): [number, bigint, number] {
  const t = 0n < lo ? lo : 0n > hi ? hi : 0n;
  const far = v > t ? v > FAR && t <= FAR : v < -FAR && t >= -FAR;
  if (far) return [1, v > t ? hi - v : v - lo, v < 0n ? 1 : 0];
  const d = v > t ? v - t : t - v;
  return [0, d, v < 0n ? 1 : 0];
}

function less(a: [number, bigint, number], b: [number, bigint, number]): boolean {
  if (a[0] !== b[0]) return a[0] < b[0];
  if (a[1] !== b[1]) return a[1] < b[1];
  return a[2] < b[2];
}

const bounds = fc.oneof(
  fc.constant([MIN, MAX] as const),
  fc.tuple(fc.bigInt(MIN, MAX), fc.bigInt(MIN, MAX)).map(([a, b]) => (a <= b ? ([a, b] as const) : ([b, a] as const))),
  fc.tuple(fc.bigInt(-1000n, 1000n), fc.bigInt(0n, 1000n)).map(([a, w]) => [a, a + w] as const),
);

describe('shrinkInt', () => {
  it('offers only simpler values inside the bounds', () => {
    fc.assert(
      fc.property(bounds, fc.bigInt(MIN, MAX), ([lo, hi], raw) => {
        const v = lo + (((raw % (hi - lo + 1n)) + (hi - lo + 1n)) % (hi - lo + 1n));
        const m = measure(v, lo, hi);
        return shrinkInt(v, lo, hi).every((c) => c >= lo && c <= hi && c !== v && less(measure(c, lo, hi), m));
      }),
      { numRuns: 1000 },
    );
  });

  it('starts with the simplest values', () => {
    expect(shrinkInt(5n, MIN, MAX).slice(0, 3)).toEqual([0n, 1n, -1n]);
    expect(shrinkInt(MAX - 7n, MIN, MAX).slice(0, 4)).toEqual([0n, 1n, -1n, MAX]);
    expect(shrinkInt(MIN, MIN, MAX)).toEqual([0n, 1n, -1n, MAX]);
    expect(shrinkInt(-6n, MIN, MAX).slice(0, 4)).toEqual([0n, 1n, -1n, 6n]);
    expect(shrinkInt(10n, 3n, 100n)[0]).toBe(3n);
    expect(shrinkInt(0n, MIN, MAX)).toEqual([]);
  });
});

describe('intBounds', () => {
  const span: Span = { file: 't.lm', start: 0, end: 0 };
  const x: IrVar = { id: 1, name: 'x', type: { kind: 'Int' } };
  const y: IrVar = { id: 2, name: 'y', type: { kind: 'Int' } };
  const v = (w: IrVar): IrExpr => ({ kind: 'Var', v: w, span });
  const k = (n: bigint): IrExpr => ({ kind: 'Const', value: { kind: 'Int', value: n }, type: { kind: 'Int' }, span });
  const cmp = (op: '<' | '<=' | '>' | '>=' | '==' | '!=', l: IrExpr, r: IrExpr): IrExpr => ({ kind: 'Cmp', op, left: l, right: r, operand: { kind: 'Int' }, span });
  const and = (l: IrExpr, r: IrExpr): IrExpr => ({ kind: 'And', left: l, right: r, span });

  it('reads constant comparisons in conjunctions, on either side', () => {
    expect(intBounds([and(cmp('>=', v(x), k(0n)), cmp('<', v(x), k(10n)))], x)).toEqual({ lo: 0n, hi: 9n });
    expect(intBounds([cmp('<=', k(-5n), v(x)), cmp('>', k(5n), v(x))], x)).toEqual({ lo: -5n, hi: 4n });
    expect(intBounds([cmp('==', v(x), k(7n))], x)).toEqual({ lo: 7n, hi: 7n });
  });

  it('ignores what it does not understand', () => {
    expect(intBounds([cmp('<', v(x), v(y)), cmp('!=', v(x), k(0n))], x)).toEqual({ lo: MIN, hi: MAX });
    expect(intBounds([cmp('<', v(y), k(3n))], x)).toEqual({ lo: MIN, hi: MAX });
    // Contradictory bounds: leave the filtering to the guard.
    expect(intBounds([cmp('<', v(x), k(0n)), cmp('>', v(x), k(0n))], x)).toEqual({ lo: MIN, hi: MAX });
  });
});
