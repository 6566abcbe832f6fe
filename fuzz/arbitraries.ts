// fast-check arbitraries of VM values, directed by Lumen types.
//
// * Int: a custom arbitrary (`IntArbitrary`) biased to boundaries (0, ±1,
//   MIN, MAX, the bounds of a refinement), to the program's own literals ±1
//   (a division by `x - 42` needs 42), to small and medium values. Its
//   shrinker moves a value towards 0 (or the refinement bound nearest 0); a
//   value beyond ±2^62 may instead move to the 64-bit bound on its side, so an
//   overflow of `a + b` shrinks to `MAX` and `1` rather than to an arbitrary
//   pair summing to 2^63.
// * Float, Bool, String, Null: fast-check's own, with boundary constants.
// * Lists, tuples, records, enums, results, unions: composed, with a depth
//   limit so recursive types stay finite (lists shrink to `[]`, enums prefer
//   variants without payload, unions prefer `null` past the limit).
// * Generic type parameters are instantiated to Int; `map[K, V]` is not
//   supported (the IR has no maps yet): `UnsupportedType` is thrown.

import fc from 'fast-check';
import type { BytecodeProgram } from '../backend/index.js';
import type { IrExpr, IrProgram, IrVar } from '../frontend/ir.js';
import type { Type } from '../frontend/types.js';
import { int64, values, type Value } from '../vm/index.js';
import { substitute } from '../vm/value.js';

export class UnsupportedType extends Error {
  constructor(readonly type: Type) {
    super(`cannot generate values of type ${type.kind}`);
  }
}

const MIN = int64.INT64_MIN;
const MAX = int64.INT64_MAX;
/** Beyond this magnitude an Int shrinks towards the 64-bit bound on its side (see header). */
const FAR = 1n << 62n;
const INT_T: Type = { kind: 'Int' };

/** Inclusive bounds of an Int, from constant comparisons in refinements. */
export interface IntBounds {
  readonly lo: bigint;
  readonly hi: bigint;
}

export const FULL_RANGE: IntBounds = { lo: MIN, hi: MAX };

export interface GenContext {
  readonly prog: BytecodeProgram;
  readonly ir: IrProgram;
  /** Int literals of the program (the fuzzer's dictionary). */
  readonly ints: readonly bigint[];
  /** String literals of the program. */
  readonly strings: readonly string[];
}

const clamp = (v: bigint, lo: bigint, hi: bigint): bigint => (v < lo ? lo : v > hi ? hi : v);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** The Int arbitrary: biased generation, shrinking towards simple values (see the header). */
export class IntArbitrary extends fc.Arbitrary<Value> {
  private readonly boundaries: bigint[];
  private readonly dictionary: bigint[];
  private readonly target: bigint;

  constructor(
    readonly lo: bigint,
    readonly hi: bigint,
    dictionary: readonly bigint[],
  ) {
    super();
    this.target = clamp(0n, lo, hi);
    const t = this.target;
    const inRange = (xs: bigint[]): bigint[] => [...new Set(xs.filter((c) => c >= lo && c <= hi))];
    this.boundaries = inRange([t + 1n, t - 1n, 1n, -1n, 2n, -2n, lo, hi, lo + 1n, hi - 1n, MAX, MIN]);
    this.dictionary = inRange(dictionary.flatMap((d) => [d, d - 1n, d + 1n]));
  }

  /** 10% the target, 15% a boundary, 10% a program literal ±1, 30% small, 15% medium, 20% anything. */
  generate(mrng: fc.Random): fc.Value<Value> {
    const pick = (xs: readonly bigint[]): bigint => xs[mrng.nextInt(0, xs.length - 1)]!;
    const r = mrng.nextInt(0, 99);
    let v: bigint;
    if (r < 10) v = this.target;
    else if (r < 25 && this.boundaries.length > 0) v = pick(this.boundaries);
    else if (r < 35 && this.dictionary.length > 0) v = pick(this.dictionary);
    else if (r < 65) v = this.around(mrng, 16n);
    else if (r < 80) v = this.around(mrng, 1n << 20n);
    else v = mrng.nextBigInt(this.lo, this.hi);
    return new fc.Value(int64.normalize(v), undefined);
  }

  /** A uniform value within `radius` of the shrink target, inside the bounds. */
  private around(mrng: fc.Random, radius: bigint): bigint {
    const lo = clamp(this.target - radius, this.lo, this.hi);
    const hi = clamp(this.target + radius, this.lo, this.hi);
    return mrng.nextBigInt(lo, hi);
  }

  canShrinkWithoutContext(value: unknown): value is Value {
    if (typeof value !== 'number' && typeof value !== 'bigint') return false;
    if (typeof value === 'number' && !Number.isInteger(value)) return false;
    const b = BigInt(value);
    return b >= this.lo && b <= this.hi;
  }

  shrink(value: Value): fc.Stream<fc.Value<Value>> {
    return fc.Stream.of(...shrinkInt(BigInt(value as number | bigint), this.lo, this.hi).map((c) => new fc.Value(int64.normalize(c), undefined)));
  }
}

/**
 * Shrink candidates of `v`, simplest first. Shrinking is well-founded on
 * (class, distance to the goal, sign): a *near* value (|v| <= 2^62) only
 * moves closer to the target (0, or the bound nearest 0); a *far* value moves
 * to the near class (target, ±1) or closer to the 64-bit bound on its side;
 * a negative value may also move to its positive mirror image at the same
 * distance (`-v`, or `-v - 1` for a far one, so MIN mirrors to MAX).
 */
export function shrinkInt(v: bigint, lo: bigint, hi: bigint): bigint[] {
  const t = clamp(0n, lo, hi);
  if (v === t) return [];
  const out: bigint[] = [t];
  if (t === 0n) for (const c of [1n, -1n]) if (c !== v && c >= lo && c <= hi && abs(c) < abs(v)) out.push(c);
  const far = v > t ? v > FAR && t <= FAR : v < -FAR && t >= -FAR;
  const goal = far ? (v > t ? hi : lo) : t;
  // A negative value's mirror image is as far from its goal, and simpler for being positive.
  if (v < 0n && t === 0n) {
    const mirror = far ? -v - 1n : -v;
    const asClose = far ? hi - mirror <= v - lo : true;
    if (mirror <= hi && asClose && !out.includes(mirror)) out.push(mirror);
  }
  if (far && goal !== v) out.push(goal);
  // Halving towards the goal: halfway first, then ever closer to v.
  for (let gap = (v - goal) / 2n; gap !== 0n; gap /= 2n) {
    const c = v - gap;
    if (c !== goal && !out.includes(c)) out.push(c);
  }
  return out;
}

/** Bounds on an Int variable implied by constant comparisons in a conjunction of clauses. */
export function intBounds(clauses: readonly IrExpr[], v: IrVar): IntBounds {
  let lo = MIN;
  let hi = MAX;
  const constOf = (e: IrExpr): bigint | null => {
    if (e.kind === 'Const' && e.value.kind === 'Int') return e.value.value;
    if (e.kind === 'IntNeg') {
      const c = constOf(e.operand);
      return c === null ? null : -c;
    }
    return null;
  };
  const isV = (e: IrExpr): boolean => e.kind === 'Var' && e.v.id === v.id;
  const visit = (e: IrExpr): void => {
    if (e.kind === 'And') {
      visit(e.left);
      visit(e.right);
      return;
    }
    if (e.kind === 'In' && e.range && isV(e.element)) {
      const a = constOf(e.range.lo);
      const b = constOf(e.range.hi);
      if (a !== null && a > lo) lo = a;
      if (b !== null) {
        const top = e.range.inclusive ? b : b - 1n;
        if (top < hi) hi = top;
      }
      return;
    }
    if (e.kind !== 'Cmp' || e.operand.kind !== 'Int') return;
    let op = e.op;
    let c: bigint | null;
    if (isV(e.left)) c = constOf(e.right);
    else if (isV(e.right)) {
      c = constOf(e.left);
      op = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' } as const)[op];
    } else return;
    if (c === null) return;
    switch (op) {
      case '<':
        if (c - 1n < hi) hi = c - 1n;
        break;
      case '<=':
        if (c < hi) hi = c;
        break;
      case '>':
        if (c + 1n > lo) lo = c + 1n;
        break;
      case '>=':
        if (c > lo) lo = c;
        break;
      case '==':
        if (c > lo) lo = c;
        if (c < hi) hi = c;
        break;
      case '!=':
        break;
    }
  };
  for (const c of clauses) visit(c);
  lo = clamp(lo, MIN, MAX);
  hi = clamp(hi, MIN, MAX);
  return lo <= hi ? { lo, hi } : FULL_RANGE;
}

/** Nesting depth past which composite values are kept minimal. */
const MAX_DEPTH = 3;
/** Past this depth a type is deemed impossible to generate (a record that contains itself). */
const GIVE_UP_DEPTH = 12;

const FLOAT_SPECIALS = [0, 1, -1, 0.5, -0.5, 2, -2, 1e-9, 1e9, -0, NaN, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE];

/** An arbitrary of VM values of type `t`; `bounds` narrows an Int. Throws UnsupportedType. */
export function arbitraryFor(t: Type, ctx: GenContext, depth = 0, bounds: IntBounds = FULL_RANGE): fc.Arbitrary<Value> {
  if (depth > GIVE_UP_DEPTH) throw new UnsupportedType(t);
  switch (t.kind) {
    case 'Int':
    case 'TypeParam':
      return new IntArbitrary(bounds.lo, bounds.hi, ctx.ints);
    case 'Bool':
      return fc.boolean();
    case 'Null':
      return fc.constant(null);
    case 'Float':
      return fc.oneof(
        { arbitrary: fc.constantFrom(...FLOAT_SPECIALS), weight: 2 },
        { arbitrary: fc.integer({ min: -100, max: 100 }), weight: 1 },
        { arbitrary: fc.double(), weight: 2 },
      );
    case 'String': {
      const words = ['', ...ctx.strings.slice(0, 32)];
      return fc.oneof(
        { arbitrary: fc.string({ maxLength: 8 }), weight: 4 },
        { arbitrary: fc.constantFrom(...words), weight: 2 },
        { arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }), weight: 1 },
      );
    }
    case 'List': {
      if (depth >= MAX_DEPTH) return fc.constant([]);
      const maxLength = depth === 0 ? 8 : depth === 1 ? 4 : 2;
      return fc.array(arbitraryFor(t.elem, ctx, depth + 1), { maxLength });
    }
    case 'Tuple':
      return fc.tuple(...t.elems.map((e) => arbitraryFor(e, ctx, depth + 1))).map((items) => values.tuple(items));
    case 'Record': {
      const info = t.info;
      const rec = ctx.ir.records.get(info.qualifiedName);
      const fields = info.fields.map((f, i) => {
        const ft = substitute(f.type.type, info.typeParams, t.args);
        const fv = rec?.fields[i]?.v;
        const b = fv && ft.kind === 'Int' && rec ? intBounds(rec.invariants.map((c) => c.cond), fv) : FULL_RANGE;
        return arbitraryFor(ft, ctx, depth + 1, b);
      });
      return fc.tuple(...fields).map((fs) => values.record(ctx.prog, info.qualifiedName, fs));
    }
    case 'Enum': {
      const info = t.info;
      let variants = info.variants;
      if (depth >= MAX_DEPTH) {
        const leaves = variants.filter((v) => v.fields.length === 0);
        if (leaves.length > 0) variants = leaves;
      }
      const arbs = variants.map((v) =>
        fc
          .tuple(...v.fields.map((f) => arbitraryFor(substitute(f.type.type, info.typeParams, t.args), ctx, depth + 1)))
          .map((fs) => values.variant(ctx.prog, info.qualifiedName, v.name, fs)),
      );
      return fc.oneof({ withCrossShrink: true }, ...arbs);
    }
    case 'Result':
      return fc.oneof(
        { withCrossShrink: true },
        arbitraryFor(t.ok, ctx, depth + 1).map((v) => values.ok(v)),
        arbitraryFor(t.err, ctx, depth + 1).map((v) => values.err(v)),
      );
    case 'Union': {
      // `null` first: unions shrink towards it, and past the depth limit it is all there is.
      const members = [...t.members].sort((a, b) => (a.kind === 'Null' ? -1 : b.kind === 'Null' ? 1 : 0));
      if (depth >= MAX_DEPTH && members[0]!.kind === 'Null') return fc.constant(null);
      return fc.oneof({ withCrossShrink: true }, ...members.map((m) => ({ arbitrary: arbitraryFor(m, ctx, depth + 1), weight: m.kind === 'Null' ? 1 : 3 })));
    }
    case 'Map':
    case 'Never':
    case 'Error':
      throw new UnsupportedType(t);
  }
}

/** `t` with every generic type parameter replaced by Int (how generic cells are fuzzed). */
export function instantiate(t: Type): Type {
  switch (t.kind) {
    case 'TypeParam':
      return INT_T;
    case 'List':
      return { kind: 'List', elem: instantiate(t.elem) };
    case 'Map':
      return { kind: 'Map', key: instantiate(t.key), value: instantiate(t.value) };
    case 'Tuple':
      return { kind: 'Tuple', elems: t.elems.map(instantiate) };
    case 'Record':
    case 'Enum':
      return { ...t, args: t.args.map(instantiate) } as Type;
    case 'Result':
      return { kind: 'Result', ok: instantiate(t.ok), err: instantiate(t.err) };
    case 'Union':
      return { kind: 'Union', members: t.members.map(instantiate) };
    default:
      return t;
  }
}
